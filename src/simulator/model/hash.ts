// Seeded, stateless hashing: every "random" choice of the simulator is a pure function of the seed
// and of what it is about (system, device, interval), so any value can be recomputed on its own,
// in any order, and two runs with the same seed give the same bytes. No math.random anywhere.

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

/** 32-bit integer mix (a murmur3-style finalizer). */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit unsigned hash of the seed and the given integer parts (each folded in as 2 × 32 bits). */
export function hash32(seed: number, ...parts: number[]): number {
  let h = mix32((seed | 0) ^ 0x9e3779b9);
  for (const part of parts) {
    const lo = part | 0;
    const hi = math.floor(part / 0x1_0000_0000) | 0;
    h = mix32(h ^ math.imul(lo, 0xcc9e2d51));
    h = mix32((h + hi + 0x6b43a9b5) | 0);
  }
  return h;
}

/** A number in [0, 1) from the seed and the parts. */
export function unit(seed: number, ...parts: number[]): number {
  return hash32(seed, ...parts) / 0x1_0000_0000;
}

/** An integer in [min, max] (inclusive) from the seed and the parts. */
export function intBetween(min: number, max: number, seed: number, ...parts: number[]): number {
  return min + math.floor(unit(seed, ...parts) * (max - min + 1));
}

/** A stable small integer for a string (to hash names such as a dataset or a salt). */
export function stringCode(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Salts that keep the hash streams of different concerns apart. */
export const SALT = {
  profile: stringCode('profile'),
  weatherDay: stringCode('weather-day'),
  weatherHour: stringCode('weather-hour'),
  weatherTick: stringCode('weather-tick'),
  micro: stringCode('micro'),
  load: stringCode('load'),
  meter: stringCode('meter'),
  delay: stringCode('delay'),
  token: stringCode('token'),
  fault: stringCode('fault'),
  event: stringCode('event'),
} as const;
