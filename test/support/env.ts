// The environment variables that point tests at services someone else runs.
// (src/config.ts is the only reader of process.env for the service itself; this is the test side.)

export const SERVICE_URL_VARIABLES = {
  redis: 'TEST_REDIS_URL',
  influxV1: 'TEST_INFLUX_V1_URL',
  victoriaMetrics: 'TEST_VICTORIA_METRICS_URL',
} as const;

export type ServiceKind = keyof typeof SERVICE_URL_VARIABLES;

/** The URL set for a service, without a trailing slash; undefined when unset or blank. */
export function serviceUrlFromEnv(kind: ServiceKind): string | undefined {
  const value = process.env[SERVICE_URL_VARIABLES[kind]]?.trim();
  if (value === undefined || value === '') return undefined;
  return value.replace(/\/+$/, '');
}
