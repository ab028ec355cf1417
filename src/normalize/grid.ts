// energy_import_telemetry / energy_export_telemetry → `grid` (import_wh / export_wh), 15 min.
//
// `intervals` is an array of arrays (one per meter or phase, the spec does not say): values are
// summed per interval start across the inner arrays. Inside one inner array a repeated interval
// is a duplicate (the last one wins), not a second meter. A field is written only when at least
// one inner array had a value for that interval; nulls never count as 0.
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  describe,
  endAt,
  int,
  intervalAt,
  objectBody,
  systemTag,
  NormalizeError,
  SeriesBuilder,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';
import { FIFTEEN_MINUTES, intervalStart } from './time.js';

function gridSeries(
  body: unknown,
  ctx: NormalizeContext,
  what: string,
  valueKey: string,
  field: string,
): DataPoint[] {
  const obj = objectBody(body, what);
  const outer = arrayOf(obj, 'intervals', what);
  const length = ctx.intervalSeconds ?? FIFTEEN_MINUTES;
  const sums = new Map<number, number>();
  for (let a = 0; a < outer.length; a++) {
    const inner = outer[a];
    if (inner === null || inner === undefined) continue;
    if (!Array.isArray(inner)) {
      throw new NormalizeError(
        `${what}: intervals[${a}] must be an array of intervals, got ${describe(inner)}`,
      );
    }
    const mine = new Map<number, number>();
    for (let i = 0; i < inner.length; i++) {
      const iv = intervalAt(inner, i, what);
      const value = int(iv, valueKey, what);
      const start = intervalStart(endAt(iv, what), length);
      if (value !== undefined) mine.set(start, value);
    }
    for (const [start, value] of mine) sums.set(start, (sums.get(start) ?? 0) + value);
  }
  const series = new SeriesBuilder('grid', { system_id: systemTag(ctx) }, ctx.window);
  for (const start of [...sums.keys()].sort((x, y) => x - y))
    series.add(start, { [field]: sums.get(start)! }, 1);
  return series.finish();
}

export function normalizeEnergyImportTelemetry(
  body: ResponseBody<'getEnergyImportTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return gridSeries(body, ctx, 'energy_import_telemetry', 'wh_imported', 'import_wh');
}

export function normalizeEnergyExportTelemetry(
  body: ResponseBody<'getEnergyExportTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return gridSeries(body, ctx, 'energy_export_telemetry', 'wh_exported', 'export_wh');
}
