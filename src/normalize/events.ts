// events and alarms → `events` and `alarms`, string fields for Grafana annotations.
//   events: stamped at event_start_time; tags event_type_id, serial (the device);
//           fields status (Info/Open/Closed), end_time, event_type_key, event_name
//   alarms: stamped at alarm_start_time; tag alarm_id;
//           fields event_type_id, severity, cleared, end_time, serials (the devices of its
//           events, comma-separated), event_count, event_type_key, event_name
// Key and name come from the `event_types` endpoint when the caller passes them (ctx.eventTypes).
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  bool,
  copyInt,
  int,
  intervalAt,
  objectBody,
  str,
  systemTag,
  NormalizeError,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';

function typeLabels(ctx: NormalizeContext, typeId: number | undefined, fields: Fields): void {
  if (typeId === undefined) return;
  const type = ctx.eventTypes?.get(typeId);
  if (type?.key !== undefined) fields.event_type_key = type.key;
  if (type?.name !== undefined) fields.event_name = type.name;
}

function dedupe(points: DataPoint[], key: (p: DataPoint) => string): DataPoint[] {
  const byKey = new Map<string, DataPoint>();
  for (const point of points) byKey.set(key(point), point);
  return [...byKey.values()].sort((a, b) => a.time - b.time);
}

export function normalizeSystemEvents(
  body: ResponseBody<'listSystemEvents'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'events';
  const list = arrayOf(objectBody(body, what), 'events', what);
  const system = systemTag(ctx);
  const out: DataPoint[] = [];
  for (let i = 0; i < list.length; i++) {
    const event = intervalAt(list, i, what);
    const time = int(event, 'event_start_time', what);
    if (time === undefined) throw new NormalizeError(`${what}: event ${i} has no event_start_time`);
    const typeId = int(event, 'event_type_id', what);
    const tags: Record<string, string> = { system_id: system };
    if (typeId !== undefined) tags.event_type_id = String(typeId);
    const serial = str(event, 'serial_number', what);
    if (serial !== undefined && serial !== '') tags.serial = serial;
    const fields: Fields = {};
    const status = str(event, 'status', what);
    if (status !== undefined) fields.status = status;
    copyInt(event, 'event_end_time', fields, 'end_time', what);
    typeLabels(ctx, typeId, fields);
    if (Object.keys(fields).length === 0) continue;
    if (ctx.window && (time < ctx.window.from || time >= ctx.window.to)) continue;
    out.push({ measurement: 'events', tags, fields, time });
  }
  return dedupe(out, (p) => `${p.tags.event_type_id}|${p.tags.serial}|${p.time}`);
}

export function normalizeSystemAlarms(
  body: ResponseBody<'listSystemAlarms'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'alarms';
  const list = arrayOf(objectBody(body, what), 'alarms', what);
  const system = systemTag(ctx);
  const out: DataPoint[] = [];
  for (let i = 0; i < list.length; i++) {
    const alarm = intervalAt(list, i, what);
    const time = int(alarm, 'alarm_start_time', what);
    if (time === undefined) throw new NormalizeError(`${what}: alarm ${i} has no alarm_start_time`);
    const id = str(alarm, 'id', what) ?? int(alarm, 'id', what);
    if (id === undefined) throw new NormalizeError(`${what}: alarm ${i} has no id`);
    const fields: Fields = {};
    const typeId = int(alarm, 'event_type_id', what);
    if (typeId !== undefined) fields.event_type_id = typeId;
    copyInt(alarm, 'severity', fields, 'severity', what);
    const cleared = bool(alarm, 'cleared', what);
    if (cleared !== undefined) fields.cleared = cleared;
    copyInt(alarm, 'alarm_end_time', fields, 'end_time', what);
    const events = arrayOf(alarm, 'events', what);
    const serials = new Set<string>();
    for (let e = 0; e < events.length; e++) {
      const serial = str(intervalAt(events, e, what), 'serial_number', what);
      if (serial !== undefined && serial !== '') serials.add(serial);
    }
    if (serials.size > 0) fields.serials = [...serials].sort().join(',');
    fields.event_count = events.length;
    typeLabels(ctx, typeId, fields);
    if (ctx.window && (time < ctx.window.from || time >= ctx.window.to)) continue;
    out.push({ measurement: 'alarms', tags: { system_id: system, alarm_id: String(id) }, fields, time });
  }
  return dedupe(out, (p) => `${p.tags.alarm_id}|${p.time}`);
}

/** event_types body → the map normalizeSystemEvents/Alarms take as ctx.eventTypes. */
export function eventTypeLabels(
  body: ResponseBody<'listEventTypes'>,
): Map<number, { key?: string; name?: string }> {
  const what = 'event_types';
  const list = arrayOf(objectBody(body, what), 'event_types', what);
  const out = new Map<number, { key?: string; name?: string }>();
  for (let i = 0; i < list.length; i++) {
    const type = intervalAt(list, i, what);
    const id = int(type, 'event_type_id', what);
    if (id === undefined) continue;
    const label: { key?: string; name?: string } = {};
    const key = str(type, 'event_type_key', what);
    if (key !== undefined) label.key = key;
    const name = str(type, 'event_name', what);
    if (name !== undefined) label.name = name;
    out.set(id, label);
  }
  return out;
}
