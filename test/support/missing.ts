// The error a test gets when a service cannot be found anywhere: it says how to get one.
import { SERVICE_URL_VARIABLES, type ServiceKind } from './env.js';

const APT_COMMAND = 'apt-get install -y redis-server influxdb victoria-metrics';

export function missingServiceError(kind: ServiceKind, description: string, binary: string): Error {
  const variable = SERVICE_URL_VARIABLES[kind];
  return new Error(
    `${description} is not available for tests: ${variable} is not set, no container runtime answered, ` +
      `and there is no \`${binary}\` on PATH. Install the local servers with \`${APT_COMMAND}\` (as root; ` +
      `.ci/run does it), or set ${variable} to the URL of a running server.`,
  );
}
