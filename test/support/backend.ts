// What a handle needs from whatever runs its server: a local process, a container, or nothing
// (a server from the environment, which the tests must not stop).
import { SERVICE_URL_VARIABLES, type ServiceKind } from './env.js';

export interface Backend {
  /** Stops the server abruptly (SIGKILL / container kill); data survives for start(). */
  kill(): Promise<void>;
  /** Starts a killed server again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server for good and removes what it left behind. Safe to call twice. */
  stop(): Promise<void>;
}

/** A server from the environment: never ours to stop, so outage tests cannot use it. */
export function externalBackend(kind: ServiceKind): Backend {
  const refuse = async (): Promise<never> => {
    throw new Error(
      `kill()/start() need a server the test harness started itself, but ${SERVICE_URL_VARIABLES[kind]} ` +
        `points at an external one; unset it to let the harness start a local server`,
    );
  };
  return { kill: refuse, start: refuse, stop: async () => {} };
}
