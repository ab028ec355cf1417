// EV charger endpoints → `ev_charger` (device snapshot), `ev_charger_energy` (15-min
// telemetry), `ev_charger_daily` (daily lifetime), `ev_charger_session`, `ev_charger_event`.
// The spec declares these bodies `application/octet-stream` and gives no response examples; the
// shapes below are those of its component schemas.
//   devices    devices.ev_chargers[] → tag serial; name, model, sku, part_number, firmware,
//              status, active, last_report_at; stamped with the observation minute
//   telemetry  consumption[].{end_at, consumption} → energy_wh at end_at − 15 min (grid)
//   lifetime   start_date + consumption[i] → energy_wh at local midnight (like energy_daily)
//   sessions   sessions[] → stamped at start_time; end_time, duration_s, charge_time_s,
//              energy_added_wh (from kWh), miles_added, cost
//   events     events[] → stamped at triggered_date; status, cleared_time, details
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  bool,
  copyInt,
  float,
  int,
  intervalAt,
  isObject,
  objectBody,
  requireObservedAt,
  serialTag,
  str,
  systemTag,
  NormalizeError,
  SeriesBuilder,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import { dailySeries } from './daily.js';
import { intervalSeries } from './interval-series.js';
import type { DataPoint } from './point.js';
import { FIFTEEN_MINUTES } from './time.js';

export function normalizeEvChargers(
  body: ResponseBody<'fetchChargersSummary'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/devices';
  const obj = objectBody(body, what);
  const devices = obj.devices;
  if (devices !== undefined && devices !== null && !isObject(devices)) {
    throw new NormalizeError(`${what}: 'devices' must be an object`);
  }
  const list = devices ? arrayOf(devices, 'ev_chargers', what) : [];
  const time = requireObservedAt(ctx, what);
  const system = systemTag(ctx);
  const bySerial = new Map<string, DataPoint>();
  for (let i = 0; i < list.length; i++) {
    const charger = intervalAt(list, i, what);
    const serial = str(charger, 'serial_number', what);
    if (serial === undefined || serial === '') continue;
    const fields: Fields = {};
    for (const key of ['name', 'model', 'sku', 'part_number', 'firmware', 'status'] as const) {
      const value = str(charger, key, what);
      if (value !== undefined) fields[key] = value;
    }
    const active = bool(charger, 'active', what);
    if (active !== undefined) fields.active = active;
    const last = int(charger, 'last_report_at', what);
    if (last !== undefined) fields.last_report_at = last;
    if (Object.keys(fields).length === 0) continue;
    bySerial.set(serial, { measurement: 'ev_charger', tags: { system_id: system, serial }, fields, time });
  }
  return [...bySerial.values()];
}

export function normalizeEvChargerTelemetry(
  body: ResponseBody<'fetchEnergyConsumptionData'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/{serial}/telemetry';
  return intervalSeries(body, ctx, {
    what,
    measurement: 'ev_charger_energy',
    tags: { system_id: systemTag(ctx), serial: serialTag(ctx, what) },
    lengthSec: FIFTEEN_MINUTES,
    listKey: 'consumption',
    read: (iv, f, w) => {
      const wh = int(iv, 'consumption', w);
      if (wh === undefined) return 0;
      f.energy_wh = wh;
      return 1;
    },
  });
}

export function normalizeEvChargerLifetime(
  body: ResponseBody<'fetchDailyEnergyConsumptionData'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/{serial}/lifetime';
  const obj = objectBody(body, what);
  const startDate = str(obj, 'start_date', what);
  if (startDate === undefined) return [];
  return dailySeries(
    {
      what,
      measurement: 'ev_charger_daily',
      tags: { system_id: systemTag(ctx), serial: serialTag(ctx, what) },
      startDate,
      values: arrayOf(obj, 'consumption', what),
    },
    ctx,
  );
}

/**
 * One point per record of `body[listKey]`, stamped at its integer `timeKey` (which every record
 * must have), in one series: empty records dropped, a repeated time collapses (the last wins).
 */
function recordSeries(
  body: unknown,
  ctx: NormalizeContext,
  spec: {
    what: string;
    listKey: string;
    measurement: string;
    tags: Readonly<Record<string, string>>;
    record: string;
    timeKey: string;
    read: (record: Readonly<Record<string, unknown>>, fields: Fields, what: string) => void;
  },
): DataPoint[] {
  const { what } = spec;
  const list = arrayOf(objectBody(body, what), spec.listKey, what);
  const series = new SeriesBuilder(spec.measurement, spec.tags, ctx.window);
  for (let i = 0; i < list.length; i++) {
    const record = intervalAt(list, i, what);
    const time = int(record, spec.timeKey, what);
    if (time === undefined) throw new NormalizeError(`${what}: ${spec.record} ${i} has no ${spec.timeKey}`);
    const fields: Fields = {};
    spec.read(record, fields, what);
    series.add(time, fields, Object.keys(fields).length);
  }
  return series.finish();
}

export function normalizeEvChargerSessions(
  body: ResponseBody<'fetchChargerSessionHistory'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/{serial}/sessions';
  return recordSeries(body, ctx, {
    what,
    listKey: 'sessions',
    measurement: 'ev_charger_session',
    tags: { system_id: systemTag(ctx), serial: serialTag(ctx, what) },
    record: 'session',
    timeKey: 'start_time',
    read: (session, fields, w) => {
      copyInt(session, 'end_time', fields, 'end_time', w);
      copyInt(session, 'duration', fields, 'duration_s', w);
      copyInt(session, 'charge_time', fields, 'charge_time_s', w);
      // The spec says "energy added in Wh", but its example (14.83 for a 2-hour charge) and the
      // simulator send kWh: written as whole Wh so the field's unit matches its name.
      const kwh = float(session, 'energy_added', w);
      if (kwh !== undefined) fields.energy_added_wh = Math.round(kwh * 1000);
      for (const key of ['miles_added', 'cost'] as const) {
        const value = float(session, key, w);
        if (value !== undefined) fields[key] = value;
      }
    },
  });
}

export function normalizeEvChargerEvents(
  body: ResponseBody<'fetchEvents'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const tags: Record<string, string> = { system_id: systemTag(ctx) };
  if (ctx.serial !== undefined && ctx.serial !== '') tags.serial = ctx.serial;
  // Two events of one charger in the same second share an identity: the last wins.
  return recordSeries(body, ctx, {
    what: 'ev_charger/events',
    listKey: 'events',
    measurement: 'ev_charger_event',
    tags,
    record: 'event',
    timeKey: 'triggered_date',
    read: (event, fields, w) => {
      const status = str(event, 'status', w);
      if (status !== undefined) fields.status = status;
      copyInt(event, 'cleared_date', fields, 'cleared_time', w);
      const details = str(event, 'details', w);
      if (details !== undefined) fields.details = details;
    },
  });
}
