// The configuration GETs: battery settings, Storm Guard, grid status and load control
// (GET /api/v4/systems/config/{system_id}/...). The PUTs are out of scope for an ETL.
//
// The values come from model/config.ts. These settings belong to an IQ Battery (Encharge) system:
// a system without one answers 422 "System doesn't have encharges", as the spec's examples show;
// load control, which documents no 422, answers an empty list there.
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import {
  batterySettings,
  gridState,
  hasEncharge,
  loadControl,
  stormAlertActive,
  stormGuardEnabled,
} from '../model/config.js';
import { lastReportAt } from '../model/reporting.js';

type BatterySettingsBody =
  operations['getSystemBatterySettings']['responses'][200]['content']['application/json'];
type StormGuardBody = operations['getSystemStormGuard']['responses'][200]['content']['application/json'];
type GridStatusBody = operations['getSystemGridStatus']['responses'][200]['content']['application/json'];
type LoadControlBody = operations['getSystemLoadControl']['responses'][200]['content']['application/json'];

const NO_ENCHARGE = "System doesn't have encharges";

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
