// Implausible values: spec-valid (integers where the spec says integer) but physically
// impossible, so that a test can assert that none of them reaches InfluxDB. Which interval gets
// which value depends only on the interval's own time, never on the window asked for, so every
// request that covers an interval answers the same for it.
import type { Json, JsonObject } from './json.js';
import { isObject } from './json.js';

export const IMPLAUSIBLE = {
  /** Energy of a "low" interval or day (Wh): negative. */
  lowEnergyWh: -4_242,
  /** Energy of a "high" interval or day (Wh): far above any residential system. */
  highEnergyWh: 987_654_321,
  /** Power of a "low" interval (W), and every `power` of latest_telemetry. */
  lowPowerW: -80_042_933,
  /** Power of a "high" interval (W). */
  highPowerW: 80_042_933,
  /** devices_reporting of a "low" interval. */
  count: -3,
  /** Every percentage of a "low" interval, and reserve_soc/battery_shutdown_level of battery_settings. */
  percent: 47_430_891,
  /**
   * latest_telemetry `last_report_at` of the k-th reporting device (in body order): even k
   * 1967-04-07T00:00:00Z (1000 days before the epoch), odd k 1972-09-27T00:00:00Z (1000 after).
   */
  reportedAtSec: [-86_400_000, 86_400_000] as const,
} as const;

/** An interval ending at `endAtSec` (or the day `epochDay`) is 'low' when n % 3 = 0, 'high' when 1. */
export type Variant = 'low' | 'high' | null;

export function variantOf(n: number): Variant {
  const r = ((n % 3) + 3) % 3;
  return r === 0 ? 'low' : r === 1 ? 'high' : null;
}

interface IntervalFields {
  intervalSec: number;
  energy?: readonly string[];
  power?: readonly string[];
  count?: readonly string[];
  percent?: readonly string[];
}

const MICRO: IntervalFields = { intervalSec: 300, energy: ['enwh'], power: ['powr'] };
const BATTERY_DEVICE: IntervalFields = {
  intervalSec: 900,
  energy: ['charge.enwh', 'discharge.enwh'],
  percent: ['soc.percent'],
};

/** Per route: where the intervals are (`intervals`, nested for import/export) and their fields. */
const INTERVAL_ROUTES: Readonly<Record<string, IntervalFields>> = {
  '/api/v4/systems/{system_id}/telemetry/production_micro': {
    ...MICRO,
    count: ['devices_reporting'],
  },
  '/api/v4/systems/{system_id}/telemetry/production_meter': {
    intervalSec: 900,
    energy: ['wh_del'],
    count: ['devices_reporting'],
  },
  '/api/v4/systems/{system_id}/telemetry/consumption_meter': {
    intervalSec: 900,
    energy: ['enwh'],
    count: ['devices_reporting'],
  },
  '/api/v4/systems/{system_id}/telemetry/battery': {
    ...BATTERY_DEVICE,
    count: ['charge.devices_reporting', 'discharge.devices_reporting', 'soc.devices_reporting'],
  },
  '/api/v4/systems/{system_id}/energy_import_telemetry': { intervalSec: 900, energy: ['wh_imported'] },
  '/api/v4/systems/{system_id}/energy_export_telemetry': { intervalSec: 900, energy: ['wh_exported'] },
  '/api/v4/systems/{system_id}/rgm_stats': {
    intervalSec: 900,
    energy: ['wh_del'],
    count: ['devices_reporting'],
  },
  '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry': MICRO,
  '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry': BATTERY_DEVICE,
  '/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry': BATTERY_DEVICE,
};

/** rgm_stats `meter_intervals[].intervals[]` (per channel). */
const RGM_CHANNEL: IntervalFields = { intervalSec: 900, energy: ['wh_del'], power: ['curr_w'] };

/** Per route: the daily arrays (one value per local day from `start_date`). */
const DAILY_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/api/v4/systems/{system_id}/energy_lifetime': ['production', 'micro_production', 'meter_production'],
  '/api/v4/systems/{system_id}/consumption_lifetime': ['consumption'],
  '/api/v4/systems/{system_id}/battery_lifetime': ['charge', 'discharge'],
  '/api/v4/systems/{system_id}/energy_import_lifetime': ['import'],
  '/api/v4/systems/{system_id}/energy_export_lifetime': ['export'],
};

function setPath(obj: JsonObject, path: string, value: number): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) {
    if (typeof obj[head] === 'number') obj[head] = value;
    return;
  }
  const inner = obj[head];
  if (isObject(inner) && typeof inner[tail] === 'number') inner[tail] = value;
}

function rewriteInterval(interval: Json, spec: IntervalFields): void {
  if (!isObject(interval) || typeof interval.end_at !== 'number') return;
  const variant = variantOf(Math.floor(interval.end_at / spec.intervalSec));
  if (variant === null) return;
  const low = variant === 'low';
  for (const p of spec.energy ?? [])
    setPath(interval, p, low ? IMPLAUSIBLE.lowEnergyWh : IMPLAUSIBLE.highEnergyWh);
  for (const p of spec.power ?? [])
    setPath(interval, p, low ? IMPLAUSIBLE.lowPowerW : IMPLAUSIBLE.highPowerW);
  if (!low) return;
  for (const p of spec.count ?? []) setPath(interval, p, IMPLAUSIBLE.count);
  for (const p of spec.percent ?? []) setPath(interval, p, IMPLAUSIBLE.percent);
}

function rewriteIntervals(list: Json | undefined, spec: IntervalFields): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (Array.isArray(item))
      rewriteIntervals(item, spec); // import/export: one array per leg
    else rewriteInterval(item, spec);
  }
}

function rewriteDaily(body: JsonObject, keys: readonly string[]): void {
  if (typeof body.start_date !== 'string') return;
  const firstDay = Math.floor(Date.parse(`${body.start_date}T00:00:00Z`) / 86_400_000);
  if (!Number.isFinite(firstDay)) return;
  for (const key of keys) {
    const list = body[key];
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      if (typeof value !== 'number') return;
      const variant = variantOf(firstDay + i);
      if (variant !== null) list[i] = variant === 'low' ? IMPLAUSIBLE.lowEnergyWh : IMPLAUSIBLE.highEnergyWh;
    });
  }
}

function rewriteLatest(body: JsonObject): void {
  if (!isObject(body.devices)) return;
  let k = 0;
  for (const list of Object.values(body.devices)) {
    if (!Array.isArray(list)) continue;
    for (const device of list) {
      if (!isObject(device) || typeof device.last_report_at !== 'number') continue;
      device.last_report_at = IMPLAUSIBLE.reportedAtSec[k % 2]!;
      if (typeof device.power === 'number') device.power = IMPLAUSIBLE.lowPowerW;
      k += 1;
    }
  }
}

/** Rewrites a 200 body of `route` with implausible values (routes not listed stay as they are). */
export function applyImplausible(route: string, body: JsonObject): void {
  const intervals = INTERVAL_ROUTES[route];
  if (intervals) {
    rewriteIntervals(body.intervals, intervals);
    if (Array.isArray(body.meter_intervals))
      for (const meter of body.meter_intervals)
        if (isObject(meter)) rewriteIntervals(meter.intervals, RGM_CHANNEL);
    return;
  }
  const daily = DAILY_ROUTES[route];
  if (daily) rewriteDaily(body, daily);
  else if (route === '/api/v4/systems/{system_id}/latest_telemetry') rewriteLatest(body);
  else if (route === '/api/v4/systems/config/{system_id}/battery_settings') {
    for (const key of ['reserve_soc', 'battery_shutdown_level'])
      if (typeof body[key] === 'number') body[key] = IMPLAUSIBLE.percent;
  }
}
