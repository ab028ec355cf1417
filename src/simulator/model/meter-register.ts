// The production meter's cumulative register, as production_meter_readings reports it.
import { dailyTotal } from './daily.js';
import { addDays, localDate, localDays, localMidnight } from './local-time.js';
import { MAX_DELAY_SEC } from './reporting.js';
import type { SystemModel } from './system-model.js';

/** The last interval end at or before `end` the production meter has reported by `nowSec` (within 12 h). */
export function lastMeterReadAt(model: SystemModel, end: number, nowSec: number): number | undefined {
  const meter = model.system.productionMeter;
  if (!meter) return undefined;
  for (let t = end - (end % 900); t > end - MAX_DELAY_SEC - 900 && t > meter.startAt; t -= 900) {
    if (model.productionMeter(t, nowSec)) return t;
  }
  return undefined;
}

/** Register value (Wh) of the production meter at the end of the interval ending readAt (the truth). */
export function meterRegisterWh(model: SystemModel, readAt: number): number {
  const meter = model.system.productionMeter!;
  const zone = model.system.place.timezone;
  const settledForever = Number.MAX_SAFE_INTEGER;
  let total = 0;
  // Whole local days from installation to the day of readAt (each cached once settled), then the rest.
  const lastDay = localDate(readAt - 1, zone);
  for (const day of localDays(localDate(meter.startAt, zone), addDays(lastDay, -1), zone))
    total += dailyTotal(model, 'production_meter', day.start, day.end, settledForever);
  const lastDayStart = localMidnight(lastDay, zone);
  for (let t = Math.max(lastDayStart, meter.startAt - (meter.startAt % 900)) + 900; t <= readAt; t += 900) {
    if (t > meter.startAt) total += model.productionMeterWh(t);
  }
  return total;
}
