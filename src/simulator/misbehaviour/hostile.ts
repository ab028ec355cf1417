// Hostile names: every character class that breaks naive line protocol, CSV or log handling, in
// the free-text strings a system sends (a user or installer typed them). Spec-valid: the fields
// are plain `type: string`. Labels with a meaning (status, modes, sources) keep their values.
import type { JsonObject } from './json.js';
import { isObject } from './json.js';

/**
 * Every hostile class in one string: comma, space, `=`, double and single quotes, newline, tab,
 * non-ASCII letters, an emoji (outside the BMP), right-to-left text, control characters U+0001
 * and U+007F, a combining accent, and a trailing backslash.
 */
export const HOSTILE_NAME = 'Smith, "Casa" = \'Sol\'\n\tCafé 🏠⚡ שלום \u0001\u007f e\u0301\\';

/** HOSTILE_NAME, then one string per class (load control relays are named with these). */
export const HOSTILE_STRINGS: readonly string[] = [
  HOSTILE_NAME,
  'comma,name',
  'two words',
  'key=value',
  'say "hi"',
  "it's",
  'line\nbreak',
  'tab\tstop',
  'ends in backslash\\',
  'control\u0001\u007f',
  'emoji 🏠⚡👩‍👩‍👧',
  'combining e\u0301',
  'שלום עולם',
];

/** A systems list/search entry or a system detail. */
export function hostileSystem(entry: JsonObject): void {
  for (const key of ['name', 'public_name', 'reference'] as const) {
    if (key in entry) entry[key] = HOSTILE_NAME;
  }
  if (Array.isArray(entry.other_references)) entry.other_references = [HOSTILE_NAME];
  const address = entry.address;
  if (isObject(address)) {
    for (const key of ['city', 'state', 'postal_code', 'country'] as const) {
      if (key in address) address[key] = HOSTILE_NAME;
    }
  }
}

/** Appends HOSTILE_NAME to each `name` of a `devices: {group: [...]}` map (groups filtered). */
function hostileDeviceNames(body: JsonObject, groups?: readonly string[]): void {
  const devices = body.devices;
  if (!isObject(devices)) return;
  for (const [group, list] of Object.entries(devices)) {
    if (groups && !groups.includes(group)) continue;
    if (!Array.isArray(list)) continue;
    for (const device of list) {
      if (isObject(device) && typeof device.name === 'string') device.name = `${device.name} ${HOSTILE_NAME}`;
    }
  }
}

/**
 * Rewrites a 200 body of one system's route with hostile names (routes without free text stay as
 * they are); the systems list and search are handled entry by entry by the caller (hostileSystem).
 */
export function applyHostileNames(route: string, body: JsonObject): void {
  switch (route) {
    case '/api/v4/systems/{system_id}':
      hostileSystem(body);
      return;
    case '/api/v4/systems/{system_id}/devices':
      hostileDeviceNames(body);
      return;
    case '/api/v4/systems/{system_id}/latest_telemetry':
      // a meter's name is the `kind` tag of `latest`
      hostileDeviceNames(body, ['meters']);
      return;
    case '/api/v4/systems/config/{system_id}/load_control': {
      const list = body.load_control_data;
      if (!Array.isArray(list) || list.length === 0) return; // no Encharge: nothing to name
      const template = list[0] as JsonObject;
      body.load_control_data = HOSTILE_STRINGS.map((name) => ({
        ...template,
        name,
        load_name: HOSTILE_NAME,
      }));
      return;
    }
    case '/api/v4/systems/{system_id}/ev_charger/devices': {
      const devices = body.devices;
      if (isObject(devices) && Array.isArray(devices.ev_chargers))
        for (const charger of devices.ev_chargers) if (isObject(charger)) charger.name = HOSTILE_NAME;
      return;
    }
    case '/api/v4/systems/{system_id}/ev_charger/events': {
      const events = body.events;
      if (Array.isArray(events))
        for (const event of events) if (isObject(event) && 'details' in event) event.details = HOSTILE_NAME;
    }
  }
}
