// The body readers every normalizer shares: reading a value that may be null or missing (and
// refusing one of another type), checking that a body answers the request that asked for it, and
// collecting one series' points with the rules of DESIGN §3 (null → field omitted, empty interval
// dropped, duplicates collapse, last wins). Also what a normalizer is given besides the body.
import type { DataPoint, FieldValue } from './point.js';

export interface NormalizeContext {
  /** The system the response belongs to (tag `system_id`). */
  systemId: number | string;
  /** IANA zone of the system: required by the daily (`*_lifetime`) series. */
  timeZone?: string;
  /**
   * The caller's "now" (epoch seconds): daily series are written only up to yesterday (local).
   * Passed in, never read from the clock, so normalizing is a pure function.
   */
  now?: number;
  /** Observation time (epoch seconds) of a snapshot (`system`, `config`, …); truncated to the minute. */
  observedAt?: number;
  /** The requested window [from, to) in epoch seconds: points outside it are not returned. */
  window?: { from: number; to: number };
  /** Interval length in seconds, where the caller asked for another than the endpoint's usual one. */
  intervalSeconds?: number;
  /** Device serial of a per-device endpoint (micro, encharge/acb, EV charger). */
  serial?: string;
  /** event_type_id → key and name (from `event_types`), to label events and alarms. */
  eventTypes?: ReadonlyMap<number, { key?: string; name?: string }>;
}

/** A body whose structure violates the spec: no point of it is written (DESIGN §3, bad input). */
export class NormalizeError extends Error {
  override name = 'NormalizeError';
  /** The same request would get the same body: never retried (DESIGN §3 "Permanent answers"). */
  readonly retryable = false;
}

export type Fields = Record<string, FieldValue>;

type Bag = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as an object, or NormalizeError naming what was expected. */
export function objectBody(body: unknown, what: string): Bag {
  if (!isObject(body)) throw new NormalizeError(`${what}: expected a JSON object, got ${describe(body)}`);
  return body;
}

/** `obj[key]` as an array; missing or null is an empty list, anything else an error. */
export function arrayOf(obj: Bag, key: string, what: string): readonly unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new NormalizeError(`${what}: '${key}' must be an array, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

/** An integer value, undefined when null or missing; NormalizeError for anything else. */
export function int(obj: Bag, key: string, what: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new NormalizeError(`${what}: '${key}' must be an integer, got ${describe(value)} ${String(value)}`);
  }
  return value;
}

/** A finite number, undefined when null or missing. */
export function float(obj: Bag, key: string, what: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NormalizeError(`${what}: '${key}' must be a number, got ${describe(value)}`);
  }
  return value;
}

/** A string, undefined when null or missing. */
export function str(obj: Bag, key: string, what: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new NormalizeError(`${what}: '${key}' must be a string, got ${describe(value)}`);
  return value;
}

/** A boolean, undefined when null or missing. */
export function bool(obj: Bag, key: string, what: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new NormalizeError(`${what}: '${key}' must be a boolean, got ${describe(value)}`);
  return value;
}

/** Fields read by name: the body's key, the field it is written as, and the type it must have. */
export type FieldMapping = readonly (readonly [from: string, to: string, type: 'int' | 'string' | 'bool'])[];

/** The mapped fields `obj` has (a null or missing value is left out), in the mapping's order. */
export function readFields(obj: Bag, mapping: FieldMapping, what: string): Fields {
  const fields: Fields = {};
  for (const [from, to, type] of mapping) {
    const value =
      type === 'int' ? int(obj, from, what) : type === 'bool' ? bool(obj, from, what) : str(obj, from, what);
    if (value !== undefined) fields[to] = value;
  }
  return fields;
}

/** Copies the integer `obj[from]` into `fields[to]` when present; returns 1 when it did. */
export function copyInt(obj: Bag, from: string, fields: Fields, to: string, what: string): number {
  const value = int(obj, from, what);
  if (value === undefined) return 0;
  fields[to] = value;
  return 1;
}

/** The interval's `end_at`, which every interval must have. */
export function endAt(interval: Bag, what: string): number {
  const value = int(interval, 'end_at', what);
  if (value === undefined) throw new NormalizeError(`${what}: an interval without 'end_at'`);
  return value;
}

/** The interval at `index` as an object. */
export function intervalAt(list: readonly unknown[], index: number, what: string): Bag {
  const item = list[index];
  if (!isObject(item))
    throw new NormalizeError(`${what}: interval ${index} must be an object, got ${describe(item)}`);
  return item;
}

/** A nested object (`charge: {enwh}`), or an empty one when null or missing. */
export function nested(obj: Bag, key: string, what: string): Bag {
  const value = obj[key];
  if (value === undefined || value === null) return EMPTY;
  if (!isObject(value))
    throw new NormalizeError(`${what}: '${key}' must be an object, got ${describe(value)}`);
  return value;
}
const EMPTY: Bag = Object.freeze({});

/** The `system_id` tag value. */
export function systemTag(ctx: NormalizeContext): string {
  return String(ctx.systemId);
}

/** The `serial` tag of a per-device endpoint: the serial of the request, never the body's. */
export function serialTag(ctx: NormalizeContext, what: string): string {
  const serial = ctx.serial;
  if (serial === undefined || serial === '')
    throw new NormalizeError(`${what}: no device serial (ctx.serial: the request's serial)`);
  return serial;
}

/**
 * A body that names another system or device than the request it answers: a bad response (the
 * same request gets the same answer), and none of it is written, since its data would land under
 * an identity it does not belong to.
 */
export class IdentityMismatchError extends NormalizeError {
  override name = 'IdentityMismatchError';
}

/**
 * Throws IdentityMismatchError when the body's top-level `system_id` or `serial_number`
 * contradicts the request (ctx.systemId, ctx.serial). Tags come from the request either way; an
 * absent or null identity in the body is no contradiction.
 */
export function assertRequestedIdentity(body: unknown, ctx: NormalizeContext, what: string): void {
  if (!isObject(body)) return;
  const id = body.system_id;
  if ((typeof id === 'number' || typeof id === 'string') && String(id) !== String(ctx.systemId)) {
    throw new IdentityMismatchError(
      `${what}: the body is for system_id ${JSON.stringify(id)}, the request for system ${String(ctx.systemId)}`,
    );
  }
  const serial = body.serial_number;
  if (typeof serial === 'string' && ctx.serial !== undefined && serial !== ctx.serial) {
    throw new IdentityMismatchError(
      `${what}: the body is for serial ${JSON.stringify(serial)}, the request for serial ${JSON.stringify(ctx.serial)}`,
    );
  }
}

/**
 * The points of one 200 body by `normalizer`, the one for `operation`, answering the request
 * `ctx` describes. Identity comes from the request: a body whose `system_id` or `serial_number`
 * contradicts it is refused (IdentityMismatchError) before anything is read. The systems list is
 * the exception: it names the systems itself.
 */
export function normalizeChecked(
  operation: string,
  normalizer: (body: unknown, ctx: NormalizeContext) => DataPoint[],
  body: unknown,
  ctx: NormalizeContext,
): DataPoint[] {
  if (operation !== 'listSystems') assertRequestedIdentity(body, ctx, operation);
  return normalizer(body, ctx);
}

/** `ctx.observedAt` truncated to the minute; NormalizeError when the caller forgot it. */
export function requireObservedAt(ctx: NormalizeContext, what: string): number {
  if (ctx.observedAt === undefined || !Number.isFinite(ctx.observedAt)) {
    throw new NormalizeError(`${what}: a snapshot needs ctx.observedAt`);
  }
  return Math.floor(ctx.observedAt / 60) * 60;
}

/**
 * The points of one series (fixed measurement and tags), in time order. Fast path: intervals
 * arrive sorted and unique, so points are appended; only when one is out of order or repeated
 * does `finish` collapse duplicates (the last one in the response wins) and sort.
 */
export class SeriesBuilder {
  private readonly points: DataPoint[] = [];
  private last = -Infinity;
  private ordered = true;

  constructor(
    private readonly measurement: string,
    private readonly tags: Readonly<Record<string, string>>,
    private readonly window?: { from: number; to: number },
  ) {}

  /** Adds a point unless it is outside the window or has no field. */
  add(time: number, fields: Fields, fieldCount: number): void {
    if (fieldCount === 0) return;
    const window = this.window;
    if (window !== undefined && (time < window.from || time >= window.to)) return;
    if (time <= this.last) this.ordered = false;
    this.last = time;
    this.points.push({ measurement: this.measurement, tags: this.tags, fields, time });
  }

  finish(): DataPoint[] {
    if (this.ordered) return this.points;
    const byTime = new Map<number, DataPoint>();
    for (const point of this.points) {
      byTime.set(point.time, point); // the last occurrence in the response wins
    }
    return [...byTime.values()].sort((a, b) => a.time - b.time);
  }
}
