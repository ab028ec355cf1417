// The test harness's public face: real Redis, InfluxDB 1.x and VictoriaMetrics for tests, each
// found in the order of DESIGN §5 (URL from the environment → container → local binary → an
// error that says how to get one). See test/support/README.md.
export { startRedis, type RedisHandle, type RedisOptions } from './redis.js';
export { startInfluxV1, type InfluxSeries, type InfluxV1Handle } from './influx-v1.js';
export { startVictoriaMetrics, type VictoriaMetricsHandle, type VmSample } from './victoria-metrics.js';
export { SERVICE_URL_VARIABLES } from './env.js';
