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

/** TEST_NO_CONTAINERS=1 skips the container path even where a container runtime answers. */
export const NO_CONTAINERS_VARIABLE = 'TEST_NO_CONTAINERS';

export function containersDisabled(): boolean {
  const value = process.env[NO_CONTAINERS_VARIABLE]?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
