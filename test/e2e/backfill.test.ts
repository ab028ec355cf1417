// End to end (issue 6): 5 simulated systems, every dataset, a 30-day backfill through the queue and
// an in-process worker → InfluxDB holds exactly the simulator's truth for every measurement of
// DESIGN §4; a second backfill of the same range sends only the settle window's hits and changes
// nothing; a 2-year backfill of one system spends exactly the planned minimum of requests.
import { DATASET_NAMES, EXTRACTORS, WINDOW_RULES, type DatasetName } from '../../src/datasets/index.js';
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { localDate } from '../../src/normalize/time.js';
import { syncStart } from '../../src/state/watermarks.js';
import {
  DAY,
  NOW_MS,
  TRUTH_MEASUREMENTS,
  apiHits,
  dumpInflux,
  diffPoints,
  startE2eWorld,
  truthFor,
  type E2eWorld,
  type PointMap,
} from './support.js';

const SETTLE_MS = 86_400_000;
let w: E2eWorld;
let runtime: Runtime;

beforeAll(async () => {
  w = await startE2eWorld();
  runtime = w.runtime();
});
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

const now = Math.floor(NOW_MS / 1000);
const FROM_DATE = localDate(now - 30 * DAY, 'UTC');

describe('a 30-day backfill of 5 systems, every dataset', () => {
  let first: PointMap;

  it('loads exactly the simulator truth for every measurement, and nothing fails', async () => {
    const summary = await backfill(runtime, { systems: 'all', fromDate: FROM_DATE, force: false });
    expect(summary.failed).toEqual([]);
    expect(summary.completed.sort()).toEqual(w.sim.fleet.ids());
    expect(summary.notInPlan).toEqual([]);

    const truth: PointMap = new Map();
    for (const id of w.sim.fleet.ids())
      for (const [k, v] of truthFor(w.sim, id, FROM_DATE, NOW_MS)) truth.set(k, v);
    first = await dumpInflux(w.influx, TRUTH_MEASUREMENTS);
    // Every measurement of the table has data in this fleet (the comparison is not vacuous).
    for (const m of TRUTH_MEASUREMENTS)
      expect([...truth.keys()].some((k) => k.startsWith(`${m}|`))).toBe(true);
    expect(diffPoints(first, truth)).toEqual([]);
    expect(first.size).toBe(truth.size);
    // The status snapshot: one point per system.
    const [system] = await w.influx.query('SELECT count("name") FROM "system"');
    expect(system?.values[0]?.[1]).toBeGreaterThanOrEqual(5);
  }, 240_000);

  it('commits watermarks no later than now − settle window (snapshots: now) and records no errors', async () => {
    for (const id of w.sim.fleet.ids()) {
      const marks = await runtime.watermarks.getSystem(id);
      expect(Object.keys(marks).length).toBeGreaterThan(0);
      for (const [dataset, mark] of Object.entries(marks)) {
        if (WINDOW_RULES[dataset as DatasetName].kind === 'snapshot') expect(mark).toBe(now);
        else expect(mark).toBeLessThanOrEqual(now - SETTLE_MS / 1000);
      }
      expect(await runtime.lastErrors.getSystem(id)).toEqual({});
    }
  });

  it('a second backfill of the same range sends only the settle window’s hits and changes nothing', async () => {
    // The oracle: each dataset's planned requests from its watermark minus the settle window.
    let expected = 0;
    for (const entry of await runtime.registry.getMany(w.sim.fleet.ids())) {
      const marks = await runtime.watermarks.getSystem(entry.id);
      for (const dataset of DATASET_NAMES as readonly DatasetName[]) {
        const extractor = EXTRACTORS[dataset];
        if (!extractor.appliesTo(entry)) continue;
        const mark = marks[dataset];
        expect(mark).toBeDefined();
        expected += extractor.requestCount(entry, syncStart(mark!, now, SETTLE_MS), now, now);
      }
    }
    w.sim.requestLog.clear();
    const summary = await backfill(runtime, { systems: 'all', fromDate: FROM_DATE, force: false });
    expect(summary.failed).toEqual([]);
    expect(apiHits(w.sim)).toBe(expected);
    // Only the tail: far fewer than the first run's 30 days.
    expect(expected).toBeLessThan(300);
    const second = await dumpInflux(w.influx, TRUTH_MEASUREMENTS);
    expect(diffPoints(second, first)).toEqual([]);
    expect(second.size).toBe(first.size);
  }, 120_000);
});
