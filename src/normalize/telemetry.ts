// Site- and device-level interval telemetry → `production`, `consumption`, `battery`, `micro`,
// `battery_device` (DESIGN §4). Field mapping per endpoint:
//   production_micro   powr → power_w, enwh → energy_wh, devices_reporting        (5 min)
//   production_meter   wh_del → energy_wh, devices_reporting                      (15 min)
//   consumption_meter  enwh → energy_wh, devices_reporting                        (15 min)
//   battery            charge.enwh → charge_wh, discharge.enwh → discharge_wh,
//                      soc.percent → soc_pct, devices_reporting = the largest of
//                      the three devices_reporting counts                         (15 min)
//   micros/{serial}    powr → power_w, enwh → energy_wh                           (5 min)
//   encharges|acbs     charge.enwh, discharge.enwh, soc.percent                   (15 min)
import type { ResponseBody } from './bodies.js';
import {
  assertRequestedIdentity,
  copyInt,
  int,
  nested,
  objectBody,
  serialTag,
  systemTag,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import { intervalSeries } from './interval-series.js';
import type { DataPoint } from './point.js';
import { FIFTEEN_MINUTES, FIVE_MINUTES } from './time.js';

type Interval = Readonly<Record<string, unknown>>;

export function normalizeProductionMicro(
  body: ResponseBody<'getProductionMicroTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return intervalSeries(body, ctx, {
    what: 'telemetry/production_micro',
    measurement: 'production',
    tags: { system_id: systemTag(ctx), source: 'micro' },
    lengthSec: FIVE_MINUTES,
    read: (iv, f, what) =>
      copyInt(iv, 'powr', f, 'power_w', what) +
      copyInt(iv, 'enwh', f, 'energy_wh', what) +
      copyInt(iv, 'devices_reporting', f, 'devices_reporting', what),
  });
}

export function normalizeProductionMeter(
  body: ResponseBody<'getProductionMeterTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return intervalSeries(body, ctx, {
    what: 'telemetry/production_meter',
    measurement: 'production',
    tags: { system_id: systemTag(ctx), source: 'meter' },
    lengthSec: FIFTEEN_MINUTES,
    read: (iv, f, what) =>
      copyInt(iv, 'wh_del', f, 'energy_wh', what) +
      copyInt(iv, 'devices_reporting', f, 'devices_reporting', what),
  });
}

export function normalizeConsumptionMeter(
  body: ResponseBody<'getConsumptionMeterTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return intervalSeries(body, ctx, {
    what: 'telemetry/consumption_meter',
    measurement: 'consumption',
    tags: { system_id: systemTag(ctx) },
    lengthSec: FIFTEEN_MINUTES,
    read: (iv, f, what) =>
      copyInt(iv, 'enwh', f, 'energy_wh', what) +
      copyInt(iv, 'devices_reporting', f, 'devices_reporting', what),
  });
}

/** charge/discharge/soc of one battery interval; with `devices`, also the largest count reporting. */
function readBattery(iv: Interval, f: Fields, what: string, devices: boolean): number {
  const charge = nested(iv, 'charge', what);
  const discharge = nested(iv, 'discharge', what);
  const soc = nested(iv, 'soc', what);
  let count =
    copyInt(charge, 'enwh', f, 'charge_wh', what) +
    copyInt(discharge, 'enwh', f, 'discharge_wh', what) +
    copyInt(soc, 'percent', f, 'soc_pct', what);
  if (devices) {
    // The three counts can differ (a battery may report SoC but not energy): the interval's
    // devices_reporting is the largest of them, as DESIGN §4 says.
    let most: number | undefined;
    for (const part of [charge, discharge, soc]) {
      const n = int(part, 'devices_reporting', what);
      if (n !== undefined && (most === undefined || n > most)) most = n;
    }
    if (most !== undefined) {
      f.devices_reporting = most;
      count++;
    }
  }
  return count;
}

export function normalizeBatteryTelemetry(
  body: ResponseBody<'getBatteryTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return intervalSeries(body, ctx, {
    what: 'telemetry/battery',
    measurement: 'battery',
    tags: { system_id: systemTag(ctx) },
    lengthSec: FIFTEEN_MINUTES,
    read: (iv, f, what) => readBattery(iv, f, what, true),
  });
}

/** The request's serial; the body's `serial_number` must agree with it when present. */
function deviceSerial(body: unknown, ctx: NormalizeContext, what: string): string {
  const serial = serialTag(ctx, what);
  assertRequestedIdentity(objectBody(body, what), ctx, what);
  return serial;
}

export function normalizeMicroTelemetry(
  body: ResponseBody<'getMicroTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  const what = 'devices/micros/{serial}/telemetry';
  return intervalSeries(body, ctx, {
    what,
    measurement: 'micro',
    tags: { system_id: systemTag(ctx), serial: deviceSerial(body, ctx, what) },
    lengthSec: FIVE_MINUTES,
    read: (iv, f, w) => copyInt(iv, 'powr', f, 'power_w', w) + copyInt(iv, 'enwh', f, 'energy_wh', w),
  });
}

function batteryDevice(body: unknown, ctx: NormalizeContext, type: 'encharge' | 'acb'): DataPoint[] {
  const what = `devices/${type}s/{serial}/telemetry`;
  return intervalSeries(body, ctx, {
    what,
    measurement: 'battery_device',
    tags: { system_id: systemTag(ctx), serial: deviceSerial(body, ctx, what), type },
    lengthSec: FIFTEEN_MINUTES,
    read: (iv, f, w) => readBattery(iv, f, w, false),
  });
}

export function normalizeEnchargeTelemetry(
  body: ResponseBody<'getEnchargeTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return batteryDevice(body, ctx, 'encharge');
}

export function normalizeAcbTelemetry(
  body: ResponseBody<'getAcbTelemetry'>,
  ctx: NormalizeContext,
): DataPoint[] {
  return batteryDevice(body, ctx, 'acb');
}
