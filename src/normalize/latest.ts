// latest_telemetry → `latest`: the last reported power of each production/consumption meter
// channel and each Encharge, for a "now" gauge. Each point is stamped with the device's own
// `last_report_at`, so fetching the same report twice writes the same point (no wall clock in
// identity); a device that has not reported for 7 days comes back with nulls and is skipped.
//   tags: kind (the meter's name — production, consumption — or encharge), device_id, channel
//   fields: power_w, operational_mode (Encharge only)
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  int,
  intervalAt,
  nested,
  objectBody,
  str,
  systemTag,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';

export function normalizeLatestTelemetry(
  body: ResponseBody<'getLatestSystemTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'latest_telemetry';
  const devices = nested(objectBody(body, what), 'devices', what);
  const system = systemTag(ctx);
  const byIdentity = new Map<string, DataPoint>();
  for (const group of Object.keys(devices).sort()) {
    const list = arrayOf(devices, group, what);
    for (let i = 0; i < list.length; i++) {
      const device = intervalAt(list, i, what);
      const time = int(device, 'last_report_at', what);
      if (time === undefined) continue;
      const fields: Fields = {};
      const power = int(device, 'power', what);
      if (power !== undefined) fields.power_w = power;
      const mode = str(device, 'operational_mode', what);
      if (mode !== undefined) fields.operational_mode = mode;
      if (Object.keys(fields).length === 0) continue;
      // Meters are told apart by name (production/consumption); other groups by the group name
      // in the singular (encharges → encharge).
      const kind = group === 'meters' ? (str(device, 'name', what) ?? 'meter') : group.replace(/s$/, '');
      const tags: Record<string, string> = { system_id: system, kind };
      const id = int(device, 'id', what);
      if (id !== undefined) tags.device_id = String(id);
      const channel = int(device, 'channel', what);
      if (channel !== undefined) tags.channel = String(channel);
      const point: DataPoint = { measurement: 'latest', tags, fields, time };
      byIdentity.set(`${kind}|${tags.device_id ?? ''}|${tags.channel ?? ''}|${time}`, point);
    }
  }
  return [...byIdentity.values()];
}
