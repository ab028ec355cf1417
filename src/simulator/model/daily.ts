// Daily series: each local day (midnight to midnight in the system's zone, 23 or 25 hours on DST
// days) is the sum of that day's intervals as seen at `now`, so a day still filling in grows as
// late devices report, and a settled day equals the sum of its intervals exactly.
import { addDays, localDate } from './local-time.js';
import type { SystemProfile } from './profile.js';
import { MAX_DELAY_SEC } from './reporting.js';
import { FIVE_MIN, QUARTER, type SystemModel } from './system-model.js';

export const DAILY_KINDS = [
  'production_micro',
  'production_meter',
  'consumption',
  'battery_charge',
  'battery_discharge',
  'import',
  'export',
] as const;
export type DailyKind = (typeof DAILY_KINDS)[number];

const SETTLED_CACHE_LIMIT = 40_000;

function intervalValue(model: SystemModel, kind: DailyKind, endAt: number, nowSec: number): number {
  switch (kind) {
    case 'production_micro':
      return model.productionMicro(endAt, nowSec)?.enwh ?? 0;
    case 'production_meter':
      return model.productionMeter(endAt, nowSec)?.enwh ?? 0;
    case 'consumption':
      return model.consumption(endAt, nowSec)?.enwh ?? 0;
    case 'battery_charge':
      return model.battery(endAt, nowSec)?.chargeWh ?? 0;
    case 'battery_discharge':
      return model.battery(endAt, nowSec)?.dischargeWh ?? 0;
    case 'import':
      return model.grid(endAt, nowSec)?.importWh ?? 0;
    case 'export':
      return model.grid(endAt, nowSec)?.exportWh ?? 0;
  }
}

/**
 * Energy (Wh) of `kind` over the local day [dayStart, dayEnd) (epoch seconds of two local
 * midnights): the sum of the intervals whose end lies in (dayStart, dayEnd], as seen at nowSec.
 */
export function dailyTotal(
  model: SystemModel,
  kind: DailyKind,
  dayStart: number,
  dayEnd: number,
  nowSec: number,
): number {
  const settled = dayEnd + MAX_DELAY_SEC <= nowSec;
  const key = `${kind}:${dayStart}`;
  if (settled) {
    const cached = model.settledDays.get(key);
    if (cached !== undefined) return cached;
  }
  const step = kind === 'production_micro' ? FIVE_MIN : QUARTER;
  let sum = 0;
  for (let endAt = dayStart + step; endAt <= dayEnd && endAt <= nowSec; endAt += step) {
    sum += intervalValue(model, kind, endAt, nowSec);
  }
  if (settled) {
    if (model.settledDays.size >= SETTLED_CACHE_LIMIT) model.settledDays.clear();
    model.settledDays.set(key, sum);
  }
  return sum;
}

/**
 * The first full local day after the production meter was installed (the spec's
 * meter_start_date): the production series is the micros' until then, the meter's from then on.
 */
export function meterStartDate(system: SystemProfile): string | undefined {
  const meter = system.productionMeter;
  return meter ? addDays(localDate(meter.startAt, system.place.timezone), 1) : undefined;
}
