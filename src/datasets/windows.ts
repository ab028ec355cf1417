// The window planner by dataset name: the dataset's rule from its descriptor, then the pure
// planner of src/extractors/windows.ts (whose file comment has the rules).
import {
  clampedRange as clampToGrid,
  earliestStartOf,
  planRuleWindows,
  type RequestWindow,
  type WindowRange,
} from '../extractors/windows.js';
import { WINDOW_RULES, type DatasetName } from './index.js';

export interface PlanInput extends WindowRange {
  dataset: DatasetName;
}

/** The requests for `input.dataset` over [from, to) under its rule. */
export function planWindows(input: PlanInput): RequestWindow[] {
  return planRuleWindows(WINDOW_RULES[input.dataset], input);
}

/**
 * The earliest instant a request for `dataset` may start at `now` (with LIMIT_MARGIN), or
 * undefined for a dataset the API serves whatever its age (daily series, snapshots).
 */
export function earliestStart(dataset: DatasetName, now: number, timeZone: string): number | undefined {
  return earliestStartOf(WINDOW_RULES[dataset], now, timeZone);
}

/** The clamped, grid-aligned range [start, end) of a dataset's input (the planner's own clamp). */
export const clampedRange: (
  input: PlanInput,
  grid: number,
  earliest: number,
) => { start: number; end: number } = clampToGrid;

export { WINDOW_RULES };
export {
  LIMIT_MARGIN,
  minimumRequests,
  twoYearLimit,
  type RequestWindow,
  type WindowRule,
} from '../extractors/windows.js';
