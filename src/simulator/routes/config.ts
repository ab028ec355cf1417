// The configuration GETs: battery settings, Storm Guard, grid status and load control
// (GET /api/v4/systems/config/{system_id}/...). The PUTs are out of scope for an ETL.
//
// Values are a pure function of (seed, system), and of the day where they change over time (a
// storm alert). These settings belong to an IQ Battery (Encharge) system: a system without one
// answers 422 "System doesn't have encharges", as the spec's examples show; load control, which
// documents no 422, answers an empty list there.
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { stringCode, unit } from '../model/hash.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';
import { eventsBetween } from './events.js';

type BatterySettingsBody =
  operations['getSystemBatterySettings']['responses'][200]['content']['application/json'];
type StormGuardBody = operations['getSystemStormGuard']['responses'][200]['content']['application/json'];
type GridStatusBody = operations['getSystemGridStatus']['responses'][200]['content']['application/json'];
type LoadControlBody = operations['getSystemLoadControl']['responses'][200]['content']['application/json'];
type LoadControlEntry = NonNullable<LoadControlBody['load_control_data']>[number];

const CONFIG_SALT = stringCode('config');
const DAY = 86_400;
const NO_ENCHARGE = "System doesn't have encharges";

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
  // events last at most ~4 days: looking 5 days back finds every one still open
  const recent = eventsBetween(seed, system, nowSec - 5 * DAY, nowSec, nowSec);
  const out = recent.some((e) => e.type.key === 'grid_outage' && e.end !== null && e.end > nowSec);
  return out ? 'Off Grid' : 'On Grid';
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

export function registerConfigRoutes(app: FastifyInstance, ctx: SimContext): void {
  const seed = (): number => ctx.fleet.seed;

  app.get('/api/v4/systems/config/:system_id/battery_settings', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    if (!hasEncharge(system)) return ctx.reply422(reply, NO_ENCHARGE);
    const s = batterySettings(seed(), system);
    const body: BatterySettingsBody = {
      system_id: system.id,
      battery_mode: s.mode,
      reserve_soc: s.reserveSoc,
      energy_independence: s.energyIndependence ? 'enabled' : 'disabled',
      charge_from_grid: s.chargeFromGrid ? 'enabled' : 'disabled',
      battery_shutdown_level: s.shutdownLevel,
    };
    return body;
  });

  app.get('/api/v4/systems/config/:system_id/storm_guard', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    if (!hasEncharge(system)) return ctx.reply422(reply, NO_ENCHARGE);
    const body: StormGuardBody = {
      system_id: system.id,
      storm_guard_status: stormGuardEnabled(seed(), system) ? 'enabled' : 'disabled',
      storm_alert: String(stormAlertActive(seed(), system, ctx.nowSec())), // a string in the spec
    };
    return body;
  });

  app.get('/api/v4/systems/config/:system_id/grid_status', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    if (!hasEncharge(system)) return ctx.reply422(reply, NO_ENCHARGE);
    const now = ctx.nowSec();
    if (now < system.operationalAt) {
      return ctx.reply422(reply, 'grid_state not available as the site has not reported yet');
    }
    const body: GridStatusBody = {
      system_id: system.id,
      grid_state: gridState(seed(), system, now),
      last_report_date: lastReportAt(system, now),
    };
    return body;
  });

  app.get('/api/v4/systems/config/:system_id/load_control', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const body: LoadControlBody = { system_id: system.id, load_control_data: loadControl(seed(), system) };
    return body;
  });
}
