// The simulator's public entry: start it, talk to it over HTTP, read its request log and its
// fleet (the truth tests compare against), stop it.
import { buildServer } from './server.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import type { FaultOptions } from './faults.js';
import type { MisbehaviourOptions, SystemMisbehaviour } from './misbehaviour/knobs.js';
import type { RequestLog } from './request-log.js';
import type { Fleet } from './model/fleet.js';

export type { SimulatorOptions } from './options.js';
export { DEFAULT_API_KEYS } from './options.js';
export type { FaultOptions } from './faults.js';
export { parseFaultSpec } from './faults.js';
export type { InjectedBy, RepeatedRequest, RequestLog, RequestLogEntry, RouteTally } from './request-log.js';
export type { MisbehaviourOptions, SystemMisbehaviour } from './misbehaviour/knobs.js';
export {
  DEFAULT_FOREIGN_IDENTITY_ROUTES,
  DEVICE_TELEMETRY_ROUTES,
  DEVICES_ROUTE,
  MICRO_TELEMETRY_ROUTE,
  parseMisbehaviour,
} from './misbehaviour/knobs.js';
export { HOSTILE_NAME, HOSTILE_STRINGS } from './misbehaviour/hostile.js';
export { IMPLAUSIBLE, variantOf } from './misbehaviour/implausible.js';
export { foreignSerial, foreignSystemId } from './misbehaviour/identity.js';
export { Fleet, FIRST_SYSTEM_ID } from './model/fleet.js';
export type { SystemProfile } from './model/profile.js';

export interface RunningSimulator {
  url: string;
  port: number;
  requestLog: RequestLog;
  /** The model, for tests that compare against the truth. */
  fleet: Fleet;
  setFaults(faults: FaultOptions): void;
  /** Replaces every system's knobs (docs/simulator.md "Per-system misbehaviour"); throws on a bad knob. */
  setMisbehaviour(options: MisbehaviourOptions): void;
  /** Sets (undefined: clears) one system's knobs; throws on a bad knob. */
  setSystemMisbehaviour(systemId: number, knobs: SystemMisbehaviour | undefined): void;
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
    setMisbehaviour: (next) => server.setMisbehaviour(next),
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
