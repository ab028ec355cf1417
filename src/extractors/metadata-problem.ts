// Is a system's metadata usable? (pure; DESIGN §3 "Fault isolation"). Every window, daily
// series and budget cost of a system is computed in its own time zone, and its datasets are
// chosen from its device list, so a system whose time zone or device list cannot be used is
// quarantined by discovery instead of failing every job (and the planner) later.
//
// Usable means:
// - a time zone that is a non-empty IANA name luxon knows ('Australia/Sydney', 'UTC');
// - a device list answer that has its `devices` object. An empty object is usable (a system
//   with no active devices yet: only the system-level datasets apply to it); a device list with
//   no `devices` at all says nothing about the system, and guessing "no devices" would silently
//   skip every device dataset.
import type { SystemListItem } from '../enphase/api-shapes.js';
import { assertTimeZone } from '../normalize/time.js';
import type { SystemDetailBody, SystemDevicesBody } from './system-info.js';
import type { SystemInfo } from './types.js';

function timeZoneProblem(zone: unknown): string | undefined {
  if (zone === undefined || zone === null || zone === '') return 'the API gives no time zone';
  if (typeof zone !== 'string') return `the time zone ${JSON.stringify(zone)} is not a name`;
  try {
    assertTimeZone(zone);
    return undefined;
  } catch {
    return `the time zone '${zone}' is not an IANA name`;
  }
}

/**
 * Why the API's answers for a system cannot be used, or undefined when they can: the list entry
 * (or detail) alone, or with the device list when one was fetched.
 */
export function apiMetadataProblem(
  item: SystemListItem | SystemDetailBody,
  devices?: SystemDevicesBody,
): string | undefined {
  const zone = timeZoneProblem(item.timezone);
  if (zone) return zone;
  if (devices === undefined) return undefined;
  const lists: unknown = devices.devices;
  if (lists === null || typeof lists !== 'object' || Array.isArray(lists))
    return 'the device list answer has no devices object';
  return undefined;
}

/** The same decision for a stored SystemInfo (an entry written before quarantine existed). */
export function systemInfoProblem(info: SystemInfo): string | undefined {
  const zone = timeZoneProblem(info.timeZone);
  if (zone) return zone;
  const devices: unknown = info.devices;
  if (devices === null || typeof devices !== 'object') return 'no device list is stored';
  return undefined;
}
