// The environment that points the service (a CLI child process, or parseConfig) at a simulator,
// a Redis and, where given, an InfluxDB 1.x: the partner plan with a per-minute rate no test
// reaches, and a fresh token pair from the simulator so no OAuth round-trip is needed.
import type { RunningSimulator } from '../../src/simulator/index.js';

export function simulatorEnv(
  sim: RunningSimulator,
  redis: { url: string },
  influx?: { url: string; database: string },
): Record<string, string> {
  const pair = sim.issueTokenPair();
  return {
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_PLAN: 'partner',
    ENPHASE_RATE_PER_MINUTE: '1000000',
    ENPHASE_ACCESS_TOKEN: pair.access_token,
    ENPHASE_REFRESH_TOKEN: pair.refresh_token,
    REDIS_URL: redis.url,
    ...(influx ? { INFLUX_URL: influx.url, INFLUX_API: 'v1', INFLUX_DATABASE: influx.database } : {}),
  };
}
