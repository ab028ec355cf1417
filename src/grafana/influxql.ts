// Names in InfluxQL, taken from the schema table (src/normalize/schema.ts): a measurement, field or
// tag that the schema does not declare is a type error here, so renaming one breaks the build of
// the dashboards and alert rules, not a panel in front of a user.
import { SCHEMA, type Measurement } from '../normalize/schema.js';

type Schema = typeof SCHEMA;
export type FieldOf<M extends Measurement> = keyof Schema[M]['fields'] & string;
export type TagOf<M extends Measurement> = Schema[M]['tags'][number];

const quote = (name: string): string => `"${name}"`;

/** `"production"` */
export function m<M extends Measurement>(measurement: M): string {
  return quote(measurement);
}

/** `"energy_wh"`, a field of `measurement`. */
export function f<M extends Measurement>(_measurement: M, field: FieldOf<M>): string {
  return quote(field);
}

/** `"system_id"`, a tag of `measurement`. */
export function t<M extends Measurement>(_measurement: M, tag: TagOf<M>): string {
  return quote(tag);
}

/** `"system_id" = '$system_id'`: the System and Microinverters dashboards' filter. */
export function bySystem<M extends Measurement>(measurement: M): string {
  return `${t(measurement, 'system_id' as TagOf<M>)} = '$system_id'`;
}

/**
 * How far before a UTC month's (or year's) start the first local midnight of it can lie: daily
 * points are stamped at local midnight (docs/schema.md), 13 h before the UTC instant in UTC+13.
 * A window `time >= start - 13h` holds each system's first local day and not the day before it
 * for every zone from UTC−10 to UTC+13 (docs/grafana.md).
 */
export const LOCAL_DAY_SLACK = '13h';
