// The pure window planner: for a window rule and a time range, the requests that fetch it. Each
// dataset's rule is in its descriptor (src/datasets/<name>/index.ts); src/datasets/windows.ts
// plans by dataset name.
//
// Each endpoint's own rules (openapi/enphase-v4-openapi.yaml):
// - telemetry (`start_at` + `granularity`): the response covers intervals that start in
//   [start_at, start_at + granularity), where `day` = 86 400 s and `week` = 604 800 s, cut at
//   the time of the request; 5-minute series allow at most `day` (288 intervals), the 15-minute
//   battery and meter series `week` (672), import/export `day` (96).
// - rgm_stats (`start_at`, `end_at`): rounded down to 15 minutes, at most 7 days apart;
//   intervals are labelled by their end, so [start_at, end_at) of interval starts.
// - `*_lifetime` (`start_date`, `end_date`, both local calendar days, end inclusive): one request
//   for the whole range; no 2-year limit, but never today (it is not final); a range that reaches
//   the last two local days starts no later than the day before yesterday.
// - events/alarms (`start_time`, `end_time`): at most one week per call, not older than 9 months.
// - snapshots (system, latest, config, ev_charger devices): one request, no range.
// Every interval window starts on the grid, at or after the API's 2-year limit and the interval
// holding the system's operational_at, and ends at or before the last complete interval before
// `now`. Windows are consecutive [from, to) spans of the maximum length, so they tile the range
// with no gap and no overlap and their number is the minimum: ceil(range / span).
import { DateTime } from 'luxon';
import {
  addDays,
  alignDown,
  alignUp,
  assertTimeZone,
  DAY,
  localDate,
  localMidnight,
} from '../normalize/time.js';

export type WindowRule =
  | { kind: 'telemetry'; grid: number; span: number; granularity: 'day' | 'week' }
  | { kind: 'range'; grid: number; span: number }
  | { kind: 'daily' }
  | { kind: 'events'; span: number; maxAgeMonths: number }
  | { kind: 'snapshot' };

/** The rule of the daily (`*_lifetime`) series: local calendar days, one request for any range. */
export const DAILY: WindowRule = { kind: 'daily' };

export type WindowQuery =
  | { start_at: number; granularity: 'day' | 'week' }
  | { start_at: number; end_at: number }
  | { start_date: string; end_date: string }
  | { start_time: number; end_time: number }
  | Record<string, never>;

export interface RequestWindow {
  /** What the request covers: interval starts (or local midnights) in [from, to), epoch seconds. */
  from: number;
  to: number;
  /** The query parameters of the request. */
  query: WindowQuery;
}

export interface WindowRange {
  /** Range of interval starts wanted, [from, to), epoch seconds. */
  from: number;
  to: number;
  now: number;
  /** The system's operational_at (epoch seconds), when known. */
  operationalAt?: number | null;
  /** The system's IANA time zone (daily series, the 2-year limit's calendar). */
  timeZone: string;
}

/**
 * The earliest instant the API accepts as a start: 2 years before `now`. Calendar years and
 * 730 days differ by a leap day; the later of the two is safe under either reading.
 */
export function twoYearLimit(now: number, timeZone: string): number {
  return remembered(`2y ${timeZone}`, now, () => {
    const calendar = DateTime.fromSeconds(now, { zone: timeZone }).minus({ years: 2 }).toSeconds();
    return Math.max(calendar, now - 730 * DAY);
  });
}

// The limits above are asked for with the same `now` and zone again and again: the budget plan
// costs every dataset at a dozen cadences for each shape of system with one `now`, and a sync
// round plans every dataset of a system at once. luxon's calendar arithmetic in a zone costs tens
// of microseconds and allocates, so the last answer per (limit, zone) is kept; a different `now`
// replaces it, so this holds one number per zone in use.
const LAST_LIMITS = new Map<string, { now: number; value: number }>();

function remembered(key: string, now: number, compute: () => number): number {
  const last = LAST_LIMITS.get(key);
  if (last !== undefined && last.now === now) return last.value;
  const value = compute();
  LAST_LIMITS.set(key, { now, value });
  return value;
}

/**
 * Windows are planned at `now` but sent later (behind the rate limiter, late in a long backfill),
 * when the API's limit has moved on: starting this far inside it keeps the oldest window valid.
 */
export const LIMIT_MARGIN = 3_600;

function monthsBefore(now: number, months: number, timeZone: string): number {
  return remembered(`${months}m ${timeZone}`, now, () =>
    Math.ceil(DateTime.fromSeconds(now, { zone: timeZone }).minus({ months }).toSeconds()),
  );
}

/** The clamped, grid-aligned range [start, end) an interval dataset can be fetched for. */
export function clampedRange(
  input: WindowRange,
  grid: number,
  earliest: number,
): { start: number; end: number } {
  let start = Math.max(alignDown(input.from, grid), alignUp(earliest, grid));
  if (input.operationalAt !== undefined && input.operationalAt !== null) {
    start = Math.max(start, alignDown(input.operationalAt, grid));
  }
  // Only whole intervals that have ended by `now`.
  const end = Math.min(alignUp(input.to, grid), alignDown(input.now, grid));
  return { start, end };
}

function tile(
  start: number,
  end: number,
  span: number,
  query: (from: number, to: number) => WindowQuery,
): RequestWindow[] {
  const out: RequestWindow[] = [];
  for (let from = start; from < end; from += span) {
    const to = Math.min(from + span, end);
    out.push({ from, to, query: query(from, to) });
  }
  return out;
}

function planDaily(input: WindowRange): RequestWindow[] {
  const zone = input.timeZone;
  const yesterday = addDays(localDate(input.now, zone), -1);
  const lastWanted = localDate(input.to - 1, zone);
  // Late uploads revise the last two local days, so a range that reaches them takes both,
  // however short the settle window made it (DESIGN §3); still one request.
  const dayBefore = addDays(yesterday, -1);
  let startDate = localDate(input.from, zone);
  if (lastWanted >= dayBefore && startDate > dayBefore) startDate = dayBefore;
  if (input.operationalAt !== undefined && input.operationalAt !== null) {
    const operational = localDate(input.operationalAt, zone);
    if (operational > startDate) startDate = operational;
  }
  const endDate = lastWanted < yesterday ? lastWanted : yesterday;
  if (startDate > endDate) return [];
  return [
    {
      from: localMidnight(startDate, zone),
      to: localMidnight(addDays(endDate, 1), zone),
      query: { start_date: startDate, end_date: endDate },
    },
  ];
}

/**
 * The earliest instant a request under `rule` may start at `now` (with LIMIT_MARGIN), or
 * undefined for a rule the API serves whatever its age (daily series, snapshots).
 */
export function earliestStartOf(rule: WindowRule, now: number, timeZone: string): number | undefined {
  switch (rule.kind) {
    case 'telemetry':
    case 'range':
      return twoYearLimit(now, timeZone) + LIMIT_MARGIN;
    case 'events':
      return monthsBefore(now, rule.maxAgeMonths, timeZone) + LIMIT_MARGIN;
    default:
      return undefined;
  }
}

/** The requests under `rule` for the range of `input`: see the file comment for the rules. */
export function planRuleWindows(rule: WindowRule, input: WindowRange): RequestWindow[] {
  assertTimeZone(input.timeZone);
  switch (rule.kind) {
    case 'snapshot':
      return [{ from: input.now, to: input.now, query: {} }];
    case 'daily':
      return planDaily(input);
    case 'telemetry': {
      const earliest = earliestStartOf(rule, input.now, input.timeZone)!;
      const { start, end } = clampedRange(input, rule.grid, earliest);
      return tile(start, end, rule.span, (from) => ({ start_at: from, granularity: rule.granularity }));
    }
    case 'range': {
      const earliest = earliestStartOf(rule, input.now, input.timeZone)!;
      const { start, end } = clampedRange(input, rule.grid, earliest);
      return tile(start, end, rule.span, (from, to) => ({ start_at: from, end_at: to }));
    }
    case 'events': {
      const earliest = earliestStartOf(rule, input.now, input.timeZone)!;
      const { start, end } = clampedRange(input, 1, earliest);
      return tile(start, end, rule.span, (from, to) => ({
        start_time: from,
        end_time: to,
      }));
    }
  }
}

/** The least number of requests that can cover [start, end) with windows of at most `span`. */
export function minimumRequests(start: number, end: number, span: number): number {
  return end > start ? Math.ceil((end - start) / span) : 0;
}
