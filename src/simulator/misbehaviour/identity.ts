// Foreign identity: a body that names another system (and on device telemetry another device)
// than the URL asked for. The names are real ones of the fleet, so data tagged from the body
// would land under a system or device that exists.
import type { Fleet } from '../model/fleet.js';
import type { SystemProfile } from '../model/profile.js';
import { DEVICE_TELEMETRY_ROUTES } from './knobs.js';
import type { JsonObject } from './json.js';

/** The next system of the fleet (the previous one for the last system). */
export function foreignSystemId(fleet: Fleet, id: number): number {
  return fleet.has(id + 1) ? id + 1 : id - 1;
}

/**
 * The next device of the same kind in the system (wrapping round); a system with a single such
 * device gets its serial with `-X` appended.
 */
export function foreignSerial(system: SystemProfile, route: string, serial: string): string {
  const serials =
    route === DEVICE_TELEMETRY_ROUTES[0]
      ? system.micros.map((m) => m.serial)
      : system.batteries.filter((b) => route.includes(`/${b.type}s/`)).map((b) => b.serial);
  const i = serials.indexOf(serial);
  return i < 0 || serials.length < 2 ? `${serial}-X` : serials[(i + 1) % serials.length]!;
}

export function applyForeignIdentity(
  route: string,
  body: JsonObject,
  fleet: Fleet,
  system: SystemProfile,
): void {
  if (typeof body.system_id === 'number') body.system_id = foreignSystemId(fleet, system.id);
  if (DEVICE_TELEMETRY_ROUTES.includes(route) && typeof body.serial_number === 'string')
    body.serial_number = foreignSerial(system, route, body.serial_number);
}
