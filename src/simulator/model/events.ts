// Events and alarms, a pure function of (seed, system, UTC day): each day has two slots, each
// holding an event with a small probability (about four a month). Stateful events last from 15
// minutes to a few days, so the most recent ones are still Open at `now`; transient ones are Info.
// A stateful event that stays open longer than its type's alarm threshold raises one alarm
// (one-to-one, the simplest case the spec allows), cleared when the event closes.
import { SALT, hash32, unit } from './hash.js';
import type { SystemProfile } from './profile.js';

const DAY = 86_400;
const SLOTS_PER_DAY = 2;
const SLOT_PROBABILITY = 0.07; // 2 slots × 30 days × 0.07 ≈ 4 events a month
/** Events last at most 900 × 384 s (about four days): looking this far back finds every open one. */
const OPEN_EVENT_LOOKBACK_SEC = 5 * DAY;

type Device = 'envoy' | 'micro' | 'battery' | 'acb' | 'ev' | 'meter';

export interface EventType {
  id: number;
  key: string;
  stateful: boolean;
  name: string;
  description: string;
  action: string;
  device: Device;
  /** Open longer than this (s) raises an alarm; null: this type never raises one. */
  alarmAfterSec: number | null;
  severity: number;
}

/** The event types the simulator knows (the first two are the spec's own examples). */
export const EVENT_TYPES: readonly EventType[] = [
  {
    id: 28,
    key: 'envoy_no_report',
    stateful: true,
    name: 'Gateway not reporting',
    description:
      'The broadband Internet connection that the Enphase gateway uses to communicate to the Enphase servers is experiencing a problem.',
    action:
      "Check that your gateway and Internet router are plugged in and that the site's Internet service is not experiencing an outage.",
    device: 'envoy',
    alarmAfterSec: 6 * 3600,
    severity: 2,
  },
  {
    id: 4781,
    key: 'acb_sleeping',
    stateful: false,
    name: 'AC Battery Sleeping',
    description:
      'AC Battery has entered the target state of charge band. Cleared when the battery exits the state of charge target, or sleep mode is removed.',
    action: 'No action is required.',
    device: 'acb',
    alarmAfterSec: null,
    severity: 4,
  },
  {
    id: 101,
    key: 'pcu_no_report',
    stateful: true,
    name: 'Microinverter not reporting',
    description: 'A microinverter has not reported to the gateway for a while.',
    action: 'Check the breaker of the PV branch circuit; if it persists, contact your installer.',
    device: 'micro',
    alarmAfterSec: 24 * 3600,
    severity: 3,
  },
  {
    id: 102,
    key: 'grid_outage',
    stateful: true,
    name: 'Grid outage',
    description: 'The gateway measured no grid voltage: the utility grid is down.',
    action: 'No action is required; production resumes when the grid returns.',
    device: 'envoy',
    alarmAfterSec: 3600,
    severity: 2,
  },
  {
    id: 103,
    key: 'encharge_low_soc',
    stateful: true,
    name: 'Battery low state of charge',
    description: 'The battery state of charge is below the configured threshold.',
    action: 'No action is required; the battery recharges from PV surplus.',
    device: 'battery',
    alarmAfterSec: 12 * 3600,
    severity: 3,
  },
  {
    id: 104,
    key: 'meter_no_report',
    stateful: true,
    name: 'Meter not reporting',
    description: 'A revenue-grade or consumption meter has stopped reporting to the gateway.',
    action: 'Check the current transformers and their wiring to the gateway.',
    device: 'meter',
    alarmAfterSec: 24 * 3600,
    severity: 3,
  },
  {
    id: 105,
    key: 'envoy_firmware_upgrade',
    stateful: false,
    name: 'Gateway firmware upgraded',
    description: 'The gateway received a new software version.',
    action: 'No action is required.',
    device: 'envoy',
    alarmAfterSec: null,
    severity: 4,
  },
  {
    id: 106,
    key: 'evse_fault',
    stateful: true,
    name: 'EV charger fault',
    description: 'The EV charger stopped charging because of a fault.',
    action: 'Unplug the vehicle and plug it in again; if it persists, contact your installer.',
    device: 'ev',
    alarmAfterSec: 2 * 3600,
    severity: 2,
  },
];

export interface SimEvent {
  type: EventType;
  serial: string;
  start: number; // epoch s
  /** Epoch s the event ends (stateful), whether or not that is in the past yet; null: transient. */
  end: number | null;
  /** Day and slot: identity of the event, also of its alarm. */
  day: number;
  slot: number;
}

/** The event types that can happen on this system (a system without battery has no SoC events). */
export function eventTypesFor(system: SystemProfile): EventType[] {
  return EVENT_TYPES.filter((t) => deviceSerials(system, t.device).length > 0);
}

function deviceSerials(system: SystemProfile, device: Device): string[] {
  switch (device) {
    case 'envoy':
      return [system.envoySerial];
    case 'micro':
      return system.micros.map((m) => m.serial);
    case 'battery':
      return system.batteries.filter((b) => b.type === 'encharge').map((b) => b.serial);
    case 'acb':
      return system.batteries.filter((b) => b.type === 'acb').map((b) => b.serial);
    case 'ev':
      return system.evChargerSerials;
    case 'meter':
      return [system.productionMeter, system.consumptionMeter].flatMap((m) => (m ? [m.serial] : []));
  }
}

/** The event in one (day, slot), if any: a pure function of the seed, system, day and slot. */
export function eventInSlot(
  seed: number,
  system: SystemProfile,
  day: number,
  slot: number,
): SimEvent | undefined {
  const u = (k: number): number => unit(seed, SALT.event, system.id, day, slot, k);
  if (u(0) >= SLOT_PROBABILITY) return undefined;
  const types = eventTypesFor(system);
  const type = types[Math.floor(u(1) * types.length)];
  if (!type) return undefined;
  const serials = deviceSerials(system, type.device);
  const serial = serials[Math.floor(u(2) * serials.length)] ?? system.envoySerial;
  const start = day * DAY + Math.floor(u(3) * DAY);
  if (start < system.operationalAt) return undefined;
  // 15 min … ~4 days, log-uniform: most events are short, a few last days
  const end = type.stateful ? start + Math.round(900 * Math.pow(384, u(4))) : null;
  return { type, serial, start, end, day, slot };
}

/** Events that started in [from, to] and not after `now` (epoch seconds), oldest first. */
export function eventsBetween(
  seed: number,
  system: SystemProfile,
  from: number,
  to: number,
  now: number,
): SimEvent[] {
  const last = Math.min(to, now);
  const out: SimEvent[] = [];
  for (let day = Math.floor(from / DAY); day <= Math.floor(last / DAY); day += 1) {
    for (let slot = 0; slot < SLOTS_PER_DAY; slot += 1) {
      const e = eventInSlot(seed, system, day, slot);
      if (e && e.start >= from && e.start <= last) out.push(e);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export function eventStatus(e: SimEvent, now: number): 'Info' | 'Open' | 'Closed' {
  if (e.end === null) return 'Info';
  return e.end <= now ? 'Closed' : 'Open';
}

/** Whether the event has raised an alarm by `now`. */
export function raisesAlarm(e: SimEvent, now: number): boolean {
  const after = e.type.alarmAfterSec;
  return e.end !== null && after !== null && e.end - e.start > after && now >= e.start + after;
}

export function alarmId(seed: number, system: SystemProfile, e: SimEvent): string {
  return String(1_000_000_000 + (hash32(seed, SALT.event, system.id, e.day, e.slot, 99) % 1_000_000_000));
}

/** Whether an event of type `key` is open at `nowSec` (a gateway offline, a grid outage). */
export function hasOpenEvent(seed: number, system: SystemProfile, key: string, nowSec: number): boolean {
  return eventsBetween(seed, system, nowSec - OPEN_EVENT_LOOKBACK_SEC, nowSec, nowSec).some(
    (e) => e.type.key === key && e.end !== null && e.end > nowSec,
  );
}
