// SYNC_INTERVAL overrides the planned cadence (DESIGN §4, issue 10 §4): the plan, the scheduler
// and the jobs of a round all carry it for every dataset, so a service started with
// SYNC_INTERVAL=30s re-fetches 5- and 15-minute data 30 s later, where the planned cadence (at
// least FASTEST_WORTH_MS) finds nothing due (simulator on a fixed clock, real Redis and influxd).
import { datasetsFor } from '../../src/budget-input.js';
import { resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import { cadencesOf, currentPlan, enqueueRound } from '../../src/jobs/round.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { syncSystem } from '../../src/jobs/sync-system.js';
import { startScheduler } from '../../src/scheduler.js';
import { startE2eWorld, type E2eWorld } from '../e2e/support.js';

const INTERVAL_MS = 30_000;
/** Interval data whose planned cadence (FASTEST_WORTH_MS) is 5 and 15 minutes. */
const INTERVAL_DATASETS = ['production_micro', 'rgm'] as const;

let w: E2eWorld;
let runtime: Runtime;
let planned: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 2, seed: 11 });
  runtime = w.runtime({ env: { SYNC_INTERVAL: '30s', INITIAL_LOOKBACK: '1d' } });
  planned = w.runtime({ env: { INITIAL_LOOKBACK: '1d' } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await planned?.close();
  await w?.stop();
});

it('the plan, the scheduler and every job of a round carry SYNC_INTERVAL for every dataset', async () => {
  const systems = await resolveSystems(runtime, 'all');
  expect(systems).toHaveLength(2);
  const datasets = datasetsFor(runtime.config).planned;
  expect(datasets.length).toBeGreaterThan(10);

  const plan = await currentPlan(runtime.config, runtime.registry, w.clock.ms);
  expect(cadencesOf(plan)).toEqual(Object.fromEntries(datasets.map((d) => [d, INTERVAL_MS])));

  const scheduler = await startScheduler(runtime);
  try {
    expect(scheduler.tickMs()).toBe(INTERVAL_MS);
    expect(scheduler.plan().cadences.map((c) => c.everyMs)).toEqual(datasets.map(() => INTERVAL_MS));
  } finally {
    await scheduler.close();
  }

  expect(await enqueueRound(runtime.queues, runtime.registry, 'interval-round', cadencesOf(plan))).toBe(2);
  const jobs = await runtime.queues.sync.getJobs(['waiting', 'prioritized', 'delayed']);
  expect(jobs).toHaveLength(2);
  for (const job of jobs) {
    expect(Object.keys(job.data.cadences ?? {}).sort()).toEqual([...datasets].sort());
    expect(Object.values(job.data.cadences ?? {}).every((ms) => ms === INTERVAL_MS)).toBe(true);
  }
  await runtime.queues.sync.obliterate({ force: true });
}, 60_000);

it('a sync 30 s after the last one fetches 5- and 15-minute data again; the planned cadence would not', async () => {
  const [system] = await resolveSystems(runtime, 'all');
  const overridden = cadencesOf(await currentPlan(runtime.config, runtime.registry, w.clock.ms));
  const fromPlan = cadencesOf(await currentPlan(planned.config, planned.registry, w.clock.ms));
  for (const d of INTERVAL_DATASETS) expect(fromPlan[d]).toBeGreaterThanOrEqual(5 * 60_000);
  const request = (cadences: typeof overridden) => ({
    kind: 'sync' as const,
    cadences,
    datasets: [...INTERVAL_DATASETS],
  });

  const first = await syncSystem(runtime.syncDeps(), system!, request(overridden));
  expect([...first.loaded].sort()).toEqual([...INTERVAL_DATASETS].sort());
  w.clock.ms += INTERVAL_MS;
  try {
    // The same sync marks, the planned cadences: nothing is due yet.
    const withPlan = await syncSystem(planned.syncDeps(), system!, request(fromPlan));
    expect(withPlan.loaded).toEqual([]);
    const hitsBefore = w.sim.requestLog.count();
    const withInterval = await syncSystem(runtime.syncDeps(), system!, request(overridden));
    expect([...withInterval.loaded].sort()).toEqual([...INTERVAL_DATASETS].sort());
    expect(w.sim.requestLog.count()).toBeGreaterThan(hitsBefore);
  } finally {
    w.clock.ms -= INTERVAL_MS;
  }
}, 60_000);
