// One system's physics: the true value of every interval (a pure function of seed, system and
// interval), and the value as seen at a given `now` (only the devices that have reported).
import { simulateBatteryDay, type BatteryDay } from './battery.js';
import { SALT, unit } from './hash.js';
import type { SystemProfile } from './profile.js';
import { DEVICE, MAX_DELAY_SEC, hasReported } from './reporting.js';
import { clearSkyFactor } from './sun.js';
import { householdLoadW, weatherFactor } from './weather.js';
import { offsetSec } from './local-time.js';

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

export const FIVE_MIN = 300;
export const QUARTER = 900;

export interface ProductionMicroValue {
  enwh: number;
  powr: number;
  devicesReporting: number;
}

export interface MeterValue {
  enwh: number;
  devicesReporting: number;
}

export interface BatteryValue {
  chargeWh: number;
  dischargeWh: number;
  socPct: number;
  /** Batteries whose value is included. */
  devicesReporting: number;
  /** Per battery (profile order); null where the battery has not reported yet. */
  devices: ({ chargeWh: number; dischargeWh: number; socPct: number } | null)[];
}

export interface GridValue {
  importWh: number;
  exportWh: number;
  devicesReporting: number;
}

const BATTERY_ANCHOR_SEC = 5 * 3600; // battery days run 05:00 → 05:00 local
const EVENING_SEC = 17 * 3600;

export class SystemModel {
  /** Wh per 5 minutes of each micro at full clear-sky output. */
  private readonly microWh5: Float64Array;
  private readonly capacityWh: number;
  private readonly batteryDays = new Map<number, BatteryDay>();
  private readonly weightGroups: { weight: number; count: number }[];
  /** Settled daily totals (they never change again), by `kind:dayStart`. */
  readonly settledDays = new Map<string, number>();

  constructor(
    readonly seed: number,
    readonly system: SystemProfile,
  ) {
    this.microWh5 = Float64Array.from(system.micros, (m) => (m.ratedW * m.efficiency) / 12);
    this.capacityWh = system.batteries.reduce((sum, b) => sum + b.capacityWh, 0);
    const counts = new Map<number, number>();
    for (const w of this.microWh5) counts.set(w, (counts.get(w) ?? 0) + 1);
    this.weightGroups = [...counts].map(([weight, count]) => ({ weight, count }));
  }

  // ---- the truth -------------------------------------------------------------------------

  /** Output fraction (clear sky × weather) for the 5-min interval ending endAt; 0 before operation. */
  irradiance(endAt: number): number {
    if (endAt <= this.system.operationalAt) return 0;
    const mid = endAt - FIVE_MIN / 2;
    const sky = clearSkyFactor(this.system.lat, this.system.lon, mid);
    return sky === 0 ? 0 : sky * weatherFactor(this.seed, this.system.id, mid);
  }

  /** Energy (Wh) of micro `i` in the 5-min interval ending endAt. */
  microWh(i: number, endAt: number, irradiance = this.irradiance(endAt)): number {
    return irradiance === 0 ? 0 : math.round((this.microWh5[i] ?? 0) * irradiance);
  }

  /** Energy (Wh) of all micros in the 5-min interval ending endAt. */
  microSumWh(endAt: number): number {
    const irr = this.irradiance(endAt);
    if (irr === 0) return 0;
    // Same as summing every micro's rounded value, one multiplication per distinct weight.
    let sum = 0;
    for (let g = 0; g < this.weightGroups.length; g += 1) {
      const group = this.weightGroups[g]!;
      sum += group.count * math.round(group.weight * irr);
    }
    return sum;
  }

  /** Energy (Wh) of all micros in the 15-min interval ending endAt. */
  production15Wh(endAt: number): number {
    return this.microSumWh(endAt - 2 * FIVE_MIN) + this.microSumWh(endAt - FIVE_MIN) + this.microSumWh(endAt);
  }

  /** The production meter's reading (Wh) for the 15-min interval ending endAt: the micro sum, off by a few %. */
  productionMeterWh(endAt: number): number {
    const micro = this.production15Wh(endAt);
    if (micro === 0) return 0;
    const noise = 1 + 0.02 * (unit(this.seed, SALT.meter, this.system.id, endAt) - 0.5);
    return math.round(micro * this.system.meterFactor * noise);
  }

  /** Household consumption (Wh) in the 15-min interval ending endAt. */
  loadWh(endAt: number): number {
    const s = this.system;
    return math.round(
      householdLoadW(this.seed, s.id, s.baseLoadW, s.place.timezone, endAt - QUARTER / 2) / 4,
    );
  }

  /** The battery day (05:00 → 05:00 local) holding the 15-min interval ending endAt. */
  private batteryDay(endAt: number): BatteryDay {
    const zone = this.system.place.timezone;
    const startOfInterval = endAt - QUARTER;
    const localDay = math.floor(
      (startOfInterval + offsetSec(startOfInterval, zone) - BATTERY_ANCHOR_SEC) / 86_400,
    );
    const cached = this.batteryDays.get(localDay);
    if (cached) return cached;
    const utcOf = (localSec: number): number => {
      const approx = localSec - offsetSec(localSec, zone);
      return localSec - offsetSec(approx, zone);
    };
    const start = utcOf(localDay * 86_400 + BATTERY_ANCHOR_SEC);
    const end = utcOf((localDay + 1) * 86_400 + BATTERY_ANCHOR_SEC);
    const evening = utcOf(localDay * 86_400 + EVENING_SEC);
    const steps = (end - start) / QUARTER;
    const day = simulateBatteryDay(
      start,
      steps,
      {
        capacityWh: this.capacityWh,
        maxPowerW: this.system.batteries.reduce((sum, b) => sum + b.maxPowerW, 0),
      },
      (k) => this.production15Wh(start + (k + 1) * QUARTER),
      (k) => this.loadWh(start + (k + 1) * QUARTER),
      (evening - start) / QUARTER,
    );

    if (this.batteryDays.size >= 16) this.batteryDays.delete(this.batteryDays.keys().next().value!);
    this.batteryDays.set(localDay, day);
    return day;
  }

  /** Pooled battery flows (Wh) and state of charge for the 15-min interval ending endAt. */
  batteryPooled(endAt: number): { chargeWh: number; dischargeWh: number; socPct: number } {
    const day = this.batteryDay(endAt);
    const k = (endAt - QUARTER - day.start) / QUARTER;
    return { chargeWh: day.charge[k]!, dischargeWh: day.discharge[k]!, socPct: day.socPct[k]! };
  }

  /** Battery `b`'s share (by capacity) of the pooled flows. */
  batteryDeviceTruth(b: number, endAt: number): { chargeWh: number; dischargeWh: number; socPct: number } {
    const pooled = this.batteryPooled(endAt);
    const share = (this.system.batteries[b]?.capacityWh ?? 0) / this.capacityWh;
    return {
      chargeWh: math.round(pooled.chargeWh * share),
      dischargeWh: math.round(pooled.dischargeWh * share),
      socPct: pooled.socPct,
    };
  }

  /** Grid flows (Wh) in the 15-min interval ending endAt: the residual of load, solar and battery. */
  gridTruth(endAt: number): { importWh: number; exportWh: number } {
    let net = this.loadWh(endAt) - this.production15Wh(endAt);
    if (this.system.batteries.length > 0) {
      for (let b = 0; b < this.system.batteries.length; b += 1) {
        const v = this.batteryDeviceTruth(b, endAt);
        net += v.chargeWh - v.dischargeWh;
      }
    }
    return { importWh: math.max(0, net), exportWh: math.max(0, -net) };
  }

  // ---- as seen at `nowSec` (late-reporting devices) ---------------------------------------

  private reported(device: number, endAt: number, nowSec: number): boolean {
    return endAt > this.system.operationalAt && hasReported(this.seed, this.system, device, endAt, nowSec);
  }

  /** Site micro production of the 5-min interval ending endAt, or null if no micro has reported. */
  productionMicro(endAt: number, nowSec: number): ProductionMicroValue | null {
    if (endAt > nowSec || endAt <= this.system.operationalAt) return null;
    const all = nowSec - endAt >= MAX_DELAY_SEC;
    if (all) {
      const sum = this.microSumWh(endAt);
      return { enwh: sum, powr: sum * 12, devicesReporting: this.microWh5.length };
    }
    const irr = this.irradiance(endAt);
    let enwh = 0;
    let count = 0;
    for (let i = 0; i < this.microWh5.length; i += 1) {
      if (!hasReported(this.seed, this.system, DEVICE.micro + i, endAt, nowSec)) continue;
      count += 1;
      if (irr !== 0) enwh += math.round(this.microWh5[i]! * irr);
    }
    return count === 0 ? null : { enwh, powr: enwh * 12, devicesReporting: count };
  }

  /** One micro's 5-min interval ending endAt, or null if it has not reported. */
  micro(i: number, endAt: number, nowSec: number): { enwh: number; powr: number } | null {
    if (i < 0 || i >= this.microWh5.length || !this.reported(DEVICE.micro + i, endAt, nowSec)) return null;
    const enwh = this.microWh(i, endAt);
    return { enwh, powr: enwh * 12 };
  }

  /** The production meter's 15-min interval ending endAt (null: no meter, not started, not reported). */
  productionMeter(endAt: number, nowSec: number): MeterValue | null {
    const meter = this.system.productionMeter;
    if (!meter || endAt <= meter.startAt || !this.reported(DEVICE.productionMeter, endAt, nowSec))
      return null;
    return { enwh: this.productionMeterWh(endAt), devicesReporting: 1 };
  }

  /** The consumption meter's 15-min interval ending endAt. */
  consumption(endAt: number, nowSec: number): MeterValue | null {
    if (!this.system.consumptionMeter || !this.reported(DEVICE.consumptionMeter, endAt, nowSec)) return null;
    return { enwh: this.loadWh(endAt), devicesReporting: 1 };
  }

  /** Battery flows of the 15-min interval ending endAt, summed over the batteries that have reported. */
  battery(endAt: number, nowSec: number): BatteryValue | null {
    const batteries = this.system.batteries;
    if (batteries.length === 0) return null;
    const devices: BatteryValue['devices'] = [];
    let chargeWh = 0;
    let dischargeWh = 0;
    let socWeighted = 0;
    let capacity = 0;
    let count = 0;
    for (let b = 0; b < batteries.length; b += 1) {
      if (!this.reported(DEVICE.battery + b, endAt, nowSec)) {
        devices.push(null);
        continue;
      }
      const v = this.batteryDeviceTruth(b, endAt);
      devices.push(v);
      chargeWh += v.chargeWh;
      dischargeWh += v.dischargeWh;
      socWeighted += v.socPct * batteries[b]!.capacityWh;
      capacity += batteries[b]!.capacityWh;
      count += 1;
    }
    if (count === 0) return null;
    return {
      chargeWh,
      dischargeWh,
      socPct: math.round(socWeighted / capacity),
      devicesReporting: count,
      devices,
    };
  }

  /** Grid import/export of the 15-min interval ending endAt, measured by the consumption meter. */
  grid(endAt: number, nowSec: number): GridValue | null {
    if (!this.system.consumptionMeter || !this.reported(DEVICE.consumptionMeter, endAt, nowSec)) return null;
    return { ...this.gridTruth(endAt), devicesReporting: 1 };
  }
}
