// The daily (`*_lifetime`) series → `energy_daily` (DESIGN §3–§4): value i of an array belongs
// to local day `start_date + i` of the system's time zone and is stamped at that day's local
// midnight (DST days are 23 or 25 hours long, so the stamps are not 86 400 s apart). Days from
// the caller's "today" (local) on are not written: today is still being reported.
//   energy_lifetime       production → kind=production (the merged series),
//                         micro_production → production_micro,
//                         meter_production → production_meter, from meter_start_date on
//   consumption_lifetime  consumption → consumption
//   battery_lifetime      charge → battery_charge, discharge → battery_discharge
//   energy_import_lifetime / energy_export_lifetime   import → import, export → export
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  describe,
  objectBody,
  str,
  systemTag,
  NormalizeError,
  SeriesBuilder,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';
import { assertTimeZone, daysBetween, localDate, localMidnights } from './time.js';

interface DailySpec {
  what: string;
  measurement: string;
  tags: Readonly<Record<string, string>>;
  startDate: string;
  values: readonly unknown[];
  /** First day to write (e.g. meter_start_date); earlier values are skipped. */
  fromDate?: string;
}

/** YYYY-MM-DD from the spec's YYYY-MM-DD or the EV endpoints' YYYYMMDD. */
export function isoDate(date: string, what: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  if (/^\d{8}$/.test(date)) return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`;
  throw new NormalizeError(`${what}: '${date}' is not a date`);
}

function dailyContext(ctx: NormalizeContext, what: string): { zone: string; today: string } {
  if (ctx.timeZone === undefined) throw new NormalizeError(`${what}: a daily series needs ctx.timeZone`);
  if (ctx.now === undefined) throw new NormalizeError(`${what}: a daily series needs ctx.now`);
  assertTimeZone(ctx.timeZone);
  return { zone: ctx.timeZone, today: localDate(ctx.now, ctx.timeZone) };
}

export function dailySeries(spec: DailySpec, ctx: NormalizeContext): DataPoint[] {
  const { zone, today } = dailyContext(ctx, spec.what);
  const start = isoDate(spec.startDate, spec.what);
  const first =
    spec.fromDate === undefined ? 0 : Math.max(0, daysBetween(start, isoDate(spec.fromDate, spec.what)));
  const end = Math.min(spec.values.length, Math.max(0, daysBetween(start, today)));
  const series = new SeriesBuilder(spec.measurement, spec.tags, ctx.window);
  if (first >= end) return series.finish();
  const midnights = localMidnights(start, end, zone);
  for (let i = first; i < end; i++) {
    const value = spec.values[i];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new NormalizeError(`${spec.what}: day ${i} must be an integer, got ${describe(value)}`);
    }
    series.add(midnights[i]!, { energy_wh: value }, 1);
  }
  return series.finish();
}

function kinds(
  body: unknown,
  ctx: NormalizeContext,
  what: string,
  columns: readonly { key: string; kind: string; fromKey?: string }[],
): DataPoint[] {
  const obj = objectBody(body, what);
  const startDate = str(obj, 'start_date', what);
  // A system that never produced has a null start_date and nothing to write.
  if (startDate === undefined) return [];
  const out: DataPoint[] = [];
  for (const column of columns) {
    if (obj[column.key] === undefined || obj[column.key] === null) continue;
    let fromDate: string | undefined;
    if (column.fromKey !== undefined) {
      fromDate = str(obj, column.fromKey, what);
      // Without its start date the meter column cannot be told apart from pre-meter zeros.
      if (fromDate === undefined) continue;
    }
    const points = dailySeries(
      {
        what,
        measurement: 'energy_daily',
        tags: { system_id: systemTag(ctx), kind: column.kind },
        startDate,
        values: arrayOf(obj, column.key, what),
        ...(fromDate === undefined ? {} : { fromDate }),
      },
      ctx,
    );
    for (const point of points) out.push(point);
  }
  return out;
}

export function normalizeEnergyLifetime(
  body: ResponseBody<'getEnergyLifetime'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return kinds(body, ctx, 'energy_lifetime', [
    { key: 'production', kind: 'production' },
    { key: 'micro_production', kind: 'production_micro' },
    { key: 'meter_production', kind: 'production_meter', fromKey: 'meter_start_date' },
  ]);
}

export function normalizeConsumptionLifetime(
  body: ResponseBody<'getConsumptionLifetime'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return kinds(body, ctx, 'consumption_lifetime', [{ key: 'consumption', kind: 'consumption' }]);
}

export function normalizeBatteryLifetime(
  body: ResponseBody<'getBatteryLifetime'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return kinds(body, ctx, 'battery_lifetime', [
    { key: 'charge', kind: 'battery_charge' },
    { key: 'discharge', kind: 'battery_discharge' },
  ]);
}

export function normalizeEnergyImportLifetime(
  body: ResponseBody<'getEnergyImportLifetime'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return kinds(body, ctx, 'energy_import_lifetime', [{ key: 'import', kind: 'import' }]);
}

export function normalizeEnergyExportLifetime(
  body: ResponseBody<'getEnergyExportLifetime'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return kinds(body, ctx, 'energy_export_lifetime', [{ key: 'export', kind: 'export' }]);
}
