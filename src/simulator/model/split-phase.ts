// US homes have a split-phase service: their meters measure each of the two legs on a channel of
// its own, and the API reports one value per leg. Elsewhere a single phase, one value.
import type { SystemProfile } from './profile.js';

/** How many legs the system's meters report. */
export function meterLegs(system: SystemProfile): 1 | 2 {
  return system.place.country === 'US' ? 2 : 1;
}

/** An interval's energy split over the legs (the first takes the odd Wh), summing to `wh`. */
export function splitOverLegs(wh: number, legs: 1 | 2): number[] {
  if (legs === 1) return [wh];
  const first = Math.ceil(wh / 2);
  return [first, wh - first];
}
