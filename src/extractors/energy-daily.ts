// Dataset `energy_daily`: one value per local calendar day from the five `*_lifetime` endpoints,
// all over the same days (start_date..end_date, never today): energy_lifetime with
// production=all (kinds production, production_micro, production_meter), consumption_lifetime,
// battery_lifetime, energy_import_lifetime and energy_export_lifetime. The ones a system cannot
// answer (no consumption meter, no battery) are skipped. Every plan. One window for any range,
// so 1 to 5 requests per extract.
import type { NormalizedOperation } from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, extractWindows, normalize, queryOf, windowsFor, type ApiPath } from './core.js';
import { ALL_PLANS } from './plans.js';
import { hasBattery, hasConsumptionMeter } from './site-telemetry.js';
import type { Extractor, SystemInfo } from './types.js';

interface DailyEndpoint {
  path: ApiPath;
  operation: NormalizedOperation;
  extraQuery?: Record<string, string>;
  when?(system: SystemInfo): boolean;
}

const ENDPOINTS: readonly DailyEndpoint[] = [
  {
    path: '/api/v4/systems/{system_id}/energy_lifetime',
    operation: 'getEnergyLifetime',
    extraQuery: { production: 'all' },
  },
  {
    path: '/api/v4/systems/{system_id}/consumption_lifetime',
    operation: 'getConsumptionLifetime',
    when: hasConsumptionMeter,
  },
  { path: '/api/v4/systems/{system_id}/battery_lifetime', operation: 'getBatteryLifetime', when: hasBattery },
  {
    path: '/api/v4/systems/{system_id}/energy_import_lifetime',
    operation: 'getEnergyImportLifetime',
    when: hasConsumptionMeter,
  },
  {
    path: '/api/v4/systems/{system_id}/energy_export_lifetime',
    operation: 'getEnergyExportLifetime',
    when: hasConsumptionMeter,
  },
];

function dailyEndpoints(system: SystemInfo): DailyEndpoint[] {
  return ENDPOINTS.filter((e) => e.when === undefined || e.when(system));
}

export const energyDailyExtractor: Extractor = {
  dataset: 'energy_daily',
  plans: ALL_PLANS,
  appliesTo: () => true,
  requestCount(system, from, to, now) {
    return dailyEndpoints(system).length * windowsFor('energy_daily', system, from, to, now).length;
  },
  async *extract(deps, system, from, to) {
    yield* extractWindows(deps, 'energy_daily', system, from, to, async (window, get, now) => {
      const points: DataPoint[] = [];
      for (const endpoint of dailyEndpoints(system)) {
        const body = await get(
          endpoint.path,
          { pathParams: { system_id: system.id }, query: { ...queryOf(window), ...endpoint.extraQuery } },
          callContext(system, 'energy_daily', window),
        );
        append(
          points,
          normalize(endpoint.operation, body, {
            systemId: system.id,
            timeZone: system.timeZone,
            now,
            window: { from: window.from, to: window.to },
          }),
        );
      }
      return points;
    });
  },
};
