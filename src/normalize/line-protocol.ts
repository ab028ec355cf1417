// DataPoint → one line of InfluxDB line protocol, precision seconds.
//
// Why not the client library's `Point`: building one object per line tops out near 550,000–630,000
// points/s on one core, against ~4.7 million for template-string lines, and this runs for every
// interval of every system. The library's own
// exported `escape` functions do all escaping here (DESIGN §4: never hand-written escaping);
// the escaped measurement names, tag keys and field keys are computed once per measurement.
// Tags are written sorted by key (InfluxDB's canonical order), fields in sorted key order too,
// so one point always gives one byte-identical line.
import { escape } from '@influxdata/influxdb-client';
import type { DataPoint, FieldValue } from './point.js';
import { SCHEMA, type FieldType, type MeasurementSchema } from './schema.js';

export class LineProtocolError extends Error {
  override name = 'LineProtocolError';
}

export interface CompiledField {
  key: string;
  /** `escapedKey=` */
  prefix: string;
  /** The same as UTF-8 bytes (line-encoder.ts). */
  prefixBytes: Buffer;
  type: FieldType;
}

export interface CompiledMeasurement {
  head: string;
  tags: { key: string; prefix: string }[];
  fields: CompiledField[];
  fieldTypes: Readonly<Record<string, FieldType>>;
}

function compile(name: string, schema: MeasurementSchema): CompiledMeasurement {
  const tagKeys = [...schema.tags].sort();
  const fieldKeys = Object.keys(schema.fields).sort();
  return {
    head: escape.measurement(name),
    tags: tagKeys.map((key) => ({ key, prefix: `,${escape.tag(key)}=` })),
    fields: fieldKeys.map((key) => {
      const prefix = `${escape.tag(key)}=`;
      return { key, prefix, prefixBytes: Buffer.from(prefix, 'utf8'), type: schema.fields[key]! };
    }),
    fieldTypes: schema.fields,
  };
}

const COMPILED = new Map<string, CompiledMeasurement>(
  Object.entries(SCHEMA).map(([name, schema]) => [name, compile(name, schema)]),
);

const NEWLINE = /[\r\n]/;
const NEWLINES = /\r\n|[\r\n]/g;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f]/g;
const TRAILING_BACKSLASHES = /\\+$/;
/** U+FF3C FULLWIDTH REVERSE SOLIDUS: looks like the backslash it stands for. */
const BACKSLASH_STAND_IN = '\uff3c';

/**
 * A tag value as line protocol can carry it (docs/schema.md, "Escaping"); escape.tag does the
 * escaping after this. Two things no escaping can express are replaced:
 * - ASCII control characters (tab, line breaks, NUL, DEL…) become a space: a line break would end
 *   the line, and escape.tag's `\n`/`\t` would be stored as two characters by InfluxDB 1.x;
 * - a trailing run of backslashes becomes as many U+FF3C: line protocol has no escape for `\`,
 *   so one at the end would escape the separator after it.
 * Everything else (commas, spaces, `=`, quotes, a backslash inside, any unicode) is kept.
 */
export function sanitizeTagValue(value: string): string {
  let out = value;
  CONTROL.lastIndex = 0;
  if (CONTROL.test(out)) out = out.replace(CONTROL, ' ');
  if (out.charCodeAt(out.length - 1) === 92)
    out = out.replace(TRAILING_BACKSLASHES, (run) => BACKSLASH_STAND_IN.repeat(run.length));
  return out;
}

/** A field's value as line protocol; throws LineProtocolError when it is not of the field's type. */
export function fieldValue(measurement: string, field: CompiledField, value: FieldValue): string {
  switch (field.type) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new LineProtocolError(`${measurement}.${field.key} must be an integer, got ${String(value)}`);
      }
      return `${value}i`;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new LineProtocolError(
          `${measurement}.${field.key} must be a finite number, got ${String(value)}`,
        );
      }
      // `12` without a suffix is a float in line protocol; String() never gives an exponent
      // InfluxDB cannot parse for the magnitudes of watts and watt-hours.
      return String(value);
    case 'bool':
      if (typeof value !== 'boolean') {
        throw new LineProtocolError(`${measurement}.${field.key} must be a boolean, got ${String(value)}`);
      }
      return value ? 'true' : 'false';
    case 'string':
      if (typeof value !== 'string') {
        throw new LineProtocolError(`${measurement}.${field.key} must be a string, got ${String(value)}`);
      }
      // Line protocol does not support a line break inside a field value (InfluxDB 2.x/3.x refuse
      // it, escape.quoted leaves it raw): Enphase's free-text fields get a space instead.
      return escape.quoted(NEWLINE.test(value) ? value.replace(NEWLINES, ' ') : value);
  }
}

/** Throws the LineProtocolError naming the point's tag or field that the schema does not declare. */
export function undeclared(point: DataPoint, compiled: CompiledMeasurement): never {
  const tag = Object.keys(point.tags).find((key) => !compiled.tags.some((t) => t.key === key));
  if (tag !== undefined)
    throw new LineProtocolError(`${point.measurement}: tag '${tag}' is not in the schema`);
  const field = Object.keys(point.fields).find((key) => compiled.fieldTypes[key] === undefined);
  throw new LineProtocolError(`${point.measurement}: field '${String(field)}' is not in the schema`);
}

/**
 * One line (no trailing newline). Throws LineProtocolError on a measurement, tag or field the
 * schema does not declare, a value of the wrong type, a point without fields, or a time that is
 * not whole seconds. Tag values pass through sanitizeTagValue first.
 */
export function toLineProtocol(point: DataPoint): string {
  const compiled = compiledFor(point);
  let line = compiled.head + tagSet(point, compiled).text;

  const fields = point.fields;
  const declared = compiled.fields;
  let written = 0;
  for (let i = 0; i < declared.length; i++) {
    const field = declared[i]!;
    const value = fields[field.key];
    if (value === undefined) continue;
    line += written === 0 ? ' ' : ',';
    // The common case inline: an integer for an int field.
    if (field.type === 'int' && typeof value === 'number' && Number.isSafeInteger(value)) {
      line += `${field.prefix}${value}i`;
    } else {
      line += field.prefix + fieldValue(point.measurement, field, value);
    }
    written++;
  }
  checkFieldCount(point, compiled, written);
  return flat(`${line} ${point.time}`);
}

/**
 * The compiled schema of the point's measurement, once its measurement and time are checked
 * (LineProtocolError when the schema does not declare it or the time is not whole seconds).
 */
export function compiledFor(point: DataPoint): CompiledMeasurement {
  const compiled = COMPILED.get(point.measurement);
  if (compiled === undefined) {
    throw new LineProtocolError(`measurement '${point.measurement}' is not in the schema`);
  }
  if (!Number.isSafeInteger(point.time)) {
    throw new LineProtocolError(`${point.measurement}: time must be whole epoch seconds, got ${point.time}`);
  }
  return compiled;
}

/** After `written` declared fields were written: throws when the point has others, or none. */
export function checkFieldCount(point: DataPoint, compiled: CompiledMeasurement, written: number): void {
  let present = 0;
  const fields = point.fields;
  for (const key in fields) if (fields[key] !== undefined) present++;
  if (written !== present) undeclared(point, compiled);
  if (written === 0) throw new LineProtocolError(`${point.measurement}: a point needs at least one field`);
}

/**
 * The line as one flat string. Built with `+=`, it is a rope (a tree of the pieces), about twice
 * the memory of the flat text (~525 against ~285 bytes a line in V8 11): lines wait in the
 * loader's buffer long enough to reach the old space, so ropes doubled the heap a backfill grows.
 * Reading a character makes V8 flatten the string in place; the join in the loader, which read
 * the rope anyway, then copies flat text (it flattened at about the same cost before).
 */
function flat(line: string): string {
  line.charCodeAt(0);
  return line;
}

// The escaped tag set of a tags object. The normalizers give every point of a series the same
// tags object, so a series' tags are checked and escaped once, not once per point.
interface TagSet {
  measurement: string;
  text: string;
  /** Measurement and tag set as UTF-8 bytes, once line-encoder.ts asked for them. */
  head?: Buffer;
}
const TAG_SETS = new WeakMap<object, TagSet>();

/** The start of the point's line, measurement and tag set, as UTF-8 bytes (line-encoder.ts). */
export function headBytes(point: DataPoint, compiled: CompiledMeasurement): Buffer {
  const set = tagSet(point, compiled);
  return (set.head ??= Buffer.from(compiled.head + set.text, 'utf8'));
}

function tagSet(point: DataPoint, compiled: CompiledMeasurement): TagSet {
  const cached = TAG_SETS.get(point.tags);
  if (cached !== undefined && cached.measurement === point.measurement) return cached;
  let text = '';
  let seen = 0;
  for (const tag of compiled.tags) {
    const value = point.tags[tag.key];
    if (value === undefined) continue;
    seen++;
    // An empty tag value is not valid line protocol; an empty identity part is the same as none.
    if (value === '') continue;
    text += tag.prefix + escape.tag(sanitizeTagValue(value));
  }
  if (seen !== Object.keys(point.tags).length) undeclared(point, compiled);
  const set: TagSet = { measurement: point.measurement, text };
  TAG_SETS.set(point.tags, set);
  return set;
}

/** Lines of many points joined by `\n`, the body of one write request. */
export function toLineProtocolBatch(points: Iterable<DataPoint>): string {
  const lines: string[] = [];
  for (const point of points) lines.push(toLineProtocol(point));
  return lines.join('\n');
}
