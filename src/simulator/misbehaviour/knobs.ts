// Per-system misbehaviour: what one system of the fleet does wrong, so a test can show that one
// bad system, endpoint or answer never costs the others (issue 9). A system without knobs answers
// exactly as before: every knob is read only for the system it names.
//
// Knobs are keyed by system id. They are set at start (`SimulatorOptions.misbehaviour`, the CLI's
// `--misbehaviour <file.json>`) and changed at run time (`sim.setMisbehaviour()`,
// `POST /__sim/misbehaviour`). Every value is deterministic and documented in docs/simulator.md.

/** The device telemetry routes whose body names a device (`serial_number`) as well as the system. */
export const DEVICE_TELEMETRY_ROUTES: readonly string[] = [
  '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry',
  '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry',
  '/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry',
];

export const MICRO_TELEMETRY_ROUTE = DEVICE_TELEMETRY_ROUTES[0]!;
export const DEVICES_ROUTE = '/api/v4/systems/{system_id}/devices';

/** `foreignIdentity: true` means these routes. */
export const DEFAULT_FOREIGN_IDENTITY_ROUTES: readonly string[] = [
  '/api/v4/systems/{system_id}/summary',
  ...DEVICE_TELEMETRY_ROUTES,
];

export interface SystemMisbehaviour {
  /**
   * The time zone the systems list, search and system detail send instead of the real one
   * (e.g. 'qui', not an IANA name); null leaves the `timezone` field out of those bodies (the
   * one "missing" form the detail's schema allows: it is not nullable there). The model keeps
   * computing with the real zone.
   */
  timezone?: string | null;
  /**
   * Route templates answered 401 `{message: 'Not Authorized', details: 'Not authorized to access
   * requested resource', code: 401}` with a valid token too, as a plan restriction is: a
   * refreshed token does not help. E.g. the micro telemetry route (MICRO_TELEMETRY_ROUTE).
   */
  unauthorized?: string[];
  /** Route templates answered 501 with the spec's body `{reason: '501', message: ['Not Implemented']}`. */
  notImplemented?: string[];
  /** Route templates answered 200 with a body no JSON parser accepts (e.g. DEVICES_ROUTE). */
  malformed?: string[];
  /** Spec-valid but implausible values (implausible.ts; the table in docs/simulator.md). */
  implausible?: boolean;
  /**
   * Bodies whose `system_id` (and on device telemetry `serial_number`) contradict the URL
   * (identity.ts). true: DEFAULT_FOREIGN_IDENTITY_ROUTES; or a list of route templates.
   */
  foreignIdentity?: boolean | string[];
  /** Names made of HOSTILE_STRINGS (hostile.ts; the table in docs/simulator.md). */
  hostileNames?: boolean;
}

/** System id → its knobs. JSON object keys are strings, so both spellings are accepted. */
export type MisbehaviourOptions = Record<number | string, SystemMisbehaviour>;

const ROUTE_LISTS = ['unauthorized', 'notImplemented', 'malformed'] as const;
const FLAGS = ['implausible', 'hostileNames'] as const;
const KNOWN_KEYS = new Set<string>(['timezone', 'foreignIdentity', ...ROUTE_LISTS, ...FLAGS]);

function routeList(value: unknown, where: string, knownRoutes: ReadonlySet<string> | undefined): string[] {
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'string'))
    throw new Error(`${where}: a list of route templates expected`);
  for (const route of value as string[]) {
    if (knownRoutes && !knownRoutes.has(route))
      throw new Error(`${where}: unknown route template "${route}" (e.g. ${MICRO_TELEMETRY_ROUTE})`);
  }
  return [...(value as string[])];
}

/**
 * Checks knobs read from JSON (CLI file, admin route) and returns them keyed by numeric id.
 * With `knownRoutes`, route templates must be among them. Throws an Error naming the bad part.
 */
export function parseMisbehaviour(
  value: unknown,
  knownRoutes?: ReadonlySet<string>,
): Map<number, SystemMisbehaviour> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('misbehaviour: an object of system id → knobs expected');
  const out = new Map<number, SystemMisbehaviour>();
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!/^\d+$/.test(key)) throw new Error(`misbehaviour: "${key}" is not a system id`);
    const where = `misbehaviour ${key}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new Error(`${where}: an object of knobs expected`);
    const knobs = raw as Record<string, unknown>;
    const unknown = Object.keys(knobs).filter((k) => !KNOWN_KEYS.has(k));
    if (unknown.length > 0)
      throw new Error(`${where}: unknown knob "${unknown[0]}" (known: ${[...KNOWN_KEYS].join(', ')})`);
    const parsed: SystemMisbehaviour = {};
    if ('timezone' in knobs) {
      if (knobs.timezone !== null && typeof knobs.timezone !== 'string')
        throw new Error(`${where}.timezone: a string or null expected`);
      parsed.timezone = knobs.timezone;
    }
    for (const name of ROUTE_LISTS) {
      if (knobs[name] !== undefined) parsed[name] = routeList(knobs[name], `${where}.${name}`, knownRoutes);
    }
    for (const name of FLAGS) {
      if (knobs[name] === undefined) continue;
      if (typeof knobs[name] !== 'boolean') throw new Error(`${where}.${name}: true or false expected`);
      parsed[name] = knobs[name];
    }
    const foreign = knobs.foreignIdentity;
    if (foreign !== undefined)
      parsed.foreignIdentity =
        typeof foreign === 'boolean' ? foreign : routeList(foreign, `${where}.foreignIdentity`, knownRoutes);
    out.set(Number(key), parsed);
  }
  return out;
}

/** The routes whose bodies get a foreign identity, or none. */
export function foreignIdentityRoutes(knobs: SystemMisbehaviour): readonly string[] {
  const f = knobs.foreignIdentity;
  return f === true ? DEFAULT_FOREIGN_IDENTITY_ROUTES : Array.isArray(f) ? f : [];
}

/** How the gateway answers a request of this system's, before the route runs. */
export type Refusal = { status: 401 } | { status: 501 } | undefined;

export function refusalFor(knobs: SystemMisbehaviour | undefined, route: string): Refusal {
  if (!knobs) return undefined;
  if (knobs.unauthorized?.includes(route)) return { status: 401 };
  if (knobs.notImplemented?.includes(route)) return { status: 501 };
  return undefined;
}

export function answersMalformed(knobs: SystemMisbehaviour | undefined, route: string): boolean {
  return knobs?.malformed?.includes(route) ?? false;
}
