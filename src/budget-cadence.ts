// The cadence search of the budget plan (src/budget-plan.ts): which rung of the cadence ladder
// each dataset gets, given an evaluator of the cost model (src/budget-cost.ts). Pure.
import { byDataset, type DatasetName } from './datasets/index.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';
import { fitsAll, roundsPerMonth, type Evaluation } from './budget-cost.js';

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

/**
 * What a slower cadence loses, the order in which datasets are slowed when the plan does not
 * fit (the descriptor's slowdown tier, by its kind): interval data and events lose only
 * freshness, daily series their once-a-day value, and snapshots an observation that can never
 * be made afterwards.
 */
const SLOWDOWN_TIER: Readonly<Record<DatasetName, number>> = byDataset((d) => d.cadence.slowdownTier);

/** Steps 1–3 of planBudget: indexes into CADENCE_LADDER_MS, returned as milliseconds. */
export function chooseCadences(
  datasets: DatasetName[],
  evaluate: (everyMs: number[]) => Evaluation,
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
