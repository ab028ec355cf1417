// The budget planner against the real extractors' request counts: the Watt plan fits one fully
// equipped system, rounds fit the per-minute rate, more systems slow the plan down without
// breaking it, SYNC_INTERVAL is honoured and warned about, and (fast-check) `fits` is never a lie.
// Where it matters, the month is replayed tick by tick with the extractors' own counts at each
// tick's time, independently of the planner's arithmetic.
import fc from 'fast-check';
import {
  CADENCE_LADDER_MS,
  DAY_MS,
  extractorRequestCount,
  FASTEST_WORTH_MS,
  HOUR_MS,
  MINUTE_MS,
  planBudget,
  type BudgetInput,
  type BudgetPlan,
} from '../src/budget-plan.js';
import { DATASET_NAMES, EXTRACTORS, type DatasetName } from '../src/datasets/index.js';
import { PLAN_PRESETS } from '../src/enphase/plans.js';
import type { SystemInfo } from '../src/extractors/index.js';

const NOW = Date.UTC(2026, 10, 28, 5, 37, 0);
const SETTLE = 24 * HOUR_MS;

function system(id: number, micros: number, extras: Partial<SystemInfo> = {}): SystemInfo {
  return {
    id,
    timeZone: 'America/Los_Angeles',
    operationalAt: 1_500_000_000,
    meterStartDate: '2020-01-01',
    devices: {
      micros: Array.from({ length: micros }, (_, i) => `M${id}-${i}`),
      encharges: [],
      acbs: [],
      evChargers: [],
      meters: [],
    },
    ...extras,
  };
}

/** Everything a system can have: micros, both meters, an IQ Battery, an ACB, an EV charger. */
function fullSystem(id: number, micros = 20): SystemInfo {
  const base = system(id, micros);
  return {
    ...base,
    devices: {
      ...base.devices,
      encharges: [`E${id}`],
      acbs: [`A${id}`],
      evChargers: [`EV${id}`],
      meters: ['P', 'C'],
    },
    hasConsumptionMeter: true,
    hasProductionMeter: true,
    hasBattery: true,
  };
}

const WATT_DATASETS = DATASET_NAMES.filter((d) => EXTRACTORS[d].plans.includes('watt'));
const WATT = { perMinute: 10, perMonth: 1_000, reserve: 50 };
const PARTNER = { perMinute: 300, perMonth: null, reserve: 0 };

function systemsOf(input: BudgetInput): { list: SystemInfo[]; weight: number } {
  if (Array.isArray(input.systems)) return { list: input.systems, weight: 1 };
  const { count, sample } = input.systems;
  return { list: sample, weight: count / sample.length };
}

/** The rule of the brief, written out again here: what one round of `dataset` fetches at t. */
function rangeAt(dataset: DatasetName, everyMs: number, settleMs: number, tS: number): [number, number] {
  const everyS = everyMs / 1000;
  if (dataset === 'energy_daily') return [tS - Math.max(2 * 86_400, everyS + 86_400), tS];
  if (dataset === 'system' || dataset === 'latest' || dataset === 'config') return [tS, tS];
  return [tS - settleMs / 1000 - everyS, tS];
}

/**
 * Replays a 31-day month: every tick, each due dataset costs what the extractors say for that
 * tick's range at that tick's time; discovery runs as planned. Returns the month's requests and
 * the heaviest tick.
 */
function replayMonth(input: BudgetInput, plan: BudgetPlan): { total: number; heaviestTick: number } {
  const { list, weight } = systemsOf(input);
  const start = NOW - (NOW % DAY_MS);
  let total = 0;
  let heaviestTick = 0;
  for (let t = start; t < start + 31 * DAY_MS; t += plan.tickMs) {
    let tick = 0;
    for (const cadence of plan.cadences) {
      if ((t - start) % cadence.everyMs !== 0) continue;
      const [from, to] = rangeAt(cadence.dataset, cadence.everyMs, input.settleWindowMs, t / 1000);
      let hits = 0;
      for (const s of list)
        hits += extractorRequestCount(cadence.dataset, { ...s, operationalAt: null }, from, to, t / 1000);
      tick += Math.ceil(hits * weight - 1e-9);
    }
    if ((t - start) % plan.discovery.everyMs === 0) tick += plan.discovery.hitsPerRun;
    total += tick;
    heaviestTick = Math.max(heaviestTick, tick);
  }
  return { total, heaviestTick };
}

/** The requests of one dataset's rounds in the replayed month. */
function replayDataset(input: BudgetInput, dataset: DatasetName, everyMs: number): number {
  const { list, weight } = systemsOf(input);
  const start = NOW - (NOW % DAY_MS);
  let total = 0;
  for (let t = start; t < start + 31 * DAY_MS; t += everyMs) {
    const [from, to] = rangeAt(dataset, everyMs, input.settleWindowMs, t / 1000);
    let hits = 0;
    for (const s of list)
      hits += extractorRequestCount(dataset, { ...s, operationalAt: null }, from, to, t / 1000);
    total += Math.ceil(hits * weight - 1e-9);
  }
  return total;
}

function cadenceOf(plan: BudgetPlan, dataset: DatasetName): number {
  const found = plan.cadences.find((c) => c.dataset === dataset);
  if (!found) throw new Error(`no cadence for ${dataset}`);
  return found.everyMs;
}

describe('planBudget on the Watt plan (1,000 a month, 5 % reserve)', () => {
  const input: BudgetInput = {
    limits: WATT,
    systems: [fullSystem(1)],
    datasets: WATT_DATASETS,
    settleWindowMs: SETTLE,
    now: NOW,
  };
  const plan = planBudget(input);

  it('plans every Watt dataset (all but device-level telemetry)', () => {
    expect(WATT_DATASETS).not.toContain('micro');
    expect(WATT_DATASETS).not.toContain('battery_device');
    expect(plan.cadences.map((c) => c.dataset)).toEqual(WATT_DATASETS);
    for (const c of plan.cadences) expect(c.hitsPerRound).toBeGreaterThan(0);
  });

  it('fits one fully equipped system within 950 requests, replayed tick by tick', () => {
    expect(plan.budget).toBe(950);
    expect(plan.fits).toBe(true);
    expect(plan.warnings).toEqual([]);
    expect(plan.projectedMonth).toBeLessThanOrEqual(950);
    const replay = replayMonth(input, plan);
    expect(replay.total).toBeLessThanOrEqual(950);
    expect(replay.total).toBeLessThanOrEqual(plan.projectedMonth);
  });

  it('keeps the daily series once a day and leaves no dataset slower than the budget needs', () => {
    expect(cadenceOf(plan, 'energy_daily')).toBe(DAY_MS);
    // Any one dataset one step faster (as far as it is worth it) breaks the month.
    const month = replayMonth(input, plan).total;
    for (const c of plan.cadences) {
      const faster = CADENCE_LADDER_MS.filter((ms) => ms < c.everyMs).at(-1);
      if (faster === undefined || faster < FASTEST_WORTH_MS[c.dataset]) continue;
      const extra = replayDataset(input, c.dataset, faster) - replayDataset(input, c.dataset, c.everyMs);
      expect(month + extra).toBeGreaterThan(950);
    }
  });

  it('reports freshness as the cadence plus the data’s own delay', () => {
    const byName = new Map(plan.cadences.map((c) => [c.dataset, c]));
    const micro = byName.get('production_micro');
    const daily = byName.get('energy_daily');
    const latest = byName.get('latest');
    expect(micro?.freshnessMs).toBe((micro?.everyMs ?? 0) + 5 * MINUTE_MS);
    expect(daily?.freshnessMs).toBe(DAY_MS + DAY_MS);
    expect(latest?.freshnessMs).toBe(latest?.everyMs);
  });
});

describe('planBudget and the per-minute rate', () => {
  it('1,000 systems on the partner plan: bound by the rate, every tick’s work fits its interval', () => {
    const input: BudgetInput = {
      limits: PARTNER,
      systems: { count: 1_000, sample: [fullSystem(1), system(2, 12), system(3, 30)] },
      datasets: [...DATASET_NAMES],
      settleWindowMs: SETTLE,
      now: NOW,
    };
    const plan = planBudget(input);
    expect(plan.budget).toBeNull();
    expect(plan.fits).toBe(true);
    // The rate binds: the interval datasets cannot all run at their fastest (5 or 15 minutes).
    expect(cadenceOf(plan, 'production_micro')).toBeGreaterThan(15 * MINUTE_MS);
    const shortest = Math.min(...plan.cadences.map((c) => c.everyMs));
    const replay = replayMonth(input, plan);
    // The heaviest tick (everything due at once) is done before the next round of the fastest dataset.
    expect(replay.heaviestTick).toBeLessThanOrEqual((PARTNER.perMinute * shortest) / MINUTE_MS);
    expect(replay.total).toBeLessThanOrEqual(plan.projectedMonth);
  });

  it('a tiny rate slows the plan down even without a monthly cap', () => {
    const base: BudgetInput = {
      limits: { perMinute: 300, perMonth: null, reserve: 0 },
      systems: [fullSystem(1)],
      datasets: WATT_DATASETS,
      settleWindowMs: SETTLE,
      now: NOW,
    };
    const fast = planBudget(base);
    const slow = planBudget({ ...base, limits: { perMinute: 1, perMonth: null, reserve: 0 } });
    expect(fast.fits && slow.fits).toBe(true);
    expect(slow.hitsPerDay).toBeLessThan(fast.hitsPerDay);
    const roundAll = slow.cadences.reduce((sum, c) => sum + c.hitsPerRound, 0) + slow.discovery.hitsPerRun;
    const shortest = Math.min(...slow.cadences.map((c) => c.everyMs));
    expect(roundAll).toBeLessThanOrEqual(shortest / MINUTE_MS);
  });
});

describe('planBudget as the fleet grows', () => {
  it('more systems on the same plan: slower cadences, never over budget', () => {
    const limits = { ...PLAN_PRESETS.kilowatt, reserve: 2_500 };
    let previous: BudgetPlan | undefined;
    let previousCount = 0;
    for (const count of [1, 3, 10, 30, 100, 300, 1_000]) {
      const plan = planBudget({
        limits,
        systems: { count, sample: [fullSystem(1, 16)] },
        datasets: [...DATASET_NAMES],
        settleWindowMs: SETTLE,
        now: NOW,
      });
      expect(plan.budget).toBe(47_500);
      if (plan.fits) expect(plan.projectedMonth).toBeLessThanOrEqual(47_500);
      if (previous) {
        for (const c of plan.cadences)
          expect(c.everyMs).toBeGreaterThanOrEqual(cadenceOf(previous, c.dataset));
        expect(plan.hitsPerDay / count).toBeLessThanOrEqual(
          (previous.hitsPerDay / previousCount) * (1 + 1e-9),
        );
      }
      previous = plan;
      previousCount = count;
    }
    // 1,000 systems with per-micro telemetry cannot fit 50,000 a month: the plan says so.
    expect(previous?.fits).toBe(false);
    expect(previous?.warnings.join(' ')).toMatch(/does not fit.*budget of 47500/);
  });
});

describe('SYNC_INTERVAL', () => {
  const base: BudgetInput = {
    limits: WATT,
    systems: [fullSystem(1)],
    datasets: WATT_DATASETS,
    settleWindowMs: SETTLE,
    now: NOW,
  };

  it('is every dataset’s cadence, daily series and settings included, and warned about when it does not fit', () => {
    const plan = planBudget({ ...base, syncIntervalMs: 15 * MINUTE_MS });
    expect(plan.cadences.map((c) => c.everyMs)).toEqual(WATT_DATASETS.map(() => 15 * MINUTE_MS));
    expect(cadenceOf(plan, 'energy_daily')).toBe(15 * MINUTE_MS);
    expect(cadenceOf(plan, 'config')).toBe(15 * MINUTE_MS);
    expect(plan.tickMs).toBe(15 * MINUTE_MS);
    expect(plan.fits).toBe(false);
    expect(plan.projectedMonth).toBeGreaterThan(950);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(
      /^SYNC_INTERVAL=15m does not fit: \d+ requests in a 31-day month, over the budget of 950/,
    );
    expect(plan.warnings[0]).toMatch(/leave SYNC_INTERVAL unset/);
  });

  it('overrides the per-dataset floors: 30 s for 5-minute and 15-minute data alike', () => {
    // Without SYNC_INTERVAL the plan never goes below FASTEST_WORTH_MS (5 and 15 minutes).
    const planned = planBudget({ ...base, limits: PARTNER });
    expect(cadenceOf(planned, 'production_micro')).toBeGreaterThanOrEqual(FASTEST_WORTH_MS.production_micro);
    expect(cadenceOf(planned, 'rgm')).toBeGreaterThanOrEqual(FASTEST_WORTH_MS.rgm);
    const plan = planBudget({ ...base, limits: PARTNER, syncIntervalMs: 30_000 });
    for (const c of plan.cadences) {
      expect(c.everyMs).toBe(30_000);
      expect(c.everyMs).toBeLessThan(FASTEST_WORTH_MS[c.dataset]);
    }
    expect(plan.tickMs).toBe(30_000);
    // A round every 30 s: each round's cost is charged 31 × 2,880 times in the month.
    const perRound = plan.cadences.reduce((sum, c) => sum + c.hitsPerRound, 0);
    expect(plan.projectedMonth).toBeGreaterThanOrEqual(perRound * 31 * 2_880);
  });

  it('warns when a 30 s cadence does not fit, and names the cause', () => {
    const plan = planBudget({ ...base, syncIntervalMs: 30_000 });
    expect(plan.fits).toBe(false);
    expect(plan.cadences.every((c) => c.everyMs === 30_000)).toBe(true);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(
      /^SYNC_INTERVAL=30s does not fit: \d+ requests in a 31-day month, over the budget of 950/,
    );
  });

  it('no warning when it fits', () => {
    const plan = planBudget({ ...base, syncIntervalMs: 2 * DAY_MS });
    expect(plan.fits).toBe(true);
    expect(plan.warnings).toEqual([]);
    expect(plan.cadences.every((c) => c.everyMs === 2 * DAY_MS)).toBe(true);
  });

  it('names the per-minute rate when that is what it breaks', () => {
    const plan = planBudget({
      ...base,
      limits: PARTNER,
      systems: { count: 1_000, sample: [fullSystem(1)] },
      syncIntervalMs: 5 * MINUTE_MS,
    });
    expect(plan.fits).toBe(false);
    expect(plan.warnings[0]).toMatch(/requests fall due every 5m, more than 1500 at 300\/min/);
  });
});

describe('planBudget for any input (fast-check)', () => {
  const systemArb = fc
    .record({
      micros: fc.integer({ min: 0, max: 40 }),
      encharges: fc.integer({ min: 0, max: 2 }),
      acbs: fc.integer({ min: 0, max: 2 }),
      evChargers: fc.integer({ min: 0, max: 2 }),
      production: fc.boolean(),
      consumption: fc.boolean(),
    })
    .map(({ micros, encharges, acbs, evChargers, production, consumption }) => {
      const s = system(7, micros);
      s.devices.encharges = Array.from({ length: encharges }, (_, i) => `E${i}`);
      s.devices.acbs = Array.from({ length: acbs }, (_, i) => `A${i}`);
      s.devices.evChargers = Array.from({ length: evChargers }, (_, i) => `EV${i}`);
      s.hasProductionMeter = production;
      s.hasConsumptionMeter = consumption;
      s.hasBattery = encharges + acbs > 0;
      return s;
    });
  const inputArb = fc.record({
    perMinute: fc.integer({ min: 1, max: 2_000 }),
    perMonth: fc.option(fc.integer({ min: 50, max: 5_000_000 }), { nil: null }),
    reservePct: fc.integer({ min: 0, max: 20 }),
    count: fc.integer({ min: 1, max: 20_000 }),
    sample: fc.array(systemArb, { minLength: 1, maxLength: 3 }),
    datasets: fc.subarray([...DATASET_NAMES], { minLength: 1 }),
    settleMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    syncInterval: fc.option(fc.constantFrom(...CADENCE_LADDER_MS, 30_000, 10 * MINUTE_MS, 4 * DAY_MS), {
      nil: undefined,
    }),
    now: fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 0, 1) }),
  });

  it('projects no more than the budget whenever it fits, and every tick’s work fits the rate', () => {
    fc.assert(
      fc.property(inputArb, (a) => {
        const input: BudgetInput = {
          limits: {
            perMinute: a.perMinute,
            perMonth: a.perMonth,
            reserve: a.perMonth === null ? 0 : Math.ceil((a.perMonth * a.reservePct) / 100),
          },
          systems: { count: a.count, sample: a.sample },
          datasets: a.datasets,
          settleWindowMs: a.settleMinutes * MINUTE_MS,
          now: a.now,
        };
        if (a.syncInterval !== undefined) input.syncIntervalMs = a.syncInterval;
        const plan = planBudget(input);
        expect(plan.cadences.map((c) => c.dataset)).toEqual(a.datasets);
        if (!plan.fits) {
          expect(plan.warnings.length).toBeGreaterThan(0);
          return;
        }
        if (plan.budget !== null) expect(plan.projectedMonth).toBeLessThanOrEqual(plan.budget);
        const shortest = Math.min(...plan.cadences.map((c) => c.everyMs));
        const everything =
          plan.cadences.reduce((sum, c) => sum + c.hitsPerRound, 0) + plan.discovery.hitsPerRun;
        expect(everything).toBeLessThanOrEqual((a.perMinute * shortest) / MINUTE_MS);
        for (const c of plan.cadences) {
          expect(plan.tickMs).toBeGreaterThan(0);
          expect(c.everyMs % plan.tickMs).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
