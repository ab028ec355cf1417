// Systems list / system detail / system summary → `system`, a status snapshot stamped with the
// observation time truncated to the minute (the one exception to interval timestamps, DESIGN §3).
// The list entry and the summary of the same observation share one identity, so InfluxDB merges
// their fields into one point.
//
// Not written: `energy_lifetime`, `energy_today` and `system_size` of the list and detail bodies
// (deprecated, always -1 per the spec), and `other_references` (a list; `reference` is kept).
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  assertRequestedIdentity,
  int,
  intervalAt,
  nested,
  objectBody,
  requireObservedAt,
  readFields,
  systemTag,
  type FieldMapping,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';

type SystemEntry = ResponseBody<'getSystemById'>;

const same = (type: 'int' | 'string', keys: readonly string[]): FieldMapping =>
  keys.map((key) => [key, key, type] as const);

const ENTRY: FieldMapping = [
  ...same('string', [
    'name',
    'public_name',
    'status',
    'timezone',
    'connection_type',
    'attachment_type',
    'interconnect_date',
    'reference',
  ]),
  ...same('int', ['last_report_at', 'last_energy_at', 'operational_at']),
];
const ADDRESS: FieldMapping = same('string', ['city', 'state', 'country', 'postal_code']);

function systemPoint(
  entry: Readonly<Record<string, unknown>>,
  time: number,
  systemId: string,
  what: string,
): DataPoint[] {
  const fields = readFields(entry, ENTRY, what);
  Object.assign(fields, readFields(nested(entry, 'address', what), ADDRESS, what));
  if (Object.keys(fields).length === 0) return [];
  return [{ measurement: 'system', tags: { system_id: systemId }, fields, time }];
}

/** The body of GET /systems/{id}: tagged with the requested id, which the body must not contradict. */
export function normalizeSystem(body: SystemEntry, ctx: NormalizeContext): DataPoint[] {
  const what = 'system';
  const entry = objectBody(body, what);
  assertRequestedIdentity(entry, ctx, what);
  return systemPoint(entry, requireObservedAt(ctx, what), systemTag(ctx), what);
}

/**
 * Every system of one page of GET /systems (ctx.systemId is not used): here each item's own
 * `system_id` is the identity, since the list is the request's own answer to "which systems".
 */
export function normalizeSystemsList(body: ResponseBody<'listSystems'>, ctx: NormalizeContext): DataPoint[] {
  const what = 'systems';
  const list = arrayOf(objectBody(body, what), 'systems', what);
  const time = requireObservedAt(ctx, what);
  const out: DataPoint[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = intervalAt(list, i, what);
    const id = int(entry, 'system_id', what);
    if (id === undefined) continue;
    for (const point of systemPoint(entry, time, String(id), what)) out.push(point);
  }
  return out;
}

const SUMMARY: FieldMapping = [
  ['current_power', 'current_power_w', 'int'],
  ['energy_lifetime', 'energy_lifetime_wh', 'int'],
  ['energy_today', 'energy_today_wh', 'int'],
  ['size_w', 'size_w', 'int'],
  ['modules', 'modules', 'int'],
  ['source', 'source', 'string'],
  ['status', 'status', 'string'],
  ['summary_date', 'summary_date', 'string'],
  ['last_interval_end_at', 'last_interval_end_at', 'int'],
  ['last_report_at', 'last_report_at', 'int'],
  ['operational_at', 'operational_at', 'int'],
  ['battery_charge_w', 'battery_charge_w', 'int'],
  ['battery_discharge_w', 'battery_discharge_w', 'int'],
  ['battery_capacity_wh', 'battery_capacity_wh', 'int'],
];

/** GET /systems/{id}/summary (`nmi` is an identifier of the grid connection, not written). */
export function normalizeSystemSummary(
  body: ResponseBody<'getSystemSummary'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'summary';
  const obj = objectBody(body, what);
  const fields = readFields(obj, SUMMARY, what);
  if (Object.keys(fields).length === 0) return [];
  assertRequestedIdentity(obj, ctx, what);
  return [
    {
      measurement: 'system',
      tags: { system_id: systemTag(ctx) },
      fields,
      time: requireObservedAt(ctx, what),
    },
  ];
}
