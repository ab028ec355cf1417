// When each device's data reaches the cloud. A device reports an interval after a delay that is a
// pure function of (seed, system, device, interval): most within 15 minutes, some hours late;
// cellular gateways upload every 6 hours. Never later than 12 hours (MAX_DELAY_SEC), so an
// interval older than that is settled: its values never change again.
import { SALT, unit } from './hash.js';
import type { SystemProfile } from './profile.js';

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

export const MAX_DELAY_SEC = 12 * 3600;
const UPLOAD_PERIOD_SEC = 6 * 3600;

/** Device kinds, so two devices of a system never share a hash stream. */
export const DEVICE = { micro: 0, productionMeter: 1000, consumptionMeter: 2000, battery: 3000 } as const;

/** Seconds after `endAt` at which device `device` (DEVICE.x + index) reports that interval. */
export function reportDelaySec(seed: number, system: SystemProfile, device: number, endAt: number): number {
  if (system.connectionType === 'cellular') {
    // The next 6-hourly upload after the interval ends, a few minutes for processing.
    const sinceSlot =
      (((endAt - system.uploadOffsetSec) % UPLOAD_PERIOD_SEC) + UPLOAD_PERIOD_SEC) % UPLOAD_PERIOD_SEC;
    const wait = sinceSlot === 0 ? 0 : UPLOAD_PERIOD_SEC - sinceSlot;
    return wait + 60 + math.floor(unit(seed, SALT.delay, system.id, device, endAt, 1) * 300);
  }
  const u = unit(seed, SALT.delay, system.id, device, endAt);
  if (u < 0.92) return 60 + math.floor((u / 0.92) * 840); // 1–15 min
  if (u < 0.99) return 900 + math.floor(((u - 0.92) / 0.07) * (3 * 3600 - 900)); // 15 min – 3 h
  return 3 * 3600 + math.floor(((u - 0.99) / 0.01) * (MAX_DELAY_SEC - 3 * 3600)); // 3–12 h
}

/** True when the device's value for the interval ending `endAt` is visible at `nowSec`. */
export function hasReported(
  seed: number,
  system: SystemProfile,
  device: number,
  endAt: number,
  nowSec: number,
): boolean {
  if (endAt > nowSec) return false;
  if (nowSec - endAt >= MAX_DELAY_SEC) return true;
  return endAt + reportDelaySec(seed, system, device, endAt) <= nowSec;
}

/** Epoch seconds of the gateway's last report at `nowSec` (every 5 min; cellular every 6 h). */
export function lastReportAt(system: SystemProfile, nowSec: number): number {
  if (system.connectionType === 'cellular') {
    const since =
      (((nowSec - system.uploadOffsetSec) % UPLOAD_PERIOD_SEC) + UPLOAD_PERIOD_SEC) % UPLOAD_PERIOD_SEC;
    return nowSec - since;
  }
  const offset = system.uploadOffsetSec % 300;
  const since = (((nowSec - offset) % 300) + 300) % 300;
  return nowSec - since;
}
