// The request windows of the spec, as pure functions of (query, system, now): defaults to local
// midnight, start rounded down to the interval mark, end = min(now, start + span), the 2-year
// limit, and the 422 details for bad parameters.
import { DateTime } from 'luxon';
import type { SystemProfile } from './model/profile.js';
import { addDays, localDate, localMidnight } from './model/local-time.js';

export type Granularity = '5mins' | '15mins' | 'day' | 'week';
export const GRANULARITY_SPAN_SEC: Record<Granularity, number> = {
  '5mins': 300,
  '15mins': 900,
  day: 86_400,
  week: 7 * 86_400,
};

export interface WindowError {
  error: string;
}

export interface TelemetryWindow {
  start: number;
  end: number;
  granularity: Granularity;
  /** Set when the client passed start_date (then the response names start_date, not start_at). */
  startDate?: string;
}

export interface TelemetryRules {
  /** Length of the endpoint's intervals. */
  intervalSec: 300 | 900;
  /** Granularities the endpoint accepts (the spec's maxima: 5-min data up to a day, 15-min up to a week). */
  allowed: readonly Granularity[];
}

export function isWindowError(value: unknown): value is WindowError {
  return typeof value === 'object' && value !== null && 'error' in value;
}

function query(q: unknown, name: string): string | undefined {
  const raw = (q as Record<string, unknown> | undefined)?.[name];
  if (raw === undefined || raw === '') return undefined;
  return Array.isArray(raw) ? String(raw[0]) : String(raw);
}

/** A valid YYYY-MM-DD date, or undefined. */
export function parseIsoDate(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  return DateTime.fromISO(text, { zone: 'UTC' }).isValid ? text : undefined;
}

function epochParam(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Epoch seconds two calendar years before nowSec (the API's limit for interval data). */
export function twoYearsBefore(nowSec: number): number {
  const d = new Date(nowSec * 1000);
  d.setUTCFullYear(d.getUTCFullYear() - 2);
  return Math.floor(d.getTime() / 1000);
}

/** Local midnight of the day the system became operational: the earliest start of any window. */
export function firstDayStart(system: SystemProfile): number {
  const zone = system.place.timezone;
  return localMidnight(localDate(system.operationalAt, zone), zone);
}

function rangeInvalid(start: number, end: number, system: SystemProfile, nowSec: number): WindowError {
  return {
    error:
      `Invalid request because of 'Requested date range is invalid for this system. ` +
      `{:start_at=>${start}, :end_at=>${end}, :first_interval=>${firstDayStart(system)}, :last_interval=>${nowSec}}'`,
  };
}

/** Window of a telemetry endpoint (`start_at` or `start_date`, and `granularity`). */
export function telemetryWindow(
  q: unknown,
  system: SystemProfile,
  nowSec: number,
  rules: TelemetryRules,
): TelemetryWindow | WindowError {
  const zone = system.place.timezone;
  const granularity = (query(q, 'granularity') ?? 'day') as Granularity;
  if (!rules.allowed.includes(granularity)) {
    return { error: `Invalid request because of 'granularity must be one of ${rules.allowed.join(', ')}'` };
  }
  let start: number;
  let startDate: string | undefined;
  const startAtText = query(q, 'start_at');
  const startDateText = query(q, 'start_date');
  if (startAtText !== undefined) {
    const parsed = epochParam(startAtText);
    if (parsed === undefined)
      return { error: `Invalid request because of 'start_at must be an epoch timestamp in seconds'` };
    start = parsed;
  } else if (startDateText !== undefined) {
    startDate = parseIsoDate(startDateText);
    if (!startDate) return { error: `Failed to parse date ${startDateText}` };
    start = localMidnight(startDate, zone);
  } else {
    start = localMidnight(localDate(nowSec, zone), zone);
  }
  start -= ((start % rules.intervalSec) + rules.intervalSec) % rules.intervalSec;
  if (start > nowSec) return rangeInvalid(start, nowSec, system, nowSec);
  if (start < twoYearsBefore(nowSec)) {
    return {
      error: `Invalid request because of 'Requested start date must be within 2 years from current date'`,
    };
  }
  start = Math.max(start, firstDayStart(system));
  const end = Math.min(nowSec, start + GRANULARITY_SPAN_SEC[granularity]);
  return { start, end, granularity, ...(startDate ? { startDate } : {}) };
}

/** Window of rgm_stats: `start_at`, `end_at`, at most 7 days, 15-minute marks. */
export function rgmWindow(
  q: unknown,
  system: SystemProfile,
  nowSec: number,
): { start: number; end: number } | WindowError {
  const zone = system.place.timezone;
  const startText = query(q, 'start_at');
  const endText = query(q, 'end_at');
  let start = startText === undefined ? localMidnight(localDate(nowSec, zone), zone) : epochParam(startText);
  if (start === undefined) return { error: `Failed to parse date ${startText}` };
  const endParam = endText === undefined ? undefined : epochParam(endText);
  if (endText !== undefined && endParam === undefined) return { error: `Failed to parse date ${endText}` };
  start -= start % 900;
  if (start > nowSec || (endParam !== undefined && endParam < start))
    return { error: 'Requested date range is invalid for this system' };
  if (start < twoYearsBefore(nowSec)) {
    return {
      error: `Invalid request because of 'Requested start date must be within 2 years from current date'`,
    };
  }
  start = Math.max(start, firstDayStart(system));
  const end = Math.min(nowSec, start + 7 * 86_400, endParam ?? Number.POSITIVE_INFINITY);
  return { start, end };
}

/** Days of a daily (`*_lifetime`) series: `start_date` (default: operational date), `end_date` (default: yesterday). */
export function lifetimeDays(
  q: unknown,
  system: SystemProfile,
  nowSec: number,
): { first: string; last: string } | WindowError {
  const zone = system.place.timezone;
  const today = localDate(nowSec, zone);
  const operational = localDate(system.operationalAt, zone);
  const startText = query(q, 'start_date');
  const endText = query(q, 'end_date');
  const start = startText === undefined ? operational : parseIsoDate(startText);
  if (!start) return { error: `Failed to parse date ${startText}` };
  const end = endText === undefined ? addDays(today, -1) : parseIsoDate(endText);
  if (!end) return { error: `Failed to parse date ${endText}` };
  if (start > today || end > today) return { error: 'Requested date is in the future' };
  if (endText !== undefined && end < start)
    return { error: 'Requested date range is invalid for this system' };
  return { first: start < operational ? operational : start, last: end };
}
