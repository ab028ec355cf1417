// Local calendar arithmetic for the model: a system's local dates, midnights and days, from its
// IANA zone's UTC offset, with a cache per day because the physics asks once per interval and
// luxon's Intl lookups are not free. Arguments follow src/normalize/time.ts: the instant or date
// first, the zone last.
//
// Deliberately not src/normalize/time.ts: the simulator computes the truth that tests hold the
// pipeline's normalizer to, so a bug shared by both would pass unseen.
import { IANAZone } from 'luxon';

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

const dayOffsets = new Map<string, Map<number, number>>();
const halfHourOffsets = new Map<string, Map<number, number>>();
/** Marks a UTC day whose offset changes during the day (a DST transition). */
const VARIES = 0x7fffffff;

function lookup(tSec: number, zone: string): number {
  return IANAZone.create(zone).offset(tSec * 1000) * 60;
}

function cacheFor(maps: Map<string, Map<number, number>>, zone: string): Map<number, number> {
  let byKey = maps.get(zone);
  if (!byKey) {
    byKey = new Map();
    maps.set(zone, byKey);
  }
  if (byKey.size > 100_000) byKey.clear();
  return byKey;
}

/**
 * The zone's UTC offset in seconds at epoch seconds t (DST-aware; +5:30 works). Cached per UTC
 * day when the offset is the same at both ends of the day, per half hour on transition days
 * (luxon's Intl lookups are slow, and the physics asks once per interval).
 */
export function offsetSec(tSec: number, zone: string): number {
  const day = math.floor(tSec / 86_400);
  const days = cacheFor(dayOffsets, zone);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = lookup(day * 86_400, zone);
    offset = first === lookup(day * 86_400 + 86_399, zone) ? first : VARIES;
    days.set(day, offset);
  }
  if (offset !== VARIES) return offset;
  const key = math.floor(tSec / 1800);
  const halves = cacheFor(halfHourOffsets, zone);
  let exact = halves.get(key);
  if (exact === undefined) {
    exact = lookup(key * 1800, zone);
    halves.set(key, exact);
  }
  return exact;
}

/** Seconds since local midnight at epoch seconds t. */
export function localSecondOfDay(tSec: number, zone: string): number {
  const local = tSec + offsetSec(tSec, zone);
  return ((local % 86_400) + 86_400) % 86_400;
}

/**
 * Epoch seconds of local midnight starting the given ISO date (YYYY-MM-DD) in the zone. Two
 * offset lookups instead of luxon's parser (this runs once per day of a lifetime series); exact
 * for every zone whose DST change is not at midnight, which holds for the simulator's zones.
 */
export function localMidnight(isoDate: string, zone: string): number {
  const base =
    Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) /
    1000;
  const guess = base - offsetSec(base, zone);
  return base - offsetSec(guess, zone);
}

/** The local ISO date (YYYY-MM-DD) at epoch seconds t. */
export function localDate(tSec: number, zone: string): string {
  return new Date((tSec + offsetSec(tSec, zone)) * 1000).toISOString().slice(0, 10);
}

/** Epoch seconds of the local midnight at or before t. */
export function startOfLocalDay(tSec: number, zone: string): number {
  return localMidnight(localDate(tSec, zone), zone);
}

/** ISO date plus n days. */
export function addDays(isoDate: string, n: number): string {
  const base = Date.UTC(
    Number(isoDate.slice(0, 4)),
    Number(isoDate.slice(5, 7)) - 1,
    Number(isoDate.slice(8, 10)),
  );
  return new Date(base + n * 86_400_000).toISOString().slice(0, 10);
}

export interface LocalDay {
  /** YYYY-MM-DD. */
  date: string;
  /** Epoch seconds of the local midnight starting the day. */
  start: number;
  /** Epoch seconds of the next local midnight (23 or 25 hours later on DST days). */
  end: number;
}

/** The local days `first`..`last` (ISO dates, inclusive) with their midnights; empty when last < first. */
export function localDays(first: string, last: string, zone: string): LocalDay[] {
  const days: LocalDay[] = [];
  let start = localMidnight(first, zone);
  for (let date = first; date <= last;) {
    const next = addDays(date, 1);
    const end = localMidnight(next, zone);
    days.push({ date, start, end });
    date = next;
    start = end;
  }
  return days;
}
