// The grid and time-zone rules of DESIGN §3, in one place.
//
// Interval series live on a UTC grid of 5 or 15 minutes (every zone in use has an offset that
// is a whole multiple of 15 minutes, so the grid is also on local quarter hours). Enphase labels
// an interval by its end, sometimes a few seconds off the grid; a point is stamped at the
// interval's start, aligned down. Daily series live on local calendar days of the system's time
// zone, which are 23 or 25 hours long on DST days: only luxon does that arithmetic here.
import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 7 * DAY;

/** `t` rounded down to a multiple of `grid` seconds (also for negative `t`). */
export function alignDown(t: number, grid: number): number {
  return Math.floor(t / grid) * grid;
}

/** `t` rounded up to a multiple of `grid` seconds. */
export function alignUp(t: number, grid: number): number {
  return Math.ceil(t / grid) * grid;
}

/**
 * The start of the interval Enphase labels with `endAt`: `endAt − length`, aligned down to the
 * grid of `length` (5 min → :00, :05, …; 15 min → :00, :15, :30, :45 UTC).
 */
export function intervalStart(endAt: number, lengthSec: number): number {
  return Math.floor((endAt - lengthSec) / lengthSec) * lengthSec;
}

/** The minute an observation was made in: snapshots are stamped with it (DESIGN §3). */
export function truncateToMinute(epochSeconds: number): number {
  return alignDown(Math.floor(epochSeconds), MINUTE);
}

export class TimeZoneError extends Error {
  override name = 'TimeZoneError';
}

/** Throws TimeZoneError for a name that is not an IANA zone luxon knows. */
export function assertTimeZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) throw new TimeZoneError(`unknown time zone '${zone}'`);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(date: string, zone: string): DateTime {
  if (!ISO_DATE.test(date)) throw new TimeZoneError(`'${date}' is not a YYYY-MM-DD date`);
  const dt = DateTime.fromISO(date, { zone });
  if (!dt.isValid) {
    throw new TimeZoneError(
      `'${date}' in '${zone}': ${dt.invalidExplanation ?? dt.invalidReason ?? 'invalid'}`,
    );
  }
  return dt;
}

/** Epoch seconds of the local midnight that starts `date` (YYYY-MM-DD) in `zone`. */
export function localMidnight(date: string, zone: string): number {
  assertTimeZone(zone);
  return parseDate(date, zone).startOf('day').toSeconds();
}

/** The local calendar date (YYYY-MM-DD) in `zone` of the instant `epochSeconds`. */
export function localDate(epochSeconds: number, zone: string): string {
  assertTimeZone(zone);
  return DateTime.fromSeconds(epochSeconds, { zone }).toISODate()!;
}

/** `date` plus `days` calendar days (zone-free calendar arithmetic). */
export function addDays(date: string, days: number): string {
  return parseDate(date, 'UTC').plus({ days }).toISODate()!;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(parseDate(to, 'UTC').diff(parseDate(from, 'UTC'), 'days').days);
}

/** Length in seconds of the local day `date` in `zone`: 86 400, or 82 800 / 90 000 on DST days. */
export function dayLengthSeconds(date: string, zone: string): number {
  return localMidnight(addDays(date, 1), zone) - localMidnight(date, zone);
}

/**
 * Local midnights of `count` consecutive days starting at `startDate`, as epoch seconds, plus
 * the midnight after the last day (so `result.length === count + 1`). One luxon walk per series
 * instead of one parse per day.
 */
export function localMidnights(startDate: string, count: number, zone: string): number[] {
  assertTimeZone(zone);
  const out = new Array<number>(count + 1);
  let day = parseDate(startDate, zone).startOf('day');
  for (let i = 0; i <= count; i++) {
    out[i] = day.toSeconds();
    day = day.plus({ days: 1 }).startOf('day');
  }
  return out;
}
