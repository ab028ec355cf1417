// The two sizes of the chaos scenario. `npm test` runs the bounded one (a few minutes at most);
// `npm run test:chaos` sets CHAOS=long for the full scenario (20 kills, InfluxDB down for
// 2 minutes, the ≤ 10 % extra-hits target asserted).
import type { FaultOptions } from '../../src/simulator/index.js';
import type { Variant } from './scenario.js';

/** Random trouble from the simulator, on every /api/v4 request of the chaos run. */
const FAULTS: FaultOptions = {
  errorRate: 0.02,
  burst429: { every: 150, length: 2 },
  timeoutRate: 0.002,
  malformedRate: 0.002,
};

export const BOUNDED: Variant = {
  name: 'bounded',
  seed: 101,
  systems: 3,
  days: 14,
  workers: 2,
  kills: 3,
  influxOutageMs: 15_000,
  serviceRounds: 3,
  syncIntervalMs: 2_000,
  // A 429 burst's wait for `period_end` stays short.
  simRateWindowMs: 10_000,
  faults: FAULTS,
  // An empty Redis forgets every watermark, so a bounded run may fetch up to everything again.
  extraHitsBound: 1,
};

export const LONG: Variant = {
  name: 'long',
  seed: 202,
  systems: 6,
  days: 42,
  workers: 3,
  kills: 20,
  influxOutageMs: 120_000,
  serviceRounds: 5,
  syncIntervalMs: 5_000,
  simRateWindowMs: 60_000,
  faults: FAULTS,
  extraHitsBound: 0.1,
};

/** CHAOS=long picks the long variant; anything else (or nothing) the bounded one. */
export function variantFromEnv(value: string | undefined): Variant {
  return value === 'long' ? LONG : BOUNDED;
}
