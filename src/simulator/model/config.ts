// A system's configuration as the config GETs report it: battery settings, Storm Guard, grid state
// and dry-contact loads. A pure function of (seed, system), and of the day where a value changes
// over time (a storm alert). These settings belong to an IQ Battery (Encharge) system.
import type { operations } from '../../enphase/api-types.js';
import { hasOpenEvent } from './events.js';
import { stringCode, unit } from './hash.js';
import type { SystemProfile } from './profile.js';

type LoadControlBody = operations['getSystemLoadControl']['responses'][200]['content']['application/json'];
type LoadControlEntry = NonNullable<LoadControlBody['load_control_data']>[number];

const CONFIG_SALT = stringCode('config');
const DAY = 86_400;

export function hasEncharge(system: SystemProfile): boolean {
  return system.batteries.some((b) => b.type === 'encharge');
}

export interface BatterySettings {
  mode: 'Savings Mode' | 'Full Backup' | 'Self-consumption';
  reserveSoc: number;
  energyIndependence: boolean;
  chargeFromGrid: boolean;
  shutdownLevel: number;
}

/** The battery settings the owner chose: fixed per system. */
export function batterySettings(seed: number, system: SystemProfile): BatterySettings {
  const u = (k: number): number => unit(seed, CONFIG_SALT, system.id, k);
  const m = u(1);
  const mode = m < 0.6 ? 'Self-consumption' : m < 0.85 ? 'Savings Mode' : 'Full Backup';
  const reserveSoc = mode === 'Full Backup' ? 100 : 10 + 5 * Math.floor(u(2) * 7); // 10–40 %
  return {
    mode,
    reserveSoc,
    energyIndependence: mode === 'Self-consumption' || u(3) < 0.3,
    chargeFromGrid: u(4) < 0.2,
    shutdownLevel: 5 + Math.floor(u(5) * 11), // 5–15 %
  };
}

export function stormGuardEnabled(seed: number, system: SystemProfile): boolean {
  return unit(seed, CONFIG_SALT, system.id, 10) < 0.55;
}

/** A storm alert is active on about one day in twenty (UTC days), for systems with Storm Guard. */
export function stormAlertActive(seed: number, system: SystemProfile, nowSec: number): boolean {
  return (
    stormGuardEnabled(seed, system) && unit(seed, CONFIG_SALT, system.id, 11, Math.floor(nowSec / DAY)) < 0.05
  );
}

/** Off grid while a "grid outage" event (type 102, see events.ts) is open at `nowSec`. */
export function gridState(seed: number, system: SystemProfile, nowSec: number): 'On Grid' | 'Off Grid' {
  return hasOpenEvent(seed, system, 'grid_outage', nowSec) ? 'Off Grid' : 'On Grid';
}

const LOAD_NAMES = ['Downstairs A/C', 'Upstairs A/C', 'Pool pump', 'Water heater', 'EV circuit'];
const LOAD_MODES: NonNullable<LoadControlEntry['mode']>[] = ['Basic', 'Scheduled', 'Advanced_BatteryPowered'];

/** Dry-contact loads (NC1, NC2) wired to the system controller: zero to two per battery system. */
export function loadControl(seed: number, system: SystemProfile): LoadControlEntry[] {
  if (!hasEncharge(system)) return [];
  const u = (k: number, n = 0): number => unit(seed, CONFIG_SALT, system.id, 20 + k, n);
  const count = Math.floor(u(0) * 3);
  return Array.from({ length: count }, (_, n) => {
    const socLow = 10 + 5 * Math.floor(u(2, n) * 6);
    return {
      name: `NC${n + 1}`,
      load_name: LOAD_NAMES[Math.floor(u(1, n) * LOAD_NAMES.length)] ?? 'Load',
      owner_can_override: u(3, n) < 0.8,
      mode: LOAD_MODES[Math.floor(u(4, n) * LOAD_MODES.length)] ?? 'Basic',
      soc_low: socLow,
      soc_high: socLow + 20,
      status: u(5, n) < 0.85 ? 'enabled' : 'disabled',
      essential_start_time: 3600 * (6 + Math.floor(u(6, n) * 4)), // seconds after local midnight
      essential_end_time: 3600 * (16 + Math.floor(u(7, n) * 6)),
    };
  });
}
