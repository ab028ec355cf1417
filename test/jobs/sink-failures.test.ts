// An InfluxDB that refuses, never answers or dies under a running pipeline (issue 10 §1 "InfluxDB
// down", §2): a refusal mid-run stops the whole run (one-shot and service) after at most what was
// in flight; a black hole ends a backfill after the patience with nothing committed; an abort while
// InfluxDB is down ends within the shutdown bound and no watermark passes unwritten points. API hits
// are counted with the simulator's request log.
import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { asJobFailure } from '../../src/jobs/worker.js';
import { InfluxConfigError, InfluxUnreachableError } from '../../src/loaders/index.js';
import { localDate } from '../../src/normalize/time.js';
import { startService, type RunningService } from '../../src/service.js';
import {
  apiHits,
  DAY,
  dumpInflux,
  memoryLogger,
  NOW_MS,
  startE2eWorld,
  truthFor,
  type E2eWorld,
} from '../e2e/support.js';
import { startScriptedInflux, type ScriptedInflux } from '../loaders/scripted-influx.js';

const FROM_DATE = localDate(Math.floor(NOW_MS / 1000) - 14 * DAY, 'UTC');
/** One request per window each (7-day rgm windows, 1-day production_micro windows). */
const DATASETS = ['rgm', 'production_micro'] as const;
const CONCURRENCY = 2;
/**
 * Requests that may still reach the API after InfluxDB's refusal: per dataset running at that
 * moment (CONCURRENCY systems × DATASETS), the one on the wire and one started in the instant
 * before the refusal reached the loader. Anything beyond would be a job fetching after the stop.
 */
const IN_FLIGHT_BOUND = CONCURRENCY * DATASETS.length * 2;
const REFUSAL = { status: 401, body: '{"error":"authorization failed"}' };

let w: E2eWorld;
let server: ScriptedInflux | undefined;
let runtime: Runtime | undefined;
let service: RunningService | undefined;

beforeAll(async () => {
  w = await startE2eWorld({ systems: 8, seed: 11 });
}, 60_000);
afterEach(async () => {
  await service?.stop().catch(() => undefined);
  await runtime?.close({ deadlineMs: 1_000 }).catch(() => undefined);
  server?.release({ status: 204 });
  await server?.stop();
  [service, runtime, server] = [undefined, undefined, undefined];
});
afterAll(async () => {
  await w?.stop();
});

/**
 * A write endpoint that accepts (and drops) the first `accepted` writes, then refuses every one,
 * noting the API hits at the first refusal.
 */
async function refusingAfter(
  accepted: number,
): Promise<{ server: ScriptedInflux; hitsAtRefusal: () => number }> {
  let writes = 0;
  let hitsAtRefusal = -1;
  const s = await startScriptedInflux((request) => {
    if (request.lines.length === 0) return { status: 204 };
    if (++writes <= accepted) return { status: 204 };
    if (hitsAtRefusal < 0) hitsAtRefusal = apiHits(w.sim);
    return REFUSAL;
  });
  return { server: s, hitsAtRefusal: () => hitsAtRefusal };
}

it('a refusal mid-backfill fails the job as unrecoverable, stops the run, and costs at most what was in flight', async () => {
  const refusing = await refusingAfter(3);
  server = refusing.server;
  runtime = w.runtime({
    env: { INFLUX_URL: server.url, INFLUX_API: 'v1', INFLUX_USERNAME: 'u', INFLUX_PASSWORD: 'changed' },
    loader: { batchSize: 100, flushIntervalMs: 20 },
  });
  w.sim.requestLog.clear();
  const error = await backfill(
    runtime,
    { systems: 'all', fromDate: FROM_DATE, datasets: [...DATASETS], force: true },
    { concurrency: CONCURRENCY },
  ).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(InfluxConfigError);
  expect((error as Error).message).toMatch(
    /^InfluxDB refused the write through v1 \(HTTP 401: authorization failed\); check INFLUX_URL/,
  );
  expect(refusing.hitsAtRefusal()).toBeGreaterThan(0);
  expect(apiHits(w.sim) - refusing.hitsAtRefusal()).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
  // Far from the whole run: 8 systems × (2 rgm + 14 micro windows) plus discovery.
  expect(apiHits(w.sim)).toBeLessThan(8 * 16);

  // No job was retried, none is left to run: the failed ones were attempted once, the rest withdrawn.
  const queue = runtime.queues.backfill;
  expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
    waiting: 0,
    active: 0,
    delayed: 0,
    prioritized: 0,
  });
  const failed: Job[] = await queue.getFailed();
  expect(failed.every((job) => job.attemptsMade === 1)).toBe(true);
  // No window was fetched a second time (a retried job would ask the same URLs again).
  expect(w.sim.requestLog.repeats({})).toEqual([]);
}, 120_000);

it('InfluxConfigError is not retryable: a job failing with it is unrecoverable', () => {
  const failure = asJobFailure(
    new InfluxConfigError('InfluxDB refused the write through v1 (HTTP 401)', 401),
  );
  expect((failure as Error).name).toBe('UnrecoverableError');
  expect(asJobFailure(new InfluxUnreachableError('http://x', 'ECONNREFUSED', 1_000))).toHaveProperty(
    'name',
    'UnrecoverableError',
  );
});

it('a refusal mid-run stops the service by itself: it logs the line and fetches no more', async () => {
  const refusing = await refusingAfter(4);
  server = refusing.server;
  const log = memoryLogger('warn');
  w.sim.requestLog.clear();
  service = await startService(
    w.config({
      INFLUX_URL: server.url,
      INFLUX_API: 'v1',
      DATASETS: DATASETS.join(','),
      SYNC_INTERVAL: '1s',
      INITIAL_LOOKBACK: '3d',
    }),
    {
      logger: log.logger,
      keyPrefix: `${w.redis.prefix}service:`,
      now: () => w.clock.ms,
      loader: { batchSize: 100, flushIntervalMs: 20 },
      metricsPort: false,
      worker: { concurrency: CONCURRENCY },
      shutdownTimeoutMs: 5_000,
    },
  );
  const started = performance.now();
  const failure = await service.failure;
  expect(failure).toBeInstanceOf(InfluxConfigError);
  expect(performance.now() - started).toBeLessThan(60_000);
  const hitsAfter = apiHits(w.sim) - refusing.hitsAtRefusal();
  expect(hitsAfter).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
  // Stopped: no round later fetches anything.
  const settled = apiHits(w.sim);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expect(apiHits(w.sim)).toBe(settled);
  const line = log.lines().find((l) => l.msg === 'InfluxDB refuses the writes; the service stops') as
    { err?: { type: string; message: string } } | undefined;
  expect(line?.err?.type).toBe('InfluxConfigError');
  expect(line?.err?.message).toMatch(/^InfluxDB refused the write through v1 \(HTTP 401/);
}, 120_000);

it('a backfill whose InfluxDB never answers ends after the patience, with nothing committed', async () => {
  // A black hole: the connection is taken, no answer ever comes.
  server = await startScriptedInflux(() => undefined);
  const patienceMs = 1_500;
  const requestTimeoutMs = 500;
  runtime = w.runtime({
    env: { INFLUX_URL: server.url, INFLUX_API: 'v2' },
    loader: { flushIntervalMs: 20, patienceMs, requestTimeoutMs },
    keyPrefix: `${w.redis.prefix}hole:`,
  });
  const started = performance.now();
  const error = await backfill(
    runtime,
    { systems: 'all', fromDate: FROM_DATE, datasets: [...DATASETS], force: false },
    { concurrency: CONCURRENCY },
  ).catch((e: unknown) => e);
  const took = performance.now() - started;
  expect(error).toBeInstanceOf(InfluxUnreachableError);
  expect((error as Error).message).toMatch(
    /^InfluxDB at http:\/\/127\.0\.0\.1:\d+ accepted no write for 1500ms \(INFLUX_PATIENCE; last: .*\); nothing unwritten was committed/,
  );
  // Patience, one request's timeout, the stop of the active jobs — and discovery before the writes.
  expect(took).toBeLessThan(patienceMs + requestTimeoutMs + 8_000);
  for (const id of w.sim.fleet.ids()) expect(await runtime.watermarks.getSystem(id)).toEqual({});
}, 120_000);

it('an abort while InfluxDB is down ends within the shutdown bound; no watermark passes unwritten points', async () => {
  runtime = w.runtime({
    loader: { batchSize: 100, flushIntervalMs: 20, backoff: { baseMs: 200, capMs: 15_000 } },
    keyPrefix: `${w.redis.prefix}down:`,
    sync: { commitEveryWindows: 1 },
  });
  const rt = runtime;
  const ids = w.sim.fleet.ids();
  const controller = new AbortController();
  let marks: Array<number | undefined> | undefined;
  const shutdownTimeoutMs = 2_000;
  const run = backfill(
    rt,
    { systems: 'all', fromDate: FROM_DATE, datasets: ['production_micro'], force: false },
    { concurrency: CONCURRENCY, signal: controller.signal, shutdownTimeoutMs },
  );
  // InfluxDB dies once the first windows are committed, and the loader retries for a while.
  const committed = async () =>
    (await Promise.all(ids.map((id) => rt.watermarks.get(id, 'production_micro')))).some(
      (m) => m !== undefined,
    );
  const deadline = Date.now() + 60_000;
  while (!(await committed()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await w.influx.kill();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stoppedAt = performance.now();
    controller.abort();
    const summary = await run;
    marks = await Promise.all(ids.map((id) => rt.watermarks.get(id, 'production_micro')));
    await rt.close({ deadlineMs: 30_000 });
    const took = performance.now() - stoppedAt;
    expect(summary.interrupted).toBe(true);
    // The bound: active jobs get shutdownTimeoutMs, then every wait — the loader's retries
    // included — is abandoned; closing adds well under a second.
    expect(took).toBeLessThan(shutdownTimeoutMs + 3_000);
  } finally {
    await w.influx.start();
  }
  // Every point below a watermark is in InfluxDB: what was abandoned was never committed.
  const dump = await dumpInflux(w.influx, ['production']);
  let checked = 0;
  for (const [i, id] of ids.entries()) {
    const mark = marks?.[i];
    if (mark === undefined) continue;
    for (const [key, fields] of truthFor(w.sim, id, FROM_DATE, NOW_MS)) {
      const [measurement, tags, time] = key.split('|') as [string, string, string];
      if (measurement !== 'production' || !tags.includes('source=micro') || Number(time) >= mark) continue;
      expect([key, dump.get(key)]).toEqual([key, fields]);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(0);
}, 180_000);
