// The site battery, simulated one "battery day" at a time: from 05:00 local to 05:00 the next
// day. It starts each battery day at its reserve, charges from solar surplus until 17:00, covers
// the household's deficit, and from 17:00 on discharges at least evenly enough to be back at the
// reserve by 05:00 (the surplus goes to the grid, as in a savings mode). Starting every battery
// day at the reserve keeps each day a pure function of its own inputs, with no discontinuity.

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

export interface BatteryDay {
  /** Epoch seconds of the first interval's start (05:00 local). */
  start: number;
  /** Pooled energy per 15-min step (Wh). */
  charge: Int32Array;
  discharge: Int32Array;
  /** State of charge (%) at the end of each step. */
  socPct: Int8Array;
}

export interface PooledBattery {
  capacityWh: number;
  maxPowerW: number;
}

const RESERVE = 0.1;

/**
 * @param steps number of 15-min steps (92, 96 or 100 on DST days)
 * @param productionWh solar energy of step k (Wh)
 * @param loadWh household consumption of step k (Wh)
 * @param eveningFrom first step index at or after 17:00 local
 */
export function simulateBatteryDay(
  start: number,
  steps: number,
  battery: PooledBattery,
  productionWh: (k: number) => number,
  loadWh: (k: number) => number,
  eveningFrom: number,
): BatteryDay {
  const charge = new Int32Array(steps);
  const discharge = new Int32Array(steps);
  const socPct = new Int8Array(steps);
  const reserve = math.round(battery.capacityWh * RESERVE);
  const maxStep = math.floor(battery.maxPowerW / 4);
  let stored = reserve;
  for (let k = 0; k < steps; k += 1) {
    const surplus = productionWh(k) - loadWh(k);
    let c = 0;
    let d = 0;
    if (k < eveningFrom) {
      if (surplus > 0) c = math.min(surplus, maxStep, battery.capacityWh - stored);
      else d = math.min(-surplus, maxStep, stored - reserve);
    } else {
      const remaining = steps - k;
      const even = math.ceil((stored - reserve) / remaining);
      d =
        k === steps - 1
          ? stored - reserve
          : math.min(stored - reserve, math.max(math.min(-surplus, maxStep), even));
    }
    c = math.max(0, math.round(c));
    d = math.max(0, math.round(d));
    stored += c - d;
    charge[k] = c;
    discharge[k] = d;
    socPct[k] = math.round((stored / battery.capacityWh) * 100);
  }
  return { start, charge, discharge, socPct };
}
