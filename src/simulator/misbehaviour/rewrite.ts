// Applies a system's body knobs (time zone, implausible values, foreign identity, hostile names)
// to a 200 body before it is serialised. A body of a system without knobs is returned as it is
// (the same object), so well-behaved systems answer exactly what the routes built.
import type { Fleet } from '../model/fleet.js';
import { applyForeignIdentity } from './identity.js';
import { applyHostileNames, hostileSystem } from './hostile.js';
import { applyImplausible } from './implausible.js';
import { isObject, type JsonObject } from './json.js';
import { foreignIdentityRoutes, type SystemMisbehaviour } from './knobs.js';
import type { MisbehaviourStore } from './store.js';

const LIST_ROUTES = new Set(['/api/v4/systems', '/api/v4/systems/search']);
const DETAIL_ROUTE = '/api/v4/systems/{system_id}';

function applyTimezone(entry: JsonObject, knobs: SystemMisbehaviour): void {
  if (knobs.timezone === undefined) return;
  if (knobs.timezone === null) delete entry.timezone;
  else entry.timezone = knobs.timezone;
}

function systemEntry(entry: JsonObject, knobs: SystemMisbehaviour): void {
  applyTimezone(entry, knobs);
  if (knobs.hostileNames) hostileSystem(entry);
}

/** The body to send for a 200 answer of `route` (for `systemId`, when the route names one). */
export function misbehaveBody(
  route: string,
  body: unknown,
  systemId: number | undefined,
  store: MisbehaviourStore,
  fleet: Fleet,
): unknown {
  if (store.isEmpty() || !isObject(body)) return body;
  if (LIST_ROUTES.has(route)) {
    const systems = body.systems;
    if (!Array.isArray(systems)) return body;
    const touched = systems.some((s) => isObject(s) && store.of(Number(s.system_id)) !== undefined);
    if (!touched) return body;
    const copy = structuredClone(body);
    for (const entry of copy.systems as unknown[]) {
      const knobs = isObject(entry) ? store.of(Number(entry.system_id)) : undefined;
      if (knobs && isObject(entry)) systemEntry(entry, knobs);
    }
    return copy;
  }
  const knobs = store.of(systemId);
  const system = systemId === undefined ? undefined : fleet.system(systemId);
  if (!knobs || !system) return body;
  const copy = structuredClone(body);
  if (route === DETAIL_ROUTE) applyTimezone(copy, knobs);
  if (knobs.implausible) applyImplausible(route, copy);
  if (knobs.hostileNames) applyHostileNames(route, copy);
  if (foreignIdentityRoutes(knobs).includes(route)) applyForeignIdentity(route, copy, fleet, system);
  return copy;
}
