// The error taxonomy end to end through both transports, against a server scripted to answer the
// statuses real servers here cannot be made to send (see scripted-influx.ts).
import { ConfigError } from '../../src/config.js';
import {
  createLoader,
  InfluxConfigError,
  InfluxUnreachableError,
  LoaderAbortedError,
  LoaderClosedError,
  type LineWriter,
} from '../../src/loaders/index.js';
import { capturingLogger, influxConfig, productionLines } from './helpers.js';
import { startScriptedInflux, type Script, type ScriptedInflux } from './scripted-influx.js';

const FAST = { backoff: { baseMs: 20, capMs: 100 }, flushIntervalMs: 50 };
const OK = { status: 204 };
const sorted = (lines: string[]) => [...lines].sort();

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe.each(['v1', 'v2'] as const)('loader through %s against scripted answers', (api) => {
  let server: ScriptedInflux | undefined;
  let loader: LineWriter | undefined;

  async function start(script: Script, options: Parameters<typeof createLoader>[1] = {}) {
    server = await startScriptedInflux(script);
    const log = capturingLogger();
    loader = createLoader(
      influxConfig({ api, url: server.url, token: 'secret-token', org: 'o', bucket: 'b', database: 'd' }),
      { ...FAST, ...options },
      log.logger,
    );
    return { server, loader, entries: log.entries };
  }

  afterEach(async () => {
    server?.release(OK);
    await loader?.close({ deadlineMs: 1_000 }).catch(() => undefined);
    await server?.stop();
    server = undefined;
    loader = undefined;
  });

  it('delivers every line once, in batches of batchSize, precision s, gzipped above the threshold', async () => {
    const { server, loader } = await start(() => OK, { batchSize: 1_000, gzipThresholdBytes: 50_000 });
    const lines = productionLines(1, 1_700_000_000, 12_345);
    await loader.write(lines);
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    expect(server.requests.map((r) => r.lines.length).sort((a, b) => b - a)).toEqual([
      ...Array<number>(12).fill(1_000),
      345,
    ]);
    expect(server.requests.every((r) => r.path.includes('precision=s'))).toBe(true);
    expect(server.requests.filter((r) => r.gzipped)).toHaveLength(12); // the 345-line batch is small
    expect(server.requests[0]?.path).toMatch(
      api === 'v1' ? /^\/write\?db=d&/ : /^\/api\/v2\/write\?org=o&bucket=b&/,
    );
    expect(loader.stats()).toMatchObject({ delivered: 12_345, dropped: 0, retries: 0, buffered: 0 });
  });

  it('cuts lines handed in encoded into the same batches of batchSize, at line boundaries', async () => {
    const { server, loader } = await start(() => OK, { batchSize: 1_000, maxBufferedLines: 2_500 });
    const lines = productionLines(2, 1_700_000_000, 12_345);
    for (let i = 0; i < lines.length; i += 777) {
      const chunk = lines.slice(i, i + 777);
      await loader.write({ bytes: Buffer.from(chunk.join('\n'), 'utf8'), lines: chunk.length });
    }
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    expect(server.requests.map((r) => r.lines.length).sort((a, b) => b - a)).toEqual([
      ...Array<number>(12).fill(1_000),
      345,
    ]);
    expect(loader.stats()).toMatchObject({ delivered: 12_345, dropped: 0, buffered: 0 });
  });

  it('sends a partial batch after flushIntervalMs without waiting for flush()', async () => {
    const { server, loader } = await start(() => OK, { batchSize: 1_000, flushIntervalMs: 100 });
    const lines = productionLines(11, 1_700_000_000, 10);
    await loader.write(lines);
    expect(server.requests).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    expect(loader.stats()).toMatchObject({ delivered: 10, buffered: 0 });
  });

  it('splits a batch on 413 until the parts fit', async () => {
    const { server, loader } = await start((r) => (r.lines.length > 300 ? { status: 413 } : OK), {
      batchSize: 1_000,
    });
    const lines = productionLines(2, 1_700_000_000, 1_000);
    await loader.write(lines);
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    expect(server.accepted).toHaveLength(1_000); // nothing twice
    expect(loader.stats().dropped).toBe(0);
  });

  it('retries 503 until InfluxDB answers', async () => {
    const { server, loader, entries } = await start((_r, index) =>
      index < 3 ? { status: 503, body: '{"error":"engine busy"}' } : OK,
    );
    const lines = productionLines(3, 1_700_000_000, 10);
    await loader.write(lines);
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    expect(loader.stats().retries).toBe(3);
    expect(
      entries.some(
        (e) => e.msg === 'InfluxDB write failed; retrying' && String(e.reason).includes('engine busy'),
      ),
    ).toBe(true);
  });

  it('waits as long as Retry-After says on 429', async () => {
    const { server, loader } = await start((_r, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : OK,
    );
    await loader.write(productionLines(4, 1_700_000_000, 5));
    await loader.flush();
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('logs a bad line with the reason, drops only it and writes the rest', async () => {
    const lines = productionLines(5, 1_700_000_000, 100);
    const bad = lines[37]!;
    const { server, loader, entries } = await start(
      (r) =>
        r.lines.includes(bad)
          ? { status: 400, body: JSON.stringify({ error: 'partial write: field type conflict dropped=1' }) }
          : OK,
      { batchSize: 100 },
    );
    await loader.write(lines);
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines.filter((l) => l !== bad)));
    expect(loader.stats()).toMatchObject({ delivered: 99, dropped: 1 });
    const logged = entries.filter((e) => e.msg.startsWith('InfluxDB rejected a line'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ line: bad, reason: expect.stringContaining('field type conflict') });
  });

  it('stops with InfluxConfigError on 401, and refuses later writes', async () => {
    const { loader } = await start(() => ({ status: 401, body: '{"message":"unauthorized access"}' }));
    await loader.write(productionLines(6, 1_700_000_000, 3));
    const failure = loader.flush();
    await expect(failure).rejects.toBeInstanceOf(InfluxConfigError);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/unauthorized access/);
    await expect(loader.write(productionLines(6, 1_700_100_000, 1))).rejects.toBeInstanceOf(
      InfluxConfigError,
    );
  });

  it('never logs the token', async () => {
    const { server, loader, entries } = await start((_r, index) => (index === 0 ? { status: 503 } : OK));
    await loader.write(productionLines(7, 1_700_000_000, 3));
    await loader.flush();
    if (api === 'v2') expect(server.requests[0]?.authorization).toBe('Token secret-token');
    expect(JSON.stringify(entries)).not.toContain('secret-token');
  });

  it('holds writers back while the buffer is full (backpressure) and lets them on as InfluxDB answers', async () => {
    const { server, loader } = await start(() => undefined, {
      batchSize: 100,
      maxBufferedLines: 300,
      concurrency: 2,
    });
    const lines = productionLines(8, 1_700_000_000, 1_000);
    let written = false;
    const writing = loader.write(lines).then(() => (written = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(written).toBe(false);
    expect(loader.stats().buffered).toBe(300);
    expect(server.held()).toBe(2);
    server.release(OK);
    await writing;
    await loader.flush();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
  });

  it('flushes on close() and refuses writes after it', async () => {
    const { server, loader } = await start(() => OK, { batchSize: 1_000, flushIntervalMs: 60_000 });
    const lines = productionLines(12, 1_700_000_000, 7);
    await loader.write(lines);
    await loader.close();
    expect(sorted(server.accepted)).toEqual(sorted(lines));
    await expect(loader.write(lines)).rejects.toBeInstanceOf(LoaderClosedError);
  });

  it('gives up at close({ deadlineMs }) with LoaderAbortedError naming what is unwritten', async () => {
    const { loader } = await start(() => ({ status: 503 }));
    await loader.write(productionLines(9, 1_700_000_000, 42));
    const started = Date.now();
    await expect(loader.close({ deadlineMs: 300 })).rejects.toEqual(new LoaderAbortedError(42));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('with a patience, gives up on an InfluxDB that accepts nothing for that long', async () => {
    const { loader } = await start(() => ({ status: 503 }), { patienceMs: 600 });
    await loader.write(productionLines(10, 1_700_000_000, 5));
    const started = Date.now();
    const failure = loader.flush();
    await expect(failure).rejects.toBeInstanceOf(InfluxUnreachableError);
    await expect(failure).rejects.toThrow(/accepted no write for 600ms \(INFLUX_PATIENCE; last: HTTP 503\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await loader.whenFailed()).toBeInstanceOf(InfluxUnreachableError);
    await expect(loader.write(productionLines(10, 1_700_100_000, 1))).rejects.toBeInstanceOf(
      InfluxUnreachableError,
    );
  });

  it('the patience counts from the last accepted write: an outage shorter than it is ridden out', async () => {
    // 503 for ~500 ms, twice, with a success in between: 1 s of failures, never 800 ms in a row.
    let phase = 0;
    let since = Date.now();
    const { server, loader } = await start(
      () => {
        if (phase === 1 || phase === 3) return OK;
        if (Date.now() - since < 500) return { status: 503 };
        phase += 1;
        return OK;
      },
      { patienceMs: 800, batchSize: 3, concurrency: 1 },
    );
    await loader.write(productionLines(11, 1_700_000_000, 3));
    await loader.flush();
    phase = 2;
    since = Date.now();
    await loader.write(productionLines(11, 1_700_100_000, 3));
    await loader.flush();
    expect(server.accepted).toHaveLength(6);
  });

  it('an aborted signal ends every retry and a request held on the wire at once', async () => {
    const controller = new AbortController();
    const { server, loader } = await start(() => undefined, { signal: controller.signal });
    await loader.write(productionLines(13, 1_700_000_000, 4));
    const failure = loader.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.held()).toBe(1);
    const started = Date.now();
    controller.abort();
    await expect(failure).rejects.toEqual(new LoaderAbortedError(4));
    expect(Date.now() - started).toBeLessThan(500);
    expect(await loader.whenFailed()).toBeInstanceOf(LoaderAbortedError);
  });
});

it('left no unhandled promise rejection behind', () => {
  expect(unhandled).toEqual([]);
});

describe('v1 database creation', () => {
  it('stops with InfluxConfigError, dropping nothing, when the database is missing and cannot be created', async () => {
    const server = await startScriptedInflux((r) =>
      r.path.startsWith('/write')
        ? { status: 404, body: '{"error":"database not found: \\"d\\""}' }
        : {
            status: 403,
            body: '{"error":"error authorizing query: reader not authorized to execute statement"}',
          },
    );
    const log = capturingLogger();
    const loader = createLoader(
      influxConfig({ api: 'v1', url: server.url, database: 'd', username: 'reader', password: 'pw' }),
      FAST,
      log.logger,
    );
    try {
      await loader.write(productionLines(10, 1_700_000_000, 3));
      await expect(loader.flush()).rejects.toThrow(/not authorized/);
      expect(loader.stats().dropped).toBe(0);
      expect(server.requests.map((r) => r.path.split('?')[0])).toEqual(['/write', '/query']);
      expect(JSON.stringify(log.entries)).not.toContain('pw');
    } finally {
      await loader.close().catch(() => undefined);
      await server.stop();
    }
  });
});
