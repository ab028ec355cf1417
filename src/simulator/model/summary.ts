// The production figures of a system's summary and of the inverters summary, as seen at `now`.
import { dailyTotal, meterStartDate } from './daily.js';
import { addDays, localDate, localMidnight } from './local-time.js';
import type { SystemModel } from './system-model.js';

/** Latest reported 5-min interval at or before now (searching back 12 h), if any. */
export function latestMicroInterval(
  model: SystemModel,
  nowSec: number,
): { endAt: number; powr: number } | undefined {
  for (let t = nowSec - (nowSec % 300); t > nowSec - 12 * 3600; t -= 300) {
    const v = model.productionMicro(t, nowSec);
    if (v) return { endAt: t, powr: v.powr };
  }
  return undefined;
}

/** 3 h 5 min: samples drift through every time of day instead of hitting the same hours. */
const SAMPLE_STEP_SEC = 11_100;
const estimates = new WeakMap<SystemModel, { next: number; total: number }>();

/**
 * Lifetime production estimate for the summary: one 5-minute sample every 3 h 5 min, scaled by
 * the intervals it stands for, summed incrementally per system. Exact sums would cost a full
 * lifetime series per system at each discovery; the summary's figure is informational, the daily
 * series are the exact source.
 */
export function lifetimeEstimateWh(model: SystemModel, nowSec: number): number {
  const first = model.system.operationalAt + 300;
  let state = estimates.get(model);
  if (!state || state.next - SAMPLE_STEP_SEC > nowSec) state = { next: first, total: 0 };
  for (; state.next <= nowSec; state.next += SAMPLE_STEP_SEC)
    state.total += model.microSumWh(state.next - (state.next % 300));
  estimates.set(model, state);
  return Math.round(state.total * (SAMPLE_STEP_SEC / 300));
}

/** Today's (local) production so far, from the meter once it has a full day behind it. */
export function productionToday(
  model: SystemModel,
  nowSec: number,
): { date: string; wh: number; source: 'meter' | 'microinverters' } {
  const zone = model.system.place.timezone;
  const date = localDate(nowSec, zone);
  const meterStart = meterStartDate(model.system);
  const useMeter = meterStart !== undefined && date >= meterStart;
  const wh = dailyTotal(
    model,
    useMeter ? 'production_meter' : 'production_micro',
    localMidnight(date, zone),
    localMidnight(addDays(date, 1), zone),
    nowSec,
  );
  return { date, wh, source: useMeter ? 'meter' : 'microinverters' };
}

/** Energy (Wh) micro `i` has reported for today (local) by `nowSec`. */
export function microEnergyToday(model: SystemModel, i: number, nowSec: number): number {
  const zone = model.system.place.timezone;
  const dayStart = localMidnight(localDate(nowSec, zone), zone);
  let energy = 0;
  for (let t = dayStart + 300; t <= nowSec; t += 300) energy += model.micro(i, t, nowSec)?.enwh ?? 0;
  return energy;
}
