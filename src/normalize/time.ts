// The grid and time-zone rules of DESIGN §3, in one place.
//
// Interval series live on a UTC grid of 5 or 15 minutes (every zone in use has an offset that
// is a whole multiple of 15 minutes, so the grid is also on local quarter hours). Enphase labels
// an interval by its end, sometimes a few seconds off the grid; a point is stamped at the
// interval's start, aligned down. Daily series live on local calendar days of the system's time
// zone, which are 23 or 25 hours long on DST days: only luxon does that arithmetic here.
import { DateTime, IANAZone } from 'luxon';

const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;
export const WEEK = 7 * DAY;
/** The two interval grids of the API's series. */
export const FIVE_MINUTES = 300;
export const FIFTEEN_MINUTES = 900;

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
  /** The zone comes from the system's record: asking again gives the same name. */
  readonly retryable = false;
}

/** Throws TimeZoneError for a name that is not an IANA zone luxon knows. */
export function assertTimeZone(zone: string): void {
  if (VALID_ZONES.has(zone)) return;
  if (!IANAZone.isValidZone(zone)) throw new TimeZoneError(`unknown time zone '${zone}'`);
  VALID_ZONES.add(zone);
}
const VALID_ZONES = new Set<string>();

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch seconds of the local midnight that starts `date` (YYYY-MM-DD) in `zone`. */
export function localMidnight(date: string, zone: string): number {
  assertTimeZone(zone);
  return midnightOfDay(epochDay(date), IANAZone.create(zone));
}

/** The local calendar date (YYYY-MM-DD) in `zone` of the instant `epochSeconds`. */
export function localDate(epochSeconds: number, zone: string): string {
  assertTimeZone(zone);
  // The wall-clock time is the instant shifted by the offset in force at that instant.
  const offsetMinutes = IANAZone.create(zone).offset(epochSeconds * 1000);
  return isoOfDay(Math.floor((epochSeconds + offsetMinutes * 60) / DAY));
}

/** `date` plus `days` calendar days (zone-free calendar arithmetic). */
export function addDays(date: string, days: number): string {
  return isoOfDay(epochDay(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Length in seconds of the local day `date` in `zone`: 86 400, or 82 800 / 90 000 on DST days. */
export function dayLengthSeconds(date: string, zone: string): number {
  return localMidnight(addDays(date, 1), zone) - localMidnight(date, zone);
}

// Local midnights are asked for again and again (every daily series of every system of a zone,
// every sync), and luxon's calendar arithmetic in a zone costs tens of microseconds: they are
// computed from the zone's UTC offset and remembered per (zone, day).
const MIDNIGHTS = new Map<string, Map<number, number>>();
const MIDNIGHTS_MAX = 100_000; // per zone: 270 years of days

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
function epochDay(date: string): number {
  if (!ISO_DATE.test(date)) throw new TimeZoneError(`'${date}' is not a YYYY-MM-DD date`);
  const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const day = ms / 86_400_000;
  if (!Number.isFinite(day) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new TimeZoneError(`'${date}' is not a calendar date`);
  }
  return day;
}

function midnightOfDay(day: number, zone: IANAZone): number {
  let days = MIDNIGHTS.get(zone.name);
  if (days === undefined) MIDNIGHTS.set(zone.name, (days = new Map()));
  const hit = days.get(day);
  if (hit !== undefined) return hit;
  // Local midnight = UTC midnight of the same date minus the offset in force at that instant;
  // the offset is looked up at the guess itself, and once more when a change lies in between.
  const utcMidnight = day * DAY;
  const first = zone.offset(utcMidnight * 1000);
  let guess = utcMidnight - first * 60;
  const second = zone.offset(guess * 1000);
  if (second !== first) {
    const again = utcMidnight - second * 60;
    // When midnight itself does not exist (a zone that moves its clocks at 00:00) the day
    // starts at the change: luxon knows where that is.
    guess =
      zone.offset(again * 1000) === second
        ? again
        : DateTime.fromSeconds(utcMidnight, { zone: 'UTC' })
            .setZone(zone, { keepLocalTime: true })
            .startOf('day')
            .toSeconds();
  }
  if (days.size >= MIDNIGHTS_MAX) days.clear();
  days.set(day, guess);
  return guess;
}

/**
 * Local midnights of `count` consecutive days starting at `startDate`, as epoch seconds, plus
 * the midnight after the last day (so `result.length === count + 1`).
 */
export function localMidnights(startDate: string, count: number, zone: string): number[] {
  assertTimeZone(zone);
  const iana = IANAZone.create(zone);
  const first = epochDay(startDate);
  const out = new Array<number>(count + 1);
  for (let i = 0; i <= count; i++) out[i] = midnightOfDay(first + i, iana);
  return out;
}
