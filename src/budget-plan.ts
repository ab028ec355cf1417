// The quota-aware budget plan (DESIGN §3 "Rate limits and quota"): how often each dataset is
// synced so that a month of rounds fits the plan's monthly budget (minus the reserve) and every
// round fits its interval at the per-minute rate. Pure: no I/O, no clock; `plan`, the scheduler
// and the tests call it with the same inputs and get the same answer. docs/budget.md explains
// the rule with printed examples.
import type { DatasetName } from './datasets.js';
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
  /** SYNC_INTERVAL: used as given (never faster than a dataset's data changes), warned about when it does not fit. */
  syncIntervalMs?: number;
  /** Epoch milliseconds; the rounds are costed as if they ran at this instant. */
  now: number;
  /** Default: daily, one systems-list page per 100 systems (see `defaultDiscovery`). */
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
  /** hitsPerDay over the longest month (31 days). */
  projectedMonth: number;
  /** perMonth − reserve; null: no monthly cap. */
  budget: number | null;
  discovery: DiscoveryCost;
  fits: boolean;
  warnings: string[];
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** The longest month: a plan that fits 31 days fits every month. */
export const MONTH_DAYS = 31;

export function planBudget(input: BudgetInput, count?: RequestCounter): BudgetPlan {
  void input;
  void count;
  throw new Error('planBudget: not built yet');
}
