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
  float,
  int,
  intervalAt,
  isObject,
  objectBody,
  requireObservedAt,
  str,
  systemTag,
  NormalizeError,
  type Fields,
  type NormalizeContext,
} from './context.js';
import { dailySeries } from './daily.js';
import { intervalSeries } from './interval-series.js';
import type { DataPoint } from './point.js';
import { FIFTEEN_MINUTES } from './telemetry.js';

function serialOf(ctx: NormalizeContext, what: string): string {
  if (ctx.serial === undefined || ctx.serial === '') throw new NormalizeError(`${what}: needs ctx.serial`);
  return ctx.serial;
}

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
    tags: { system_id: systemTag(ctx), serial: serialOf(ctx, what) },
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
      tags: { system_id: systemTag(ctx), serial: serialOf(ctx, what) },
      startDate,
      values: arrayOf(obj, 'consumption', what),
    },
    ctx,
  );
}

export function normalizeEvChargerSessions(
  body: ResponseBody<'fetchChargerSessionHistory'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/{serial}/sessions';
  const list = arrayOf(objectBody(body, what), 'sessions', what);
  const tags = { system_id: systemTag(ctx), serial: serialOf(ctx, what) };
  const byStart = new Map<number, DataPoint>();
  for (let i = 0; i < list.length; i++) {
    const session = intervalAt(list, i, what);
    const start = int(session, 'start_time', what);
    if (start === undefined) throw new NormalizeError(`${what}: session ${i} has no start_time`);
    const fields: Fields = {};
    const ints = [
      ['end_time', 'end_time'],
      ['duration', 'duration_s'],
      ['charge_time', 'charge_time_s'],
    ] as const;
    for (const [from, to] of ints) {
      const value = int(session, from, what);
      if (value !== undefined) fields[to] = value;
    }
    // The spec says "energy added in Wh", but its example (14.83 for a 2-hour charge) and the
    // simulator send kWh: written as whole Wh so the field's unit matches its name.
    const kwh = float(session, 'energy_added', what);
    if (kwh !== undefined) fields.energy_added_wh = Math.round(kwh * 1000);
    const floats = [
      ['miles_added', 'miles_added'],
      ['cost', 'cost'],
    ] as const;
    for (const [from, to] of floats) {
      const value = float(session, from, what);
      if (value !== undefined) fields[to] = value;
    }
    if (Object.keys(fields).length === 0) continue;
    if (ctx.window && (start < ctx.window.from || start >= ctx.window.to)) continue;
    byStart.set(start, { measurement: 'ev_charger_session', tags, fields, time: start });
  }
  return [...byStart.values()].sort((a, b) => a.time - b.time);
}

export function normalizeEvChargerEvents(
  body: ResponseBody<'fetchEvents'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'ev_charger/events';
  const list = arrayOf(objectBody(body, what), 'events', what);
  const tags: Record<string, string> = { system_id: systemTag(ctx) };
  if (ctx.serial !== undefined && ctx.serial !== '') tags.serial = ctx.serial;
  const out = new Map<string, DataPoint>();
  for (let i = 0; i < list.length; i++) {
    const event = intervalAt(list, i, what);
    const time = int(event, 'triggered_date', what);
    if (time === undefined) throw new NormalizeError(`${what}: event ${i} has no triggered_date`);
    const fields: Fields = {};
    const status = str(event, 'status', what);
    if (status !== undefined) fields.status = status;
    const cleared = int(event, 'cleared_date', what);
    if (cleared !== undefined) fields.cleared_time = cleared;
    const details = str(event, 'details', what);
    if (details !== undefined) fields.details = details;
    if (Object.keys(fields).length === 0) continue;
    if (ctx.window && (time < ctx.window.from || time >= ctx.window.to)) continue;
    // Two events of one charger in the same second would share an identity: the last wins.
    out.set(String(time), { measurement: 'ev_charger_event', tags, fields, time });
  }
  return [...out.values()].sort((a, b) => a.time - b.time);
}
