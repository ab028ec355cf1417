// One system's device list keeps answering HTTP errors at discovery (issue 9 §3, "a failing
// device list"): 500 on every try, then 404. The system stays known with its error, counts as
// failed (exit code 1), the other systems load, and every later discovery asks again — it loads
// once the API answers. A proxy in front of the simulator answers for that one URL; everything
// else is the simulator's (real Redis and influxd). A bad summary, by contrast, is no discovery
// failure: only that system's `system` dataset fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exitCodeOf, formatSummary } from '../../src/commands/one-shot-command.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { DEFAULT_RETRY_POLICY } from '../../src/enphase/retry.js';
import { backfill, type BackfillRequest } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { startE2eWorld, type E2eWorld } from '../e2e/support.js';

const BAD = 100_002;
const GOOD = [100_001, 100_003];
const BAD_DEVICES = `/api/v4/systems/${BAD}/devices`;

/** What the proxy answers for BAD's device list: a status, or null to pass it through. */
let failWith: 500 | 404 | null = null;
let badAsked = 0;

function startProxy(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === BAD_DEVICES) badAsked += 1;
        if (path === BAD_DEVICES && failWith !== null) {
          const body =
            failWith === 500
              ? { message: 'Internal Server Error', details: 'Something went wrong', code: 500 }
              : { message: 'Not Found', details: 'Resource not found', code: 404 };
          res.writeHead(failWith, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            (e): e is [string, string] =>
              typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'connection',
          ),
        );
        const answer = await fetch(`${target}${req.url}`, {
          method: req.method,
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
            out[name] = value;
        });
        res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
      })().catch((error: unknown) => res.writeHead(599).end(String(error)));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let w: E2eWorld;
let proxy: Server;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 3, seed: 7 });
  proxy = await startProxy(w.sim.url);
  const { port } = proxy.address() as AddressInfo;
  runtime = w.runtime({ env: { ENPHASE_API_URL: `http://127.0.0.1:${port}` } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await w?.stop();
});

const request: BackfillRequest = {
  systems: 'all',
  fromDate: '2026-04-07',
  datasets: ['energy_daily'],
  force: false,
};

async function dailyPoints(id: number): Promise<number> {
  const series = await w.influx.query(
    `SELECT count("energy_wh") FROM "energy_daily" WHERE "system_id" = '${id}'`,
  );
  return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
}

async function expectKnownAndFailed(status: number): Promise<void> {
  const summary = await backfill(runtime, request, { concurrency: 2 });
  expect(summary.total).toBe(3);
  expect([...summary.completed].sort()).toEqual(GOOD);
  expect(summary.failed).toEqual([
    {
      systemId: BAD,
      reason: expect.stringMatching(
        new RegExp(`discovery of system ${BAD} failed.*${status}.*retried at the next discovery`),
      ),
    },
  ]);
  expect(formatSummary('backfill', summary)).toMatch(/2\/3 systems loaded, 1 failed/);
  expect(exitCodeOf(summary)).toBe(1);
  expect(await runtime.registry.problems.get(BAD)).toMatchObject({
    kind: 'discovery-failed',
    reason: expect.stringMatching(String(status)),
  });
  const report = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
    limit: 20,
    now: w.clock.ms,
  });
  expect(report.systems.shown[0]).toMatchObject({ id: BAD, problem: { kind: 'discovery-failed' } });
  expect(await dailyPoints(BAD)).toBe(0);
  for (const id of GOOD) expect(await dailyPoints(id)).toBeGreaterThan(0);
}

it('a device list answering 500 every time: retried within the budget, the system known and failed, the others loaded', async () => {
  failWith = 500;
  badAsked = 0;
  await expectKnownAndFailed(500);
  // A 5xx may pass: asked again within the client's retry budget, and no more.
  expect(badAsked).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
}, 120_000);

it('then 404: not retried, still known and failed, asked again at the next discovery', async () => {
  failWith = 404;
  badAsked = 0;
  await expectKnownAndFailed(404);
  expect(badAsked).toBe(1);
  // The next run's discovery asks again (a 404 here is not remembered as the system's answer).
  await expectKnownAndFailed(404);
  expect(badAsked).toBe(2);
}, 120_000);

it('once the device list answers, the next run loads the system and its problem is gone', async () => {
  failWith = null;
  badAsked = 0;
  const summary = await backfill(runtime, request, { concurrency: 2 });
  expect(badAsked).toBe(1);
  expect(summary.failed).toEqual([]);
  expect([...summary.completed].sort()).toEqual([...GOOD, BAD].sort());
  expect(exitCodeOf(summary)).toBe(0);
  expect(await runtime.registry.problems.get(BAD)).toBeUndefined();
  expect(await dailyPoints(BAD)).toBeGreaterThan(0);
}, 120_000);

it('a bad summary is not a discovery failure: only that system’s `system` dataset fails', async () => {
  // Discovery reads the systems list and the device lists, never the summary.
  w.sim.setSystemMisbehaviour(BAD, { malformed: ['/api/v4/systems/{system_id}/summary'] });
  try {
    const summary = await backfill(runtime, {
      ...request,
      datasets: ['system', 'energy_daily'],
      force: true,
    });
    expect([...summary.completed].sort()).toEqual(GOOD);
    expect(summary.failed).toEqual([{ systemId: BAD, reason: expect.stringMatching(/system/) }]);
    expect(await runtime.registry.problems.get(BAD)).toBeUndefined();
    const report = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
      limit: 20,
      now: w.clock.ms,
    });
    const bad = report.systems.shown.find((s) => s.id === BAD);
    expect(bad?.problem).toBeNull();
    expect(bad?.datasets.filter((d) => d.lastError !== null).map((d) => d.dataset)).toEqual(['system']);
    // Its other dataset loaded; the other systems' `system` dataset too.
    expect(await dailyPoints(BAD)).toBeGreaterThan(0);
    for (const id of GOOD) {
      const [series] = await w.influx.query(`SELECT count("name") FROM "system" WHERE "system_id" = '${id}'`);
      expect(series?.values[0]?.[1]).toBeGreaterThan(0);
    }
  } finally {
    w.sim.setSystemMisbehaviour(BAD, undefined);
  }
}, 120_000);
