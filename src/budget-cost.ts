// The cost model of the budget plan (src/budget-plan.ts): what a round of a dataset costs the whole
// fleet at a given cadence, what discovery costs, and whether a set of cadences fits the month and
// the per-minute rate. Pure, like the plan.
import { DATASET_BY_NAME, EXTRACTORS, type DatasetName } from './datasets/index.js';
import { DAY_MS, MINUTE_MS } from './duration.js';
import type { SystemInfo } from './extractors/types.js';

/** What one discovery run costs and how often it runs (as src/jobs/discover.ts runs it: daily, list pages of 100). */
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
/** Every system, or a count and a representative sample (costs are scaled by count / sample). */
export type Fleet = SystemInfo[] | { count: number; sample: SystemInfo[] };

/** The longest month: a plan that fits 31 days fits every month. */
const MONTH_DAYS = 31;

const SYSTEMS_PER_LIST_PAGE = 100;
/** Discovery fetches a system's device list again after this long (src/jobs/discover.ts). */
const DEVICE_REFRESH_MS = 7 * DAY_MS;

/**
 * Discovery as src/jobs/discover.ts runs it: once a day, the systems list in pages of 100, plus each
 * system's device list once a week (spread over the days: a seventh of the fleet a day).
 */
export function defaultDiscovery(systemCount: number): DiscoveryCost {
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
export function roundsPerMonth(everyMs: number): number {
  return Math.ceil((MONTH_DAYS * DAY_MS) / everyMs);
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

export interface Shapes {
  /** A representative of each shape and how many systems it stands for. */
  groups: Array<{ system: SystemInfo; weight: number }>;
}

export function groupShapes(systems: Fleet): Shapes & { count: number } {
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

/** How a set of cadences (one per dataset, in order) fares against the limits. */
export interface Evaluation {
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

export interface CostModel {
  datasets: DatasetName[];
  settleWindowMs: number;
  /** Epoch seconds; the rounds are costed as if they ran at this instant. */
  nowS: number;
  shapes: Shapes;
  count: RequestCounter;
  discovery: DiscoveryCost;
  /** perMonth − reserve; null: no monthly cap. */
  budget: number | null;
  perMinute: number;
}

/**
 * Evaluates a set of cadences, one per dataset in the order of `model.datasets`. A round's cost
 * depends only on its dataset and cadence, so it is computed once per pair: the cadence search
 * evaluates many sets.
 */
export function costEvaluator(model: CostModel): (everyMs: number[]) => Evaluation {
  const { datasets, settleWindowMs, nowS, shapes, count, discovery, budget, perMinute } = model;
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

  return (everyMs) => {
    const hitsPerRound = datasets.map((d, i) => roundCost(d, everyMs[i] ?? DAY_MS));
    let monthTotal = Math.ceil(discovery.hitsPerRun * roundsPerMonth(discovery.everyMs) - 1e-9);
    hitsPerRound.forEach((h, i) => (monthTotal += h * roundsPerMonth(everyMs[i] ?? DAY_MS)));
    const overloaded = perMinuteOverload(everyMs, hitsPerRound, discovery, perMinute);
    const evaluation: Evaluation = {
      hitsPerRound,
      monthTotal,
      fitsMonth: budget === null || monthTotal <= budget,
      fitsMinute: overloaded === undefined,
    };
    if (overloaded) evaluation.overloaded = overloaded;
    return evaluation;
  };
}

/** A plan fits when both the month and the per-minute rate do. */
export function fitsAll(e: Evaluation): boolean {
  return e.fitsMonth && e.fitsMinute;
}
