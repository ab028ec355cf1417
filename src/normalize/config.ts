// Configuration snapshots → `config` (one point per system and observation minute; the four
// config endpoints of one observation merge into it) and `load_control` (one point per load
// control relay). A change of battery mode or grid state shows up as a change of a string
// field over time. Values are kept as the API spells them ("enabled"/"disabled",
// storm_alert "false"): they are labels for a state timeline, not numbers.
//   battery_settings  battery_mode, reserve_soc → reserve_soc_pct, energy_independence,
//                     charge_from_grid, battery_shutdown_level → battery_shutdown_level_pct
//   storm_guard       storm_guard_status, storm_alert
//   grid_status       grid_state, last_report_date → grid_last_report_at
//   load_control      per relay (tag name): load_name, owner_can_override, mode, soc_low/high
//                     → soc_low_pct/soc_high_pct, status, essential_start/end_time → *_s
//                     (seconds after local midnight)
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  intervalAt,
  objectBody,
  readFields,
  requireObservedAt,
  str,
  systemTag,
  type FieldMapping,
  type NormalizeContext,
} from './body-readers.js';
import type { DataPoint } from './point.js';

function configPoint(body: unknown, ctx: NormalizeContext, what: string, mapping: FieldMapping): DataPoint[] {
  const fields = readFields(objectBody(body, what), mapping, what);
  if (Object.keys(fields).length === 0) return [];
  return [
    {
      measurement: 'config',
      tags: { system_id: systemTag(ctx) },
      fields,
      time: requireObservedAt(ctx, what),
    },
  ];
}

export function normalizeBatterySettings(
  body: ResponseBody<'getSystemBatterySettings'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return configPoint(body, ctx, 'battery_settings', [
    ['battery_mode', 'battery_mode', 'string'],
    ['reserve_soc', 'reserve_soc_pct', 'int'],
    ['energy_independence', 'energy_independence', 'string'],
    ['charge_from_grid', 'charge_from_grid', 'string'],
    ['battery_shutdown_level', 'battery_shutdown_level_pct', 'int'],
  ]);
}

export function normalizeStormGuard(
  body: ResponseBody<'getSystemStormGuard'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return configPoint(body, ctx, 'storm_guard', [
    ['storm_guard_status', 'storm_guard_status', 'string'],
    ['storm_alert', 'storm_alert', 'string'],
  ]);
}

export function normalizeGridStatus(
  body: ResponseBody<'getSystemGridStatus'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return configPoint(body, ctx, 'grid_status', [
    ['grid_state', 'grid_state', 'string'],
    ['last_report_date', 'grid_last_report_at', 'int'],
  ]);
}

const LOAD_CONTROL: FieldMapping = [
  ['load_name', 'load_name', 'string'],
  ['owner_can_override', 'owner_can_override', 'bool'],
  ['mode', 'mode', 'string'],
  ['soc_low', 'soc_low_pct', 'int'],
  ['soc_high', 'soc_high_pct', 'int'],
  ['status', 'status', 'string'],
  ['essential_start_time', 'essential_start_s', 'int'],
  ['essential_end_time', 'essential_end_s', 'int'],
];

export function normalizeLoadControl(
  body: ResponseBody<'getSystemLoadControl'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'load_control';
  const list = arrayOf(objectBody(body, what), 'load_control_data', what);
  const time = requireObservedAt(ctx, what);
  const system = systemTag(ctx);
  const byName = new Map<string, DataPoint>();
  for (let i = 0; i < list.length; i++) {
    const relay = intervalAt(list, i, what);
    const name = str(relay, 'name', what) ?? String(i + 1);
    const fields = readFields(relay, LOAD_CONTROL, what);
    if (Object.keys(fields).length === 0) continue;
    byName.set(name, { measurement: 'load_control', tags: { system_id: system, name }, fields, time });
  }
  return [...byName.values()];
}
