// Weather and household load: seeded noise shaped like the real thing. A day is clear, hazy or
// overcast; hours and 5-minute ticks vary a little around it. The household has a base load with
// a morning and a larger evening peak, in local time, plus the odd appliance spike.
import { SALT, unit } from './hash.js';
import { localSecondOfDay } from './local-time.js';

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

// One-entry memos: the physics walks intervals in order, so consecutive calls share the day and
// the hour (the values are pure, the memo only saves hashing).
const memo = { seed: NaN, system: NaN, day: NaN, dayValue: 0, hour: NaN, hourValue: 0 };

/** Fraction of clear-sky output (0.15–1) at epoch seconds t for the system. */
export function weatherFactor(seed: number, systemId: number, tSec: number): number {
  if (memo.seed !== seed || memo.system !== systemId) {
    memo.seed = seed;
    memo.system = systemId;
    memo.day = NaN;
    memo.hour = NaN;
  }
  const dayIndex = math.floor(tSec / 86_400);
  if (dayIndex !== memo.day) {
    const r = unit(seed, SALT.weatherDay, systemId, dayIndex);
    memo.dayValue =
      r < 0.12
        ? 0.15 + (r / 0.12) * 0.2
        : r < 0.35
          ? 0.4 + ((r - 0.12) / 0.23) * 0.35
          : 0.8 + ((r - 0.35) / 0.65) * 0.2;
    memo.day = dayIndex;
  }
  const hourIndex = math.floor(tSec / 3600);
  if (hourIndex !== memo.hour) {
    memo.hourValue = unit(seed, SALT.weatherHour, systemId, hourIndex);
    memo.hour = hourIndex;
  }
  const day = memo.dayValue;
  const memoHour = memo.hourValue;
  const tick = unit(seed, SALT.weatherTick, systemId, math.floor(tSec / 300));
  // Broken clouds swing more on middling days than on clear or fully overcast ones.
  const swing = 0.1 + 0.5 * day * (1 - day);
  return day * (1 - swing * memoHour) * (0.97 + 0.03 * tick);
}

/** Average household power (W) at epoch seconds t, local time of `zone`. */
export function householdLoadW(
  seed: number,
  systemId: number,
  baseLoadW: number,
  zone: string,
  tSec: number,
): number {
  const hour = localSecondOfDay(tSec, zone) / 3600;
  const dayLevel = 0.85 + 0.3 * unit(seed, SALT.load, systemId, math.floor(tSec / 86_400));
  const morning = 1.2 * math.exp(-(((hour - 7.5) / 1.0) ** 2));
  const evening = 2.2 * math.exp(-(((hour - 19.5) / 1.8) ** 2));
  const spike = unit(seed, SALT.load, systemId, math.floor(tSec / 900), 1) ** 4 * 3;
  return baseLoadW * (dayLevel + morning + evening + spike);
}
