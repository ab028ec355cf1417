// A dataset's descriptor: everything about one dataset in one place, as Telegraf keeps a plugin in
// one folder. src/datasets/<name>/index.ts states the facts (endpoints and their normalizers,
// plans, window rule, the extractor's shape, the measurements written); `defineDataset` derives
// the rest from them (its extractor, `appliesTo`, its kind and cadence), so no other module restates
// a dataset: the registry, the window rules, the normalizer table, the budget plan's tables and
// the schema are all read from the descriptors. The descriptors read alike on purpose: each states
// its own facts in the same shape, so two datasets compare line by line.
import { DAY_MS, MINUTE_MS } from '../duration.js';
import type { PlanName } from '../enphase/plans.js';
import type { Endpoint, Extractor, ExtractorFactory, SystemInfo } from '../extractors/types.js';
import type { WindowRule } from '../extractors/windows.js';
import type { Measurements } from '../normalize/measurement.js';

/**
 * How one budget round of the dataset is costed (src/budget-cost.ts): interval data re-fetches the
 * settle window plus what is new since the last round, a daily series the last local days, a
 * snapshot only `now`.
 */
export type DatasetKind = 'interval' | 'daily' | 'snapshot';

export interface Cadence {
  /** The period of the data in ms (5 or 15 minutes, a day); null: no grid (events, snapshots). */
  intervalMs: number | null;
  /** How much older than the round itself the newest data is: one interval, one day, or nothing. */
  dataDelayMs: number;
  /** The fastest cadence worth paying for when the budget plan chooses: nothing new appears sooner. */
  fastestWorthMs: number;
  /** The order in which the plan slows datasets when it does not fit: the lowest tier first. */
  slowdownTier: 0 | 1 | 2;
}

export interface DatasetSpec<N extends string, E extends readonly Endpoint[], M extends Measurements> {
  /** The name in DATASETS, watermark keys and `status` rows (DESIGN §4). */
  name: N;
  /** The API plans that can read every endpoint of it. */
  plans: readonly PlanName[];
  window: WindowRule;
  /** What it reads. It applies to a system when at least one endpoint does (`when`, `serials`). */
  endpoints: E;
  /**
   * Where the window rule has no period of its own (events, snapshots), how often a new value is
   * worth a request: a judgement, stated here. Grid and daily data are worth their period.
   */
  fastestWorthMs?: number;
  /** The shape that fetches it (src/extractors/), built from this spec. */
  extractor: ExtractorFactory;
  /** What it writes: measurement → tags, typed fields, plausibility bounds. */
  measurements: M;
}

export interface DatasetDescriptor<
  N extends string = string,
  E extends readonly Endpoint[] = readonly Endpoint[],
  M extends Measurements = Measurements,
> {
  readonly name: N;
  readonly plans: readonly PlanName[];
  readonly window: WindowRule;
  readonly endpoints: E;
  readonly measurements: M;
  readonly kind: DatasetKind;
  readonly cadence: Cadence;
  readonly extractor: Extractor;
  appliesTo(system: SystemInfo): boolean;
}

/** The kind of a window rule: events tile a range like interval data and cost the same way. */
export function kindOf(rule: WindowRule): DatasetKind {
  switch (rule.kind) {
    case 'telemetry':
    case 'range':
    case 'events':
      return 'interval';
    case 'daily':
      return 'daily';
    case 'snapshot':
      return 'snapshot';
  }
}

/**
 * What a slower cadence loses, by kind: interval data and events only freshness (the next round
 * fetches the gap from the watermark), a daily series its once-a-day value, a snapshot an
 * observation that can never be made afterwards.
 */
const SLOWDOWN_TIER: Readonly<Record<DatasetKind, Cadence['slowdownTier']>> = {
  interval: 0,
  daily: 1,
  snapshot: 2,
};

/** The cadence facts of a rule: grid data changes once per interval, daily data once a local day. */
export function cadenceOf(rule: WindowRule, fastestWorthMs?: number): Cadence {
  const intervalMs =
    rule.kind === 'telemetry' || rule.kind === 'range'
      ? rule.grid * 1000
      : rule.kind === 'daily'
        ? DAY_MS
        : null;
  const fastest = fastestWorthMs ?? intervalMs;
  if (fastest === null) throw new Error(`a ${rule.kind} dataset states its fastestWorthMs`);
  return {
    intervalMs,
    dataDelayMs: intervalMs ?? 0,
    fastestWorthMs: fastest,
    slowdownTier: SLOWDOWN_TIER[kindOf(rule)],
  };
}

/** The quarter hour: how often events and status snapshots are worth a look. */
export const QUARTER_HOUR_MS = 15 * MINUTE_MS;

export function defineDataset<
  const N extends string,
  const E extends readonly Endpoint[],
  const M extends Measurements,
>(spec: DatasetSpec<N, E, M>): DatasetDescriptor<N, E, M> {
  const { name, plans, window, endpoints, measurements } = spec;
  const extractor = spec.extractor({ dataset: name, plans, window, endpoints });
  return {
    name,
    plans,
    window,
    endpoints,
    measurements,
    kind: kindOf(window),
    cadence: cadenceOf(window, spec.fastestWorthMs),
    extractor,
    appliesTo: extractor.appliesTo,
  };
}
