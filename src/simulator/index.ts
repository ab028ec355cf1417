// The simulator's public entry: start it, talk to it over HTTP, read its request log and its
// fleet (the truth tests compare against), stop it.
import { buildServer } from './server.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import type { FaultOptions } from './faults.js';
import type { RequestLog } from './request-log.js';
import type { Fleet } from './model/fleet.js';
import type { SystemRefusals } from './system-refusals.js';

export type { SimulatorOptions } from './options.js';
export { DEFAULT_API_KEYS } from './options.js';
export type { FaultOptions } from './faults.js';
export { parseFaultSpec } from './faults.js';
export type { RequestLog, RequestLogEntry } from './request-log.js';
export { Fleet, FIRST_SYSTEM_ID } from './model/fleet.js';
export type { SystemProfile } from './model/profile.js';

export interface RunningSimulator {
  url: string;
  port: number;
  requestLog: RequestLog;
  /** The model, for tests that compare against the truth. */
  fleet: Fleet;
  setFaults(faults: FaultOptions): void;
  /** Sets (undefined: clears) one system's refusals: route templates it answers 401 or 501. */
  setSystemMisbehaviour(systemId: number, knobs: SystemRefusals | undefined): void;
  /** A token pair as if the user had authorised. */
  issueTokenPair(): { access_token: string; refresh_token: string; expires_in: number };
  /** A code for `auth exchange --code`. */
  issueAuthorizationCode(): string;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const resolved = resolveOptions(options);
  const server = buildServer(resolved);
  await server.app.listen({ port: resolved.port, host: resolved.host });
  const address = server.app.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : resolved.port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closed = false;
  return {
    url: `http://${host}:${port}`,
    port,
    requestLog: server.requestLog,
    fleet: server.fleet,
    setFaults: (faults) => server.setFaults(faults),
    setSystemMisbehaviour: (systemId, knobs) => server.setSystemMisbehaviour(systemId, knobs),
    issueTokenPair: () => server.tokens.issuePair(),
    issueAuthorizationCode: () => server.tokens.issueCode(),
    async close() {
      if (closed) return;
      closed = true;
      server.releaseHung();
      await server.app.close();
    },
  };
}
