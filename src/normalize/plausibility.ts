// Plausibility (DESIGN §3): the last step before the loader. Every point of a window is checked
// against the bounds declared beside its fields in schema.ts; a point with a timestamp or a value
// outside them is left out (the whole point: its fields are one reading, and a reading with one
// impossible value is not trusted for the others) and counted by reason. Pure, and on the hot
// path: the bounds are compiled once per measurement and window, a window with nothing to reject
// is returned as it came.
import type { DataPoint, FieldValue } from './point.js';
import { SCHEMA, type Bound, type MeasurementSchema, type Scale } from './schema.js';

/** Factor between a nominal power and its bound: weather, clipping, rounding, a grown array. */
export const HEADROOM = 2;
/** Nominal AC power of one microinverter: above every Enphase model's rating (IQ8 ≤ 384 VA). */
export const MICRO_NOMINAL_W = 500;
/** Nominal power where no size is known: larger than any site Enphase monitors. */
export const SITE_NOMINAL_W = 5_000_000;
/** The earliest plausible time of a system whose operational date is unknown (2000-01-01). */
export const EARLIEST_UNKNOWN = 946_684_800;
/** A point may be up to a (25-hour) local day older than the operational date: its daily point. */
const BEFORE_OPERATIONAL = 90_000;
/** Clocks differ: a time up to an hour after now is accepted. */
const AFTER_NOW = 3_600;

export type RejectReason =
  | 'time_before_operation'
  | 'time_in_future'
  | 'percent_out_of_range'
  | 'negative_count'
  | 'negative_energy'
  | 'energy_above_bound'
  | 'negative_power'
  | 'power_above_bound'
  | 'out_of_range';

export interface PlausibilityLimits {
  /** Epoch seconds. */
  earliest: number;
  latest: number;
  /** Nominal power (W) of each scale; bounds are HEADROOM times it. */
  nominalW: Readonly<Record<Scale, number>>;
}

/**
 * The limits for one system at `now` (epoch s, the caller's clock). The PV size comes from the
 * microinverter count (SystemInfo has no `size_w`: the summary's size is not kept in the
 * registry); a system without micros gets the site fallback.
 */
export function plausibilityLimits(system: {
  operationalAt?: number | null;
  micros?: number;
  now: number;
}): PlausibilityLimits {
  const operational = system.operationalAt;
  const micros = system.micros ?? 0;
  return {
    earliest:
      operational === undefined || operational === null
        ? EARLIEST_UNKNOWN
        : Math.max(EARLIEST_UNKNOWN, operational - BEFORE_OPERATIONAL),
    latest: system.now + AFTER_NOW,
    nominalW: {
      micro: MICRO_NOMINAL_W,
      pv: micros > 0 ? micros * MICRO_NOMINAL_W : SITE_NOMINAL_W,
      site: SITE_NOMINAL_W,
    },
  };
}

export interface Rejection {
  reason: RejectReason;
  measurement: string;
  /** The field, or `time` for the point's timestamp. */
  field: string;
  value: FieldValue;
  time: number;
}

export interface PlausibleWindow {
  /** The points that passed (the same array when none was rejected). */
  points: DataPoint[];
  /** Rejected points by reason (empty when none). */
  rejected: Partial<Record<RejectReason, number>>;
  rejectedCount: number;
  /** The first rejected point's offending value, for the window's one log line. */
  first?: Rejection;
}

interface Check {
  key: string;
  min: number;
  max: number;
  low: RejectReason;
  high: RejectReason;
}

function check(key: string, bound: Bound, limits: PlausibilityLimits): Check {
  switch (bound.kind) {
    case 'time':
      return {
        key,
        min: limits.earliest,
        max: limits.latest,
        low: 'time_before_operation',
        high: 'time_in_future',
      };
    case 'percent':
      return { key, min: 0, max: 100, low: 'percent_out_of_range', high: 'percent_out_of_range' };
    case 'count':
      return { key, min: 0, max: Infinity, low: 'negative_count', high: 'negative_count' };
    case 'range':
      return { key, min: bound.min, max: bound.max, low: 'out_of_range', high: 'out_of_range' };
    case 'energy': {
      const max = (limits.nominalW[bound.scale] * HEADROOM * bound.perSec) / 3_600;
      return { key, min: 0, max, low: 'negative_energy', high: 'energy_above_bound' };
    }
    case 'power': {
      const max = limits.nominalW[bound.scale] * HEADROOM;
      return {
        key,
        min: bound.signed ? -max : 0,
        max,
        low: bound.signed ? 'power_above_bound' : 'negative_power',
        high: 'power_above_bound',
      };
    }
  }
}

/** Checks points against one set of limits; compiles each measurement's bounds on first use. */
export class PlausibilityCheck {
  private readonly compiled = new Map<string, readonly Check[]>();

  constructor(private readonly limits: PlausibilityLimits) {}

  private checksOf(measurement: string): readonly Check[] {
    let checks = this.compiled.get(measurement);
    if (checks === undefined) {
      const schema = (SCHEMA as Readonly<Record<string, MeasurementSchema>>)[measurement];
      const bounds = schema?.bounds ?? {};
      checks = Object.entries(bounds).map(([key, bound]) => check(key, bound, this.limits));
      this.compiled.set(measurement, checks);
    }
    return checks;
  }

  /** The rejection of one point, or undefined when it is plausible. */
  reject(point: DataPoint): Rejection | undefined {
    return this.rejectWith(point, this.checksOf(point.measurement));
  }

  private rejectWith(point: DataPoint, checks: readonly Check[]): Rejection | undefined {
    const { time, measurement } = point;
    if (time < this.limits.earliest)
      return { reason: 'time_before_operation', measurement, field: 'time', value: time, time };
    if (time > this.limits.latest)
      return { reason: 'time_in_future', measurement, field: 'time', value: time, time };
    const fields = point.fields;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]!;
      const value = fields[c.key];
      if (typeof value !== 'number') continue;
      if (value < c.min) return { reason: c.low, measurement, field: c.key, value, time };
      if (value > c.max) return { reason: c.high, measurement, field: c.key, value, time };
    }
    return undefined;
  }

  /** The plausible points of a window, and what was left out. */
  filter(points: DataPoint[]): PlausibleWindow {
    let kept: DataPoint[] | undefined;
    const rejected: Partial<Record<RejectReason, number>> = {};
    let rejectedCount = 0;
    let first: Rejection | undefined;
    // A window's points come in series of one measurement: look its checks up once per run.
    let measurement: string | undefined;
    let checks: readonly Check[] = [];
    for (let i = 0; i < points.length; i++) {
      const point = points[i]!;
      if (point.measurement !== measurement) {
        measurement = point.measurement;
        checks = this.checksOf(measurement);
      }
      const rejection = this.rejectWith(point, checks);
      if (rejection === undefined) {
        kept?.push(point);
        continue;
      }
      kept ??= points.slice(0, i);
      first ??= rejection;
      rejected[rejection.reason] = (rejected[rejection.reason] ?? 0) + 1;
      rejectedCount++;
    }
    const out: PlausibleWindow = { points: kept ?? points, rejected, rejectedCount };
    if (first !== undefined) out.first = first;
    return out;
  }
}
