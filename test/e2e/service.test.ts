// The service (issue 6): `start` in-process — scheduler and worker, a 1-second round, the
// simulator's clock advanced step by step — discovers the fleet by itself, picks up new intervals
// as simulated time passes, and ends with the final values of intervals the simulator revised late
// (devices reporting after the fact). Also: schedules are upserted idempotently, /metrics and
// /healthz answer, and a graceful stop closes everything.
import { JOB_ROUND } from '../../src/jobs/queues.js';
import { startService, type RunningService } from '../../src/service.js';
import { SCHEDULER_DISCOVER, SCHEDULER_ROUND, upsertSchedules } from '../../src/scheduler.js';
import { NOW_MS, dumpInflux, silentLogger, startE2eWorld, type E2eWorld } from './support.js';

const HOUR_MS = 3_600_000;
const STEP_MS = 6 * HOUR_MS;
const STEPS = 8;

let w: E2eWorld;
let service: RunningService | undefined;

beforeAll(async () => {
  w = await startE2eWorld({ systems: 2, seed: 5 });
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await w?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function microValues(): Promise<Map<string, number>> {
  const dump = await dumpInflux(w.influx, ['production']);
  const out = new Map<string, number>();
  for (const [key, fields] of dump)
    if (key.includes('source=micro')) out.set(key, fields.energy_wh as number);
  return out;
}

it('discovers, syncs each round as simulated time passes, and keeps the final values of late revisions', async () => {
  const config = w.config({ SYNC_INTERVAL: '1s', INITIAL_LOOKBACK: '1d', DATASETS: 'production_micro' });
  service = await startService(config, {
    logger: silentLogger(),
    keyPrefix: w.redis.prefix,
    now: () => w.clock.ms,
    loader: { flushIntervalMs: 50 },
    metricsPort: 0,
    metricsHost: '127.0.0.1',
    worker: { concurrency: 2 },
  });
  const rt = service.runtime;
  const ids = w.sim.fleet.ids();
  const syncedAt = async (id: number) =>
    Number(await rt.redis.hget(rt.keys.lastSync(id), 'production_micro'));
  const roundDone = () =>
    waitFor(
      async () => (await Promise.all(ids.map(syncedAt))).every((t) => t >= w.clock.ms),
      30_000,
      'a round',
    );

  // Discovery by itself (empty registry), then the first round.
  await roundDone();
  expect(await rt.registry.count()).toBe(ids.length);
  const firstValues = await microValues();
  const firstLatest = Math.max(...[...firstValues.keys()].map((k) => Number(k.split('|')[2])));
  expect(firstLatest + 300).toBeLessThanOrEqual(Math.floor(NOW_MS / 1000));
  // The newest interval the simulator reports (uploads lag by a few minutes).
  expect(firstLatest).toBeGreaterThanOrEqual(Math.floor(NOW_MS / 1000) - 900);

  for (let step = 1; step <= STEPS; step++) {
    w.clock.ms = NOW_MS + step * STEP_MS;
    await roundDone();
  }
  const finalMs = w.clock.ms;
  const finalSec = Math.floor(finalMs / 1000);
  // Every round also writes the pipeline's health for Grafana (src/jobs/health.ts).
  await waitFor(
    async () => {
      const [health] = await w.influx.query(
        'SELECT last("systems_total"), count("round_at") FROM "pipeline"',
      );
      return health?.values[0]?.[1] === ids.length && Number(health.values[0]?.[2]) > 1;
    },
    10_000,
    'health points of the rounds',
  );
  const values = await microValues();
  // New intervals were picked up up to the last whole interval before the final clock.
  const latest = Math.max(...[...values.keys()].map((k) => Number(k.split('|')[2])));
  expect(latest).toBeGreaterThanOrEqual(finalSec - 900);
  expect(latest).toBeLessThan(finalSec);

  // Everything older than the settle window equals the simulator's final truth…
  let revised = 0;
  let compared = 0;
  for (const id of ids) {
    for (
      let start = Math.floor(NOW_MS / 1000 / 300) * 300 - 86_400;
      start < finalSec - 86_400;
      start += 300
    ) {
      const truth = w.sim.fleet.productionMicro(id, start + 300, finalMs);
      const key = `production|source=micro,system_id=${id}|${start}`;
      expect([key, values.get(key)]).toEqual([key, truth?.enwh]);
      compared += 1;
      // …including intervals whose value, when first seen, was still incomplete.
      const early = w.sim.fleet.productionMicro(id, start + 300, (start + 600) * 1000);
      if (truth && early?.enwh !== truth.enwh) revised += 1;
    }
  }
  expect(compared).toBeGreaterThan(500);
  expect(revised).toBeGreaterThan(0);

  // Schedules: two, and a restart's upsert adds none.
  const before = await rt.queues.discover.getJobSchedulers();
  expect(before.map((s) => s.key).sort()).toEqual([SCHEDULER_DISCOVER, SCHEDULER_ROUND].sort());
  await upsertSchedules(rt.queues, { discoverEveryMs: 86_400_000, roundEveryMs: 1_000 });
  expect((await rt.queues.discover.getJobSchedulers()).length).toBe(2);
  expect(before.find((s) => s.key === SCHEDULER_ROUND)?.name).toBe(JOB_ROUND);

  // Metrics and health.
  const base = `http://127.0.0.1:${service.metricsServer!.port}`;
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const written = /enphase_etl_points_written_total\{dataset="production_micro"\} (\d+)/.exec(metrics);
  expect(Number(written?.[1])).toBeGreaterThan(0);
  expect(metrics).toMatch(
    /enphase_etl_api_calls_total\{endpoint="\/api\/v4\/systems\/\{system_id\}\/telemetry\/production_micro",status="200"\} \d+/,
  );
  expect(metrics).toMatch(/enphase_etl_queue_jobs\{queue="sync",state="completed"\} \d+/);
  expect((await fetch(`${base}/healthz`)).status).toBe(200);

  // Graceful stop: resolves, the metrics port closes.
  await service.stop();
  service = undefined;
  await expect(fetch(`${base}/healthz`)).rejects.toThrow();
}, 120_000);
