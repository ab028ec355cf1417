// One system's device list answers malformed JSON at discovery: the system stays known with its
// error (in `status` and `plan`), the backfill counts it failed (exit code 1), naming it
// explicitly is not "unknown system", and every later run retries its discovery until the API
// answers again — then it loads like the others (simulator, real Redis and influxd).
import { buildPlanReport } from '../../src/commands/plan.js';
import { exitCodeOf, formatSummary } from '../../src/commands/one-shot-command.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import { backfill, resolveSelection, type BackfillRequest } from '../../src/jobs/backfill-and-sync.js';
import { DEFAULT_RETRY_POLICY } from '../../src/enphase/retry.js';
import { discoverSystems } from '../../src/jobs/discover.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { DEVICES_ROUTE } from '../../src/simulator/index.js';
import { silentLogger, startE2eWorld, type E2eWorld } from '../e2e/support.js';

const BAD = 100_002;
const GOOD = [100_001, 100_003];
const DEVICES = '/api/v4/systems/{system_id}/devices';

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 3, seed: 7, misbehaviour: { [BAD]: { malformed: [DEVICES_ROUTE] } } });
  runtime = w.runtime();
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

const request = (systems: BackfillRequest['systems']): BackfillRequest => ({
  systems,
  fromDate: '2026-04-07',
  datasets: ['energy_daily'],
  force: false,
});

async function dailyPoints(id: number): Promise<number> {
  const series = await w.influx.query(
    `SELECT count("energy_wh") FROM "energy_daily" WHERE "system_id" = '${id}'`,
  );
  return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
}

it('counts the system failed, keeps it known, and does not call it unknown', async () => {
  const summary = await backfill(runtime, request('all'), { concurrency: 2 });
  expect(summary.total).toBe(3);
  expect([...summary.completed].sort()).toEqual(GOOD);
  expect(summary.failed).toEqual([
    {
      systemId: BAD,
      reason: expect.stringMatching(/discovery of system 100002 failed .*retried at the next discovery/),
    },
  ]);
  expect(formatSummary('backfill', summary)).toMatch(/2\/3 systems loaded, 1 failed/);
  expect(exitCodeOf(summary)).toBe(1);
  expect(await dailyPoints(BAD)).toBe(0);
  expect(await dailyPoints(GOOD[0]!)).toBeGreaterThan(0);

  const problem = await runtime.registry.problems.get(BAD);
  expect(problem).toMatchObject({ kind: 'discovery-failed', since: w.clock.ms });
  expect(problem?.timeZone).toBe(w.sim.fleet.system(BAD)!.place.timezone);

  // Named explicitly: retried, still failing, counted failed (not "unknown system(s)"). A body
  // that does not parse is asked for again within the client's retry budget, and no more.
  w.sim.requestLog.clear();
  const named = await backfill(runtime, request([BAD]));
  expect(named.failed.map((f) => f.systemId)).toEqual([BAD]);
  expect(w.sim.requestLog.count({ route: DEVICES, systemId: BAD })).toBe(DEFAULT_RETRY_POLICY.maxAttempts);

  // status lists it with its error; plan says it is left out.
  const status = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
    limit: 20,
    now: w.clock.ms,
  });
  expect(status.systems.shown.map((s) => s.id)).toEqual([BAD, ...GOOD]);
  expect(status.systems.shown[0]).toMatchObject({ problem: { kind: 'discovery-failed' } });
  expect(formatStatus(status).join('\n')).toMatch(
    /System 100002 .*\n {2}DISCOVERY FAILED \(retried at the next discovery\) since/,
  );
  const plan = await buildPlanReport(w.config(), {
    redis: runtime.redis,
    keys: runtime.keys,
    now: w.clock.ms,
  });
  expect(plan.leftOut).toEqual({ quarantined: 0, discoveryFailed: 1 });
}, 120_000);

it('the next run retries its discovery and loads it once the API answers', async () => {
  w.sim.setMisbehaviour({});
  w.sim.requestLog.clear();
  const summary = await backfill(runtime, request('all'), { concurrency: 2 });
  expect(w.sim.requestLog.count({ route: DEVICES, systemId: BAD })).toBe(1);
  expect(summary.failed).toEqual([]);
  expect([...summary.completed].sort()).toEqual([...GOOD, BAD].sort());
  expect(exitCodeOf(summary)).toBe(0);
  expect(await runtime.registry.problems.get(BAD)).toBeUndefined();
  expect(await dailyPoints(BAD)).toBeGreaterThan(0);
  const status = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
    limit: 20,
    now: w.clock.ms,
  });
  expect(status.systems.shown.every((s) => s.problem === null)).toBe(true);
}, 120_000);

it('a known system whose device list fails on refresh keeps its stored facts and is synced with them', async () => {
  w.sim.setMisbehaviour({ [BAD]: { malformed: [DEVICES_ROUTE] } });
  const before = await runtime.registry.get(BAD);
  // deviceRefreshMs 0: every discovery fetches the device lists again.
  const found = await discoverSystems({
    client: runtime.client,
    registry: runtime.registry,
    logger: silentLogger(),
    now: () => w.clock.ms,
    deviceRefreshMs: 0,
  });
  w.sim.setMisbehaviour({});
  expect(found.failed.map((f) => f.systemId)).toEqual([BAD]);
  expect(await runtime.registry.get(BAD)).toEqual(before);
  expect(await runtime.registry.problems.get(BAD)).toMatchObject({ kind: 'discovery-failed' });
  // Its jobs run on the stored facts: it is a usable system, not a failed one.
  w.sim.setMisbehaviour({ [BAD]: { malformed: [DEVICES_ROUTE] } });
  const selection = await resolveSelection(runtime, [BAD]);
  w.sim.setMisbehaviour({});
  expect(selection.systems.map((s) => s.id)).toEqual([BAD]);
  expect(selection.problems).toEqual([]);
}, 60_000);
