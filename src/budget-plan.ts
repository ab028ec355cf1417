// The quota-aware budget plan (DESIGN §3 "Rate limits and quota"): how often each dataset is
// synced so that a month of rounds fits the plan's monthly budget (minus the reserve) and every
// round fits its interval at the per-minute rate. Pure: no I/O, no clock; `plan`, the scheduler
// and the tests call it with the same inputs and get the same answer. docs/budget.md explains
// the rule with printed examples.
import { byDataset, DATASET_BY_NAME, EXTRACTORS, type DatasetName } from './datasets/index.js';
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS } from './duration.js';
import type { SystemInfo } from './extractors/types.js';

export interface BudgetLimits {
  /** Requests in any 60-second window. */
  perMinute: number;
  /** Requests per month; null: no monthly cap. */
  perMonth: number | null;
  /** Requests of the month never spent by syncs (an absolute number, `Config.enphase.quotaReserve`). */
  reserve: number;
}

/** What one discovery run costs and how often it runs (ORCH-JOBS: daily, list pages of 100). */
export interface DiscoveryCost {
  everyMs: number;
  hitsPerRun: number;
}

/** Requests one dataset costs for one system over [from, to) at `now` (epoch seconds). */
export type RequestCounter = (
  dataset: DatasetName,
  system: SystemInfo,
  from: number,
  to: number,
  now: number,
) => number;

export interface BudgetInput {
  limits: BudgetLimits;
  /** Every system, or a count and a representative sample (costs are scaled by count / sample). */
  systems: SystemInfo[] | { count: number; sample: SystemInfo[] };
  /** Enabled and allowed by the plan. */
  datasets: DatasetName[];
  settleWindowMs: number;
  /**
   * SYNC_INTERVAL: every dataset's cadence, as given (the user's choice overrides the plan and its
   * FASTEST_WORTH_MS floors); warned about when it does not fit.
   */
  syncIntervalMs?: number;
  /** Epoch milliseconds; the rounds are costed as if they ran at this instant. */
  now: number;
  /** Default: daily list pages and weekly device lists (see `defaultDiscovery`). */
  discovery?: DiscoveryCost;
}

export interface DatasetCadence {
  dataset: DatasetName;
  /** A sync round of this dataset runs every `everyMs`. */
  everyMs: number;
  /** Requests of one round, all systems together. */
  hitsPerRound: number;
  /** Requests per day, all systems together. */
  hitsPerDay: number;
  /** The oldest the newest loaded data can be just before the next round. */
  freshnessMs: number;
}

export interface BudgetPlan {
  cadences: DatasetCadence[];
  /** How often the scheduler wakes: the greatest common divisor of the cadences. */
  tickMs: number;
  /** All datasets and discovery together. */
  hitsPerDay: number;
  /** Requests of the rounds that fall in the longest month (31 days), discovery included. */
  projectedMonth: number;
  /** perMonth − reserve; null: no monthly cap. */
  budget: number | null;
  discovery: DiscoveryCost;
  fits: boolean;
  warnings: string[];
}

export { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';
/** The longest month: a plan that fits 31 days fits every month. */
const MONTH_DAYS = 31;

/**
 * The cadences a dataset can get. Each one up to a day divides the day, so rounds line up on
 * the clock and the scheduler's tick (their greatest common divisor) stays a round number.
 */
export const CADENCE_LADDER_MS: readonly number[] = [
  5 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
  2 * DAY_MS,
  7 * DAY_MS,
];

/** Where every dataset starts: once a day is the freshness every dataset is worth. */
const BASELINE_MS = DAY_MS;

/**
 * The fastest cadence worth paying for, per dataset, when the plan chooses (SYNC_INTERVAL is not
 * bound by it): nothing new can appear sooner. Each descriptor's cadence says it
 * (src/datasets/descriptor.ts): interval data changes once per interval (5 or 15 minutes), daily
 * series only when a local day ends (today is never written), settings (config) rarely; events
 * and status snapshots are worth a look every quarter hour.
 */
export const FASTEST_WORTH_MS: Readonly<Record<DatasetName, number>> = byDataset(
  (d) => d.cadence.fastestWorthMs,
);

/** How much older than the round itself the newest data is: one interval, one day, or nothing. */
const DATA_DELAY_MS: Readonly<Record<DatasetName, number>> = byDataset((d) => d.cadence.dataDelayMs);

/**
 * What a slower cadence loses, the order in which datasets are slowed when the plan does not
 * fit (the descriptor's slowdown tier, by its kind): interval data and events lose only
 * freshness, daily series their once-a-day value, and snapshots an observation that can never
 * be made afterwards.
 */
const SLOWDOWN_TIER: Readonly<Record<DatasetName, number>> = byDataset((d) => d.cadence.slowdownTier);

const SYSTEMS_PER_LIST_PAGE = 100;
/** Discovery fetches a system's device list again after this long (src/jobs/discover.ts). */
const DEVICE_REFRESH_MS = 7 * DAY_MS;

/**
 * Discovery as ORCH-JOBS runs it: once a day, the systems list in pages of 100, plus each
 * system's device list once a week (spread over the days: a seventh of the fleet a day).
 */
function defaultDiscovery(systemCount: number): DiscoveryCost {
  return {
    everyMs: DAY_MS,
    hitsPerRun: Math.ceil(systemCount / SYSTEMS_PER_LIST_PAGE) + (systemCount * DAY_MS) / DEVICE_REFRESH_MS,
  };
}

/**
 * The range one round of `dataset` fetches when it runs every `everyMs` at `nowS` (epoch s):
 * interval data re-fetches the settle window plus what is new since the last round; daily
 * series the last two local days (more when a round comes less than daily); snapshots nothing
 * but `now`.
 */
function roundRange(
  dataset: DatasetName,
  everyMs: number,
  settleWindowMs: number,
  nowS: number,
): { from: number; to: number } {
  const everyS = Math.ceil(everyMs / 1000);
  switch (DATASET_BY_NAME[dataset].kind) {
    case 'daily':
      return { from: nowS - Math.max(2 * 86_400, everyS + 86_400), to: nowS };
    case 'snapshot':
      return { from: nowS, to: nowS };
    case 'interval':
      return { from: nowS - Math.ceil(settleWindowMs / 1000) - everyS, to: nowS };
  }
}

/** Rounds of a cadence that can start in the longest month (the first at its very start). */
function roundsPerMonth(everyMs: number): number {
  return Math.ceil((MONTH_DAYS * DAY_MS) / everyMs);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Systems that cost the same: what the request count can depend on in steady state (devices and
 * meters), not the id, the name or the time zone. A fleet of 10,000 is a few dozen shapes.
 */
function shapeKey(system: SystemInfo): string {
  const d = system.devices;
  return [
    d.micros.length,
    d.encharges.length,
    d.acbs.length,
    d.evChargers.length,
    d.meters?.length ?? -1,
    system.hasConsumptionMeter ?? '-',
    system.hasProductionMeter ?? '-',
    system.hasBattery ?? '-',
    system.meterStartDate ? 'm' : '-',
  ].join('|');
}

interface Shapes {
  /** A representative of each shape and how many systems it stands for. */
  groups: Array<{ system: SystemInfo; weight: number }>;
}

function groupShapes(systems: BudgetInput['systems']): Shapes & { count: number } {
  const list = Array.isArray(systems) ? systems : systems.sample;
  const count = Array.isArray(systems) ? systems.length : systems.count;
  const scale = list.length === 0 ? 0 : count / list.length;
  const byKey = new Map<string, { system: SystemInfo; weight: number }>();
  for (const system of list) {
    const key = shapeKey(system);
    const group = byKey.get(key);
    if (group) group.weight += scale;
    // Steady state: a system that has been operational for a while, so no range is clipped.
    else byKey.set(key, { system: { ...system, operationalAt: null }, weight: scale });
  }
  return { groups: [...byKey.values()], count };
}

interface Evaluation {
  hitsPerRound: number[];
  monthTotal: number;
  fitsMonth: boolean;
  fitsMinute: boolean;
  /** The cadence whose window is overloaded at the per-minute rate, if any. */
  overloaded?: { everyMs: number; hits: number; capacity: number };
}

/**
 * The scheduler wakes every tick and enqueues what is due; a tick's work must be done before the
 * next tick of the same cadence. So for every cadence `c` in use, what falls due within a span
 * of `c` must be doable at the per-minute rate: every round of the datasets at `c` or faster,
 * one round of each slower dataset (on the clock their rounds coincide with the faster ones),
 * and the discovery runs of that span (at least one).
 */
function perMinuteOverload(
  everyMs: number[],
  hitsPerRound: number[],
  discovery: DiscoveryCost,
  perMinute: number,
): Evaluation['overloaded'] {
  for (const c of new Set(everyMs)) {
    let load = discovery.hitsPerRun * Math.max(1, Math.floor(c / discovery.everyMs));
    everyMs.forEach((e, i) => {
      load += (hitsPerRound[i] ?? 0) * (e <= c ? Math.ceil(c / e) : 1);
    });
    const capacity = (perMinute * c) / MINUTE_MS;
    if (load > capacity) return { everyMs: c, hits: load, capacity };
  }
  return undefined;
}

/** The default request count: the extractors' own pure estimate, for the systems they apply to. */
export const extractorRequestCount: RequestCounter = (dataset, system, from, to, now) => {
  const extractor = EXTRACTORS[dataset];
  return extractor.appliesTo(system) ? extractor.requestCount(system, from, to, now) : 0;
};

/**
 * Chooses a cadence per dataset (see docs/budget.md):
 * 1. every dataset starts at once a day (or its fastest worth, if that is slower);
 * 2. while the month or the per-minute rate is exceeded, one dataset is slowed one step (down
 *    to once a week): the one that costs the most per month among those whose slowing loses
 *    the least (interval data and events, then daily series, then snapshots);
 * 3. then freshness is raised evenly: the stalest dataset (cheapest first among equals) is made
 *    one step faster as long as the plan still fits; a dataset that cannot be made faster stays.
 * With `syncIntervalMs` every dataset runs at that interval, as the user asked, even faster than
 * new data appears (a shorter interval re-fetches the settle window sooner, so late revisions of
 * recent intervals land sooner); the plan only warns when it does not fit.
 */
export function planBudget(input: BudgetInput, count: RequestCounter = extractorRequestCount): BudgetPlan {
  const { limits, datasets, settleWindowMs } = input;
  const nowS = Math.floor(input.now / 1000);
  const warnings: string[] = [];
  const shapes = groupShapes(input.systems);
  if (shapes.count > 0 && shapes.groups.length === 0) {
    warnings.push(`no sample system for ${shapes.count} systems: their costs are unknown`);
  }
  const discovery = input.discovery ?? defaultDiscovery(shapes.count);
  const budget = limits.perMonth === null ? null : Math.max(0, limits.perMonth - limits.reserve);

  const costCache = new Map<string, number>();
  const roundCost = (dataset: DatasetName, everyMs: number): number => {
    const key = `${dataset}@${everyMs}`;
    const cached = costCache.get(key);
    if (cached !== undefined) return cached;
    const { from, to } = roundRange(dataset, everyMs, settleWindowMs, nowS);
    let hits = 0;
    for (const { system, weight } of shapes.groups) hits += weight * count(dataset, system, from, to, nowS);
    // A round is whole requests; a sampled fleet rounds up so the projection never flatters.
    const rounded = Math.max(0, Math.ceil(hits - 1e-9));
    costCache.set(key, rounded);
    return rounded;
  };

  const evaluate = (everyMs: number[]): Evaluation => {
    const hitsPerRound = datasets.map((d, i) => roundCost(d, everyMs[i] ?? DAY_MS));
    let monthTotal = Math.ceil(discovery.hitsPerRun * roundsPerMonth(discovery.everyMs) - 1e-9);
    hitsPerRound.forEach((h, i) => (monthTotal += h * roundsPerMonth(everyMs[i] ?? DAY_MS)));
    const overloaded = perMinuteOverload(everyMs, hitsPerRound, discovery, limits.perMinute);
    const evaluation: Evaluation = {
      hitsPerRound,
      monthTotal,
      fitsMonth: budget === null || monthTotal <= budget,
      fitsMinute: overloaded === undefined,
    };
    if (overloaded) evaluation.overloaded = overloaded;
    return evaluation;
  };
  const fitsAll = (e: Evaluation): boolean => e.fitsMonth && e.fitsMinute;

  let everyMs: number[];
  const interval = input.syncIntervalMs;
  if (interval !== undefined) {
    everyMs = datasets.map(() => interval);
    const result = evaluate(everyMs);
    if (!fitsAll(result)) {
      const planned = chooseCadences(datasets, evaluate, fitsAll);
      warnings.push(
        `SYNC_INTERVAL=${formatDuration(interval)} does not fit: ${describeMisfit(result, budget, limits.perMinute)}` +
          (fitsAll(evaluate(planned))
            ? '; leave SYNC_INTERVAL unset to use the planned cadence, which fits'
            : ''),
      );
    }
  } else {
    everyMs = chooseCadences(datasets, evaluate, fitsAll);
  }

  const result = evaluate(everyMs);
  const fits = fitsAll(result) && !(shapes.count > 0 && shapes.groups.length === 0);
  if (!fitsAll(result) && interval === undefined) {
    warnings.push(
      `even the slowest cadence does not fit: ${describeMisfit(result, budget, limits.perMinute)}; ` +
        'enable fewer datasets (DATASETS) or use a larger plan',
    );
  }
  const cadences: DatasetCadence[] = datasets.map((dataset, i) => {
    const every = everyMs[i] ?? DAY_MS;
    const hitsPerRound = result.hitsPerRound[i] ?? 0;
    return {
      dataset,
      everyMs: every,
      hitsPerRound,
      hitsPerDay: (hitsPerRound * DAY_MS) / every,
      freshnessMs: every + DATA_DELAY_MS[dataset],
    };
  });
  const hitsPerDay =
    cadences.reduce((sum, c) => sum + c.hitsPerDay, 0) + (discovery.hitsPerRun * DAY_MS) / discovery.everyMs;
  return {
    cadences,
    tickMs: everyMs.length === 0 ? DAY_MS : everyMs.reduce(gcd),
    hitsPerDay,
    projectedMonth: result.monthTotal,
    budget,
    discovery,
    fits,
    warnings,
  };
}

/** Steps 1–3 of planBudget: indexes into CADENCE_LADDER_MS, returned as milliseconds. */
function chooseCadences(
  datasets: DatasetName[],
  evaluate: (everyMs: number[]) => Evaluation,
  fitsAll: (e: Evaluation) => boolean,
): number[] {
  const ladder = CADENCE_LADDER_MS;
  const last = ladder.length - 1;
  const fastest = datasets.map((d) => Math.max(0, ladder.indexOf(FASTEST_WORTH_MS[d])));
  const baseline = ladder.indexOf(BASELINE_MS);
  const index = datasets.map((_, i) => Math.max(baseline, fastest[i] ?? 0));
  const toMs = (idx: number[]): number[] => idx.map((k) => ladder[k] ?? DAY_MS);

  // 2. Slow down the costliest dataset until the plan fits or nothing can be slowed.
  let current = evaluate(toMs(index));
  while (!fitsAll(current)) {
    let pick = -1;
    let pickKey: [number, number] = [Infinity, -1];
    index.forEach((k, i) => {
      const dataset = datasets[i];
      if (k >= last || dataset === undefined) return;
      const monthly = (current.hitsPerRound[i] ?? 0) * roundsPerMonth(ladder[k] ?? DAY_MS);
      const key: [number, number] = [SLOWDOWN_TIER[dataset], monthly];
      if (key[0] < pickKey[0] || (key[0] === pickKey[0] && key[1] > pickKey[1])) [pick, pickKey] = [i, key];
    });
    if (pick < 0) return toMs(index);
    index[pick] = (index[pick] ?? 0) + 1;
    current = evaluate(toMs(index));
  }

  // 3. Raise freshness evenly: the stalest first, the cheapest step among equally stale ones.
  const frozen = new Set<number>();
  for (;;) {
    let pick = -1;
    let pickKey: [number, number] = [-1, Infinity];
    index.forEach((k, i) => {
      if (frozen.has(i) || k <= (fastest[i] ?? 0)) return;
      const trial = [...index];
      trial[i] = k - 1;
      const extra = evaluate(toMs(trial)).monthTotal - current.monthTotal;
      const key: [number, number] = [ladder[k] ?? 0, extra];
      if (key[0] > pickKey[0] || (key[0] === pickKey[0] && key[1] < pickKey[1])) [pick, pickKey] = [i, key];
    });
    if (pick < 0) return toMs(index);
    index[pick] = (index[pick] ?? 0) - 1;
    const trial = evaluate(toMs(index));
    if (fitsAll(trial)) current = trial;
    else {
      index[pick] = (index[pick] ?? 0) + 1;
      frozen.add(pick);
    }
  }
}

function describeMisfit(result: Evaluation, budget: number | null, perMinute: number): string {
  const parts: string[] = [];
  if (!result.fitsMonth && budget !== null) {
    parts.push(`${result.monthTotal} requests in a 31-day month, over the budget of ${budget}`);
  }
  if (result.overloaded) {
    const o = result.overloaded;
    parts.push(
      `${Math.ceil(o.hits)} requests fall due every ${formatDuration(o.everyMs)}, more than ${Math.floor(o.capacity)} at ${perMinute}/min`,
    );
  }
  return parts.join('; ');
}
