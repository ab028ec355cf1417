// The sink check writing commands make before their first API request (src/loaders/probe.ts): an
// empty write through the configured transport. Real servers where they can give the answer
// (influxd 1.6 has no /api/v2/write: a real 404), the scripted server for 401/403, a closed port
// for an InfluxDB that is down, a server that never answers for a black hole.
import { ConfigError } from '../../src/config.js';
import { checkInfluxSink, InfluxConfigError, InfluxUnreachableError } from '../../src/loaders/index.js';
import { judgeProbe } from '../../src/loaders/probe.js';
import { freePorts } from '../support/ports.js';
import {
  startInfluxV1,
  startVictoriaMetrics,
  type InfluxV1Handle,
  type VictoriaMetricsHandle,
} from '../support/services.js';
import { capturingLogger, influxConfig } from './helpers.js';
import { startScriptedInflux, type ScriptedInflux } from './scripted-influx.js';

const FAST = { baseMs: 20, capMs: 100 };

let influx: InfluxV1Handle;
let vm: VictoriaMetricsHandle;
beforeAll(async () => {
  [influx, vm] = await Promise.all([startInfluxV1(), startVictoriaMetrics()]);
});
afterAll(async () => {
  await Promise.all([influx?.stop(), vm?.stop()]);
});

describe('judgeProbe', () => {
  it('calls credentials and target good unless the loader would stop or retry', () => {
    expect(judgeProbe({ kind: 'delivered' })).toEqual({ kind: 'ok' });
    // 2.x/3.x may answer an empty body with a 400 about the body: auth and target passed before.
    expect(judgeProbe({ kind: 'reject', reason: 'HTTP 400: no data' })).toEqual({ kind: 'ok' });
    expect(judgeProbe({ kind: 'config', reason: 'HTTP 401', status: 401 })).toEqual({
      kind: 'refused',
      reason: 'HTTP 401',
      status: 401,
    });
    expect(judgeProbe({ kind: 'retry', reason: 'ECONNREFUSED' })).toEqual({
      kind: 'unreachable',
      reason: 'ECONNREFUSED',
    });
  });
});

describe('against real servers', () => {
  it('v1: passes against influxd and creates a missing database, writing nothing', async () => {
    const database = `${influx.database}_probe`;
    const { logger } = capturingLogger();
    await checkInfluxSink(influxConfig({ api: 'v1', url: influx.url, database: influx.database }), {
      logger,
    });
    await checkInfluxSink(influxConfig({ api: 'v1', url: influx.url, database }), { logger });
    const databases = await influx.query('SHOW DATABASES');
    expect(databases[0]?.values.flat()).toContain(database);
    expect(await influx.query(`SHOW MEASUREMENTS ON "${database}"`)).toEqual([]);
  });

  it('v2: passes against VictoriaMetrics /api/v2/write', async () => {
    const { logger } = capturingLogger();
    await expect(
      checkInfluxSink(influxConfig({ api: 'v2', url: vm.url, bucket: 'enphase' }), { logger }),
    ).resolves.toBeUndefined();
  });

  it('v2 against a server without /api/v2/write (influxd 1.6): the 404 is refused at once, exit 2', async () => {
    const { logger } = capturingLogger();
    const started = Date.now();
    const error = await checkInfluxSink(influxConfig({ api: 'v2', url: influx.url, bucket: 'enphase' }), {
      logger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfluxConfigError);
    expect(error).toBeInstanceOf(ConfigError); // the CLI's exit 2
    expect((error as InfluxConfigError).status).toBe(404);
    expect((error as Error).message).toMatch(
      /^InfluxDB refused the write through v2 \(HTTP 404.*\); check INFLUX_URL, INFLUX_API and the credentials/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('against answers real servers here cannot give', () => {
  let server: ScriptedInflux | undefined;
  afterEach(async () => {
    server?.release({ status: 204 });
    await server?.stop();
    server = undefined;
  });

  it.each([
    [
      'v1',
      401,
      '{"error":"authorization failed"}',
      /^InfluxDB refused the write through v1 \(HTTP 401: authorization failed\); check INFLUX_URL/,
    ],
    [
      'v2',
      401,
      '{"code":"unauthorized","message":"unauthorized access"}',
      /^InfluxDB refused the write through v2 \(HTTP 401: unauthorized access\)/,
    ],
    [
      'v2',
      403,
      '{"message":"insufficient permissions for write"}',
      /through v2 \(HTTP 403: insufficient permissions/,
    ],
  ] as const)(
    '%s answering %d: InfluxConfigError with the loader’s line, one request',
    async (api, status, body, line) => {
      server = await startScriptedInflux(() => ({ status, body }));
      const { logger } = capturingLogger();
      const config = influxConfig({
        api,
        url: server.url,
        username: 'u',
        password: 'wrong',
        token: 't',
        org: 'o',
      });
      const error = await checkInfluxSink(config, { logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfluxConfigError);
      expect((error as Error).message).toMatch(line);
      expect((error as Error).message).not.toContain('wrong');
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.lines).toEqual([]);
    },
  );

  it('waits for an InfluxDB that comes up within the patience', async () => {
    let answers = 0;
    server = await startScriptedInflux(() => (++answers <= 3 ? { status: 503 } : { status: 204 }));
    const { logger, entries } = capturingLogger();
    await checkInfluxSink(influxConfig({ api: 'v1', url: server.url }), {
      logger,
      backoff: FAST,
      patienceMs: 10_000,
    });
    expect(server.requests).toHaveLength(4);
    expect(
      entries.filter((e) => e.msg === 'InfluxDB does not answer; waiting for it before any API request'),
    ).toHaveLength(1);
  });

  it('a black hole: each attempt ends at INFLUX_TIMEOUT, the wait at the patience', async () => {
    server = await startScriptedInflux(() => undefined);
    const { logger } = capturingLogger();
    const config = influxConfig({ api: 'v2', url: server.url, write: { ...WRITE, requestTimeoutMs: 300 } });
    const started = Date.now();
    const error = await checkInfluxSink(config, { logger, backoff: FAST, patienceMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(InfluxUnreachableError);
    expect(took).toBeGreaterThanOrEqual(1_000);
    // The documented bound: the patience plus one request's timeout.
    expect(took).toBeLessThan(1_000 + 300 + 500);
  });
});

const WRITE = {
  batchSize: 5_000,
  flushIntervalMs: 1_000,
  maxBufferedLines: 50_000,
  concurrency: 2,
  gzipThresholdBytes: 1_048_576,
  requestTimeoutMs: 30_000,
};

describe('an InfluxDB that is down', () => {
  it('gives up after the patience with one line naming the URL (exit 1)', async () => {
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const { logger } = capturingLogger();
    const started = Date.now();
    const error = await checkInfluxSink(influxConfig({ api: 'v1', url }), {
      logger,
      backoff: FAST,
      patienceMs: 800,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(InfluxUnreachableError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^InfluxDB at ${url} accepted no write for 800ms \\(INFLUX_PATIENCE; last: ECONNREFUSED.*\\); nothing unwritten was committed`,
      ),
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('stops waiting at once when the command is interrupted', async () => {
    const [port] = await freePorts(1);
    const { logger } = capturingLogger();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await checkInfluxSink(influxConfig({ api: 'v1', url: `http://127.0.0.1:${port}` }), {
      logger,
      patienceMs: 60_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(InfluxUnreachableError);
    expect((error as InfluxUnreachableError).interrupted).toBe(true);
    expect((error as Error).message).toMatch(
      /^stopped while waiting for InfluxDB at http:\/\/127\.0\.0\.1:\d+ to answer/,
    );
  });
});
