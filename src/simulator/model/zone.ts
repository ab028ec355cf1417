// Time-zone arithmetic for the model, with luxon underneath and a cache per hour, because the
// physics asks for local time once per interval and luxon's Intl lookups are not free.
import { DateTime, IANAZone } from 'luxon';

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

const dayOffsets = new Map<string, Map<number, number>>();
const halfHourOffsets = new Map<string, Map<number, number>>();
/** Marks a UTC day whose offset changes during the day (a DST transition). */
const VARIES = 0x7fffffff;

function lookup(zone: string, tSec: number): number {
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
export function offsetSec(zone: string, tSec: number): number {
  const day = math.floor(tSec / 86_400);
  const days = cacheFor(dayOffsets, zone);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = lookup(zone, day * 86_400);
    offset = first === lookup(zone, day * 86_400 + 86_399) ? first : VARIES;
    days.set(day, offset);
  }
  if (offset !== VARIES) return offset;
  const key = math.floor(tSec / 1800);
  const halves = cacheFor(halfHourOffsets, zone);
  let exact = halves.get(key);
  if (exact === undefined) {
    exact = lookup(zone, key * 1800);
    halves.set(key, exact);
  }
  return exact;
}

/** Seconds since local midnight at epoch seconds t. */
export function localSecondOfDay(zone: string, tSec: number): number {
  const local = tSec + offsetSec(zone, tSec);
  return ((local % 86_400) + 86_400) % 86_400;
}

/**
 * Epoch seconds of local midnight starting the given ISO date (YYYY-MM-DD) in the zone. Two
 * offset lookups instead of luxon's parser (this runs once per day of a lifetime series); exact
 * for every zone whose DST change is not at midnight, which holds for the simulator's zones.
 */
export function localMidnight(zone: string, isoDate: string): number {
  const base =
    Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) /
    1000;
  const guess = base - offsetSec(zone, base);
  return base - offsetSec(zone, guess);
}

/** The local ISO date (YYYY-MM-DD) at epoch seconds t. */
export function localDate(zone: string, tSec: number): string {
  return new Date((tSec + offsetSec(zone, tSec)) * 1000).toISOString().slice(0, 10);
}

/** Epoch seconds of the local midnight at or before t. */
export function startOfLocalDay(zone: string, tSec: number): number {
  return localMidnight(zone, localDate(zone, tSec));
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

/** Whole days from ISO date a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return math.round(
    DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days,
  );
}
