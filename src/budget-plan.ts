// The quota-aware budget plan (DESIGN §3 "Rate limits and quota"): how often each dataset is
// synced so that a month of rounds fits the plan's monthly budget (minus the reserve) and every
// round fits its interval at the per-minute rate. Pure: no I/O, no clock; `plan`, the scheduler
// and the tests call it with the same inputs and get the same answer. docs/budget.md explains
// the rule with printed examples.
// The module is the entry: the cost model is in src/budget-cost.ts, the cadence search in
// src/budget-cadence.ts.
import { chooseCadences } from './budget-cadence.js';
import {
  costEvaluator,
  defaultDiscovery,
  extractorRequestCount,
  fitsAll,
  groupShapes,
  type DiscoveryCost,
  type Evaluation,
  type Fleet,
  type RequestCounter,
} from './budget-cost.js';
import { byDataset, type DatasetName } from './datasets/index.js';
import { DAY_MS, formatDuration } from './duration.js';

export { CADENCE_LADDER_MS, FASTEST_WORTH_MS } from './budget-cadence.js';
export { extractorRequestCount, type DiscoveryCost, type Fleet, type RequestCounter } from './budget-cost.js';
export { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';

export interface BudgetLimits {
  /** Requests in any 60-second window. */
  perMinute: number;
  /** Requests per month; null: no monthly cap. */
  perMonth: number | null;
  /** Requests of the month never spent by syncs (an absolute number, `Config.enphase.quotaReserve`). */
  reserve: number;
}

export interface BudgetInput {
  limits: BudgetLimits;
  /** Every system, or a count and a representative sample (costs are scaled by count / sample). */
  systems: Fleet;
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

/** How much older than the round itself the newest data is: one interval, one day, or nothing. */
const DATA_DELAY_MS: Readonly<Record<DatasetName, number>> = byDataset((d) => d.cadence.dataDelayMs);

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

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

  const evaluate = costEvaluator({
    datasets,
    settleWindowMs,
    nowS,
    shapes,
    count,
    discovery,
    budget,
    perMinute: limits.perMinute,
  });

  let everyMs: number[];
  const interval = input.syncIntervalMs;
  if (interval !== undefined) {
    everyMs = datasets.map(() => interval);
    const result = evaluate(everyMs);
    if (!fitsAll(result)) {
      const planned = chooseCadences(datasets, evaluate);
      warnings.push(
        `SYNC_INTERVAL=${formatDuration(interval)} does not fit: ${describeMisfit(result, budget, limits.perMinute)}` +
          (fitsAll(evaluate(planned))
            ? '; leave SYNC_INTERVAL unset to use the planned cadence, which fits'
            : ''),
      );
    }
  } else {
    everyMs = chooseCadences(datasets, evaluate);
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
