// One system of several has a time zone that is not an IANA name ('qui'): discovery quarantines it
// without spending a request on it, `plan`, the scheduler, a sync round and `status` carry on, the
// other systems load, its job fails once without retry naming the problem, and the quarantine
// lifts at the next discovery once the API's answer is usable (simulator, real Redis and influxd).
import { buildPlanReport, formatPlanReport } from '../../src/commands/plan.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import { syncNow } from '../../src/jobs/backfill-and-sync.js';
import { cadencesOf, currentPlan, enqueueRound } from '../../src/jobs/round.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { startScheduler } from '../../src/scheduler.js';
import { startE2eWorld, type E2eWorld } from '../e2e/support.js';

const BAD = 100_002;
const GOOD = [100_001, 100_003, 100_004];

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 4, seed: 7, misbehaviour: { [BAD]: { timezone: 'qui' } } });
  runtime = w.runtime({ env: { INITIAL_LOOKBACK: '1d', DATASETS: 'energy_daily,production_micro' } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

it('quarantines the system, and everything else carries on', async () => {
  const summary = await syncNow(runtime, 'all', { concurrency: 2 });
  expect([...summary.completed].sort()).toEqual(GOOD);
  expect(summary.failed).toEqual([
    {
      systemId: BAD,
      reason: expect.stringMatching(
        /system 100002 is quarantined since .*: the time zone 'qui' is not an IANA name/,
      ),
    },
  ]);
  // Discovery saw its time zone in the systems list: not one request was spent on the system.
  expect(w.sim.requestLog.count({ systemId: BAD })).toBe(0);
  for (const id of GOOD) expect(w.sim.requestLog.count({ systemId: id })).toBeGreaterThan(0);

  // Its job was attempted once: it fails without retry.
  const [failed] = (await runtime.queues.sync.getFailed()).filter((j) => j.data.systemId === BAD);
  expect(failed?.attemptsMade).toBe(1);
  expect(failed?.failedReason).toMatch(/quarantined/);

  // The registry keeps the usable systems; the bad one is kept beside it with its problem.
  expect(await runtime.registry.ids()).toEqual(GOOD);
  expect(await runtime.registry.problems.get(BAD)).toMatchObject({
    kind: 'quarantined',
    reason: "the time zone 'qui' is not an IANA name",
    timeZone: 'qui',
    since: w.clock.ms,
  });

  // plan: costs the three usable systems and says one is left out.
  const report = await buildPlanReport(w.config(), {
    redis: runtime.redis,
    keys: runtime.keys,
    now: w.clock.ms,
  });
  expect(report.systems).toEqual({ kind: 'registry', count: 3, sampled: 3 });
  expect(report.leftOut).toEqual({ quarantined: 1, discoveryFailed: 0 });
  expect(formatPlanReport(report).join('\n')).toMatch(/Left out of the plan: 1 quarantined/);

  // A service round enqueues the usable systems only.
  const plan = await currentPlan(runtime.config, runtime.registry, w.clock.ms);
  expect(await enqueueRound(runtime.queues, runtime.registry, 'quarantine-round', cadencesOf(plan))).toBe(3);
  await runtime.queues.sync.obliterate({ force: true });

  // status: shows it first, in the table and in the JSON.
  const status = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
    limit: 20,
    now: w.clock.ms,
  });
  expect(status.systems.total).toBe(4);
  const shown = status.systems.shown;
  expect(shown[0]).toMatchObject({ id: BAD, timeZone: 'qui', problem: { kind: 'quarantined' } });
  for (const id of GOOD) {
    const system = shown.find((s) => s.id === id);
    expect(system?.problem).toBeNull();
    expect(system?.datasets.find((d) => d.dataset === 'energy_daily')?.watermark).not.toBeNull();
  }
  const json = JSON.parse(JSON.stringify(status)) as typeof status;
  expect(json.systems.shown[0]?.problem?.reason).toMatch(/'qui'/);
  expect(formatStatus(status).join('\n')).toMatch(
    /System 100002 .*\(qui\)\n {2}QUARANTINED \(its jobs fail at once; rechecked at every discovery\) since 2026-04-10 06:00Z: the time zone 'qui' is not an IANA name/,
  );
}, 120_000);

it('a registry entry stored before quarantine existed does not stop plan or the scheduler', async () => {
  // Such an entry used to crash `plan`, `scheduler` and `start` (TimeZoneError from the planner).
  const good = await runtime.registry.get(GOOD[0]!);
  await runtime.redis.hset(
    runtime.keys.registry,
    String(BAD),
    JSON.stringify({ ...good, id: BAD, timeZone: 'qui' }),
  );
  const plan = await currentPlan(runtime.config, runtime.registry, w.clock.ms);
  expect(plan.cadences.length).toBeGreaterThan(0);
  const report = await buildPlanReport(w.config(), {
    redis: runtime.redis,
    keys: runtime.keys,
    now: w.clock.ms,
  });
  expect(report.systems).toMatchObject({ kind: 'registry', count: 3 });
  const scheduler = await startScheduler(runtime);
  expect(scheduler.tickMs()).toBeGreaterThan(0);
  await scheduler.close();
  await runtime.redis.hdel(runtime.keys.registry, String(BAD));
  await runtime.queues.discover.obliterate({ force: true });
}, 60_000);

it('the quarantine lifts at the next discovery once the time zone is usable', async () => {
  w.sim.setMisbehaviour({});
  const summary = await syncNow(runtime, 'all', { concurrency: 2 });
  expect(summary.failed).toEqual([]);
  expect([...summary.completed].sort()).toEqual([...GOOD, BAD].sort());
  expect(await runtime.registry.problems.get(BAD)).toBeUndefined();
  expect((await runtime.registry.get(BAD))?.timeZone).toBe(w.sim.fleet.system(BAD)!.place.timezone);
  expect((await runtime.watermarks.getSystem(BAD)).energy_daily).toBeDefined();
  const report = await buildPlanReport(w.config(), {
    redis: runtime.redis,
    keys: runtime.keys,
    now: w.clock.ms,
  });
  expect(report.leftOut).toEqual({ quarantined: 0, discoveryFailed: 0 });
}, 120_000);
