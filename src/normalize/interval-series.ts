// The shared walk over `intervals` of the telemetry endpoints: one point per interval, stamped at
// the interval's start on the grid, fields read by a per-endpoint function.
import {
  arrayOf,
  intervalAt,
  endAt,
  objectBody,
  SeriesBuilder,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';
import { intervalStart } from './time.js';

/** Reads one interval's fields into `fields`; returns how many it set. */
export type ReadFields = (
  interval: Readonly<Record<string, unknown>>,
  fields: Fields,
  what: string,
) => number;

export interface IntervalSeriesSpec {
  what: string;
  measurement: string;
  tags: Readonly<Record<string, string>>;
  /** The endpoint's interval length in seconds (ctx.intervalSeconds overrides it). */
  lengthSec: number;
  listKey?: string;
  read: ReadFields;
}

export function intervalSeries(body: unknown, ctx: NormalizeContext, spec: IntervalSeriesSpec): DataPoint[] {
  const obj = objectBody(body, spec.what);
  const list = arrayOf(obj, spec.listKey ?? 'intervals', spec.what);
  return intervalsToSeries(list, ctx, spec);
}

export function intervalsToSeries(
  list: readonly unknown[],
  ctx: NormalizeContext,
  spec: IntervalSeriesSpec,
): DataPoint[] {
  const length = ctx.intervalSeconds ?? spec.lengthSec;
  const series = new SeriesBuilder(spec.measurement, spec.tags, ctx.window);
  for (let i = 0; i < list.length; i++) {
    const interval = intervalAt(list, i, spec.what);
    const fields: Fields = {};
    const count = spec.read(interval, fields, spec.what);
    series.add(intervalStart(endAt(interval, spec.what), length), fields, count);
  }
  return series.finish();
}
