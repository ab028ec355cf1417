// The pure parts of the orchestration: which ranges a sync or backfill fetches, local-day ranges,
// due datasets, and the dataset selection by plan and devices.
import { DATASET_NAMES, EXTRACTORS } from '../../src/datasets/index.js';
import { localDayRange, planRange } from '../../src/jobs/ranges.js';
import { isDue, selectDatasets } from '../../src/jobs/sync-system.js';
import { splitByPlan } from '../../src/jobs/backfill-and-sync.js';
import { parseConfig } from '../../src/config.js';

const DAY = 86_400;
const SETTLE = DAY * 1_000;
const now = 1_775_800_800;

describe('planRange', () => {
  it('without a watermark: the whole range, advancing, and the floor at its start', () => {
    expect(planRange({ from: now - 7 * DAY, to: now, nowSec: now, settleWindowMs: SETTLE })).toEqual({
      segments: [{ from: now - 7 * DAY, to: now, advancesWatermark: true }],
      floorAfter: now - 7 * DAY,
    });
  });

  it('with a watermark: only the tail from watermark − settle window', () => {
    const plan = planRange({
      from: now - 30 * DAY,
      to: now,
      watermark: now - DAY,
      floor: now - 30 * DAY,
      nowSec: now,
      settleWindowMs: SETTLE,
    });
    expect(plan.segments).toEqual([{ from: now - DAY, to: now, advancesWatermark: true }]);
    const older = planRange({
      from: now - 30 * DAY,
      to: now,
      watermark: now - 5 * DAY,
      floor: now - 30 * DAY,
      nowSec: now,
      settleWindowMs: SETTLE,
    });
    expect(older.segments).toEqual([{ from: now - 5 * DAY, to: now, advancesWatermark: true }]);
  });

  it('a backfill reaching before the floor loads the gap without moving the watermark, then the tail', () => {
    const plan = planRange({
      from: now - 30 * DAY,
      to: now,
      watermark: now - DAY,
      floor: now - 7 * DAY,
      nowSec: now,
      settleWindowMs: SETTLE,
      fillBeforeFloor: true,
    });
    expect(plan).toEqual({
      segments: [
        { from: now - 30 * DAY, to: now - 7 * DAY, advancesWatermark: false },
        { from: now - DAY, to: now, advancesWatermark: true },
      ],
      floorAfter: now - 30 * DAY,
    });
    // The service's sync never reaches back before the floor.
    const sync = planRange({
      from: now - 30 * DAY,
      to: now,
      watermark: now - DAY,
      floor: now - 7 * DAY,
      nowSec: now,
      settleWindowMs: SETTLE,
    });
    expect(sync.segments).toEqual([{ from: now - DAY, to: now, advancesWatermark: true }]);
  });

  it('--force fetches the whole range again; a range after the watermark does not advance it', () => {
    expect(
      planRange({
        from: now - 10 * DAY,
        to: now,
        watermark: now - DAY,
        floor: now - 20 * DAY,
        nowSec: now,
        settleWindowMs: SETTLE,
        force: true,
      }).segments,
    ).toEqual([{ from: now - 10 * DAY, to: now, advancesWatermark: true }]);
    const gap = planRange({
      from: now - 3 * DAY,
      to: now - 2 * DAY,
      watermark: now - 20 * DAY,
      floor: now - 30 * DAY,
      nowSec: now,
      settleWindowMs: SETTLE,
    });
    expect(gap.segments).toEqual([{ from: now - 3 * DAY, to: now - 2 * DAY, advancesWatermark: false }]);
  });

  it('an empty or loaded range fetches nothing', () => {
    expect(planRange({ from: now, to: now, nowSec: now, settleWindowMs: SETTLE }).segments).toEqual([]);
    expect(
      planRange({
        from: now - 10 * DAY,
        to: now - 5 * DAY,
        watermark: now - DAY,
        floor: now - 20 * DAY,
        nowSec: now,
        settleWindowMs: SETTLE,
      }).segments,
    ).toEqual([]);
  });
});

describe('localDayRange', () => {
  it('is local midnight to the midnight after the last day, clamped to now', () => {
    // Sydney, 2026-04-05 is 25 hours long (DST ends).
    const r = localDayRange('2026-04-05', '2026-04-05', 'Australia/Sydney', now);
    expect(r.to - r.from).toBe(25 * 3_600);
    expect(new Date(r.from * 1000).toISOString()).toBe('2026-04-04T13:00:00.000Z');
    const clamped = localDayRange('2026-04-01', '2030-01-01', 'UTC', now);
    expect(clamped.to).toBe(now);
  });
});

describe('isDue', () => {
  it('is due when never synced or the cadence has (nearly) passed', () => {
    expect(isDue(undefined, 60_000, 1_000)).toBe(true);
    expect(isDue(0, undefined, 1)).toBe(true);
    expect(isDue(0, 60_000, 59_000)).toBe(true); // within the 10% tolerance
    expect(isDue(0, 60_000, 30_000)).toBe(false);
  });
});

describe('selectDatasets / splitByPlan', () => {
  const system = {
    id: 1,
    timeZone: 'UTC',
    operationalAt: 0,
    devices: { micros: ['m1'], encharges: [], acbs: [], evChargers: [] },
    hasProductionMeter: false,
    hasConsumptionMeter: false,
    hasBattery: false,
  };
  it('leaves out what the plan does not include and what the system has no device for, saying why', () => {
    const { run, skipped } = selectDatasets(system, DATASET_NAMES, 'watt', EXTRACTORS);
    for (const d of run) expect(EXTRACTORS[d].plans).toContain('watt');
    expect(run).toContain('production_micro');
    expect(run).not.toContain('battery');
    expect(skipped.find((s) => s.dataset === 'battery')?.reason).toMatch(/no such data|not included/);
    expect(run.length + skipped.length).toBe(DATASET_NAMES.length);
  });
  it('splits requested datasets into those the plan includes and those it does not', () => {
    const config = parseConfig({ ENPHASE_PLAN: 'watt' });
    const { included, notInPlan } = splitByPlan(undefined, config);
    expect(included.length + notInPlan.length).toBe(DATASET_NAMES.length);
    for (const d of notInPlan) expect(EXTRACTORS[d].plans).not.toContain('watt');
    expect(splitByPlan(undefined, parseConfig({ ENPHASE_PLAN: 'partner' })).notInPlan).toEqual([]);
  });
});
