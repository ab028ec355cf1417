// A system's instantaneous powers, for live_data and latest_telemetry: PV from the micros' 5-minute
// truth, household load (plus the EV chargers while they charge) and battery flows from the
// 15-minute truth, grid as the balance of the three. Instantaneous power is the interval's mean
// power, with a little per-second flicker on PV and load.
import { evPowerAt } from './ev-charging.js';
import { hasOpenEvent } from './events.js';
import type { Fleet } from './fleet.js';
import { stringCode, unit } from './hash.js';
import type { SystemProfile } from './profile.js';

const FIVE_MIN = 300;
const QUARTER = 900;
const LIVE_SALT = stringCode('live');

export interface LivePowers {
  pvW: number;
  /** Household load including EV charging; null without a consumption meter (nothing measures it). */
  consumptionW: number | null;
  /** Positive discharging, negative charging (the spec's sign); null without battery. */
  batteryW: number | null;
  socPct: number | null;
  /** Positive import, negative export; null without a consumption meter. */
  gridW: number | null;
}

/** The system's powers at `tSec`. */
export function livePowers(fleet: Fleet, system: SystemProfile, tSec: number): LivePowers {
  const model = fleet.model(system.id);
  const seed = fleet.seed;
  const flicker = (k: number): number => 1 + 0.02 * (unit(seed, LIVE_SALT, system.id, tSec, k) - 0.5);
  const fiveEnd = Math.floor(tSec / FIVE_MIN) * FIVE_MIN + FIVE_MIN;
  const quarterEnd = Math.floor(tSec / QUARTER) * QUARTER + QUARTER;
  const pvW = Math.round(model.microSumWh(fiveEnd) * 12 * flicker(1));
  const evW = system.evChargerSerials.reduce((sum, serial) => sum + evPowerAt(seed, system, serial, tSec), 0);
  const loadW = Math.round(model.loadWh(quarterEnd) * 4 * flicker(2)) + evW;
  let batteryW: number | null = null;
  let socPct: number | null = null;
  if (system.batteries.length > 0) {
    const b = model.batteryPooled(quarterEnd);
    batteryW = Math.round((b.dischargeWh - b.chargeWh) * 4);
    socPct = Math.round(b.socPct);
  }
  const measured = system.consumptionMeter !== null;
  return {
    pvW,
    consumptionW: measured ? loadW : null,
    batteryW,
    socPct,
    gridW: measured ? loadW - pvW - (batteryW ?? 0) : null,
  };
}

/** Each battery's share (W, profile order) of the pooled battery power: by capacity. */
export function batteryPowersW(system: SystemProfile, pooledW: number): number[] {
  const capacity = system.batteries.reduce((sum, b) => sum + b.capacityWh, 0);
  return system.batteries.map((b) => Math.round((pooledW * b.capacityWh) / capacity));
}

/**
 * Why a system cannot stream live data now, or undefined when it can: `unsupported` without an
 * active production meter (with a battery, also without a consumption meter), as the spec says;
 * `gateway offline` while a "gateway not reporting" event is open.
 */
export function liveUnavailable(
  fleet: Fleet,
  system: SystemProfile,
  nowSec: number,
): 'unsupported' | 'gateway offline' | undefined {
  if (!system.productionMeter || nowSec < system.productionMeter.startAt) return 'unsupported';
  if (system.batteries.length > 0 && !system.consumptionMeter) return 'unsupported';
  return hasOpenEvent(fleet.seed, system, 'envoy_no_report', nowSec) ? 'gateway offline' : undefined;
}
