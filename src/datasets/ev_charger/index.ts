// Dataset `ev_charger`: each IQ EV Charger's 15-minute energy, daily energy, sessions and snapshot
// (README.md).
import { evChargerExtractor } from '../../extractors/ev-charger.js';
import { ALL_PLANS } from '../../extractors/plans.js';
import type { SystemInfo } from '../../extractors/types.js';
import {
  normalizeEvChargerLifetime,
  normalizeEvChargers,
  normalizeEvChargerSessions,
  normalizeEvChargerTelemetry,
} from '../../normalize/ev-charger.js';
import { COUNT, energy, LOCAL_DAY, TIME } from '../../normalize/measurement.js';
import { DAY, FIFTEEN_MINUTES } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { ENERGY } from '../measurements.js';

const chargers = (system: SystemInfo): readonly string[] => system.devices.evChargers;

export const evCharger = defineDataset({
  name: 'ev_charger',
  plans: ALL_PLANS,
  // The EV charger's 15-minute telemetry documents only `day` (and `week` without a maximum).
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: DAY, granularity: 'day' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/ev_charger/{serial_no}/telemetry',
      operation: 'fetchEnergyConsumptionData',
      normalize: normalizeEvChargerTelemetry,
      serials: chargers,
    },
    {
      path: '/api/v4/systems/{system_id}/ev_charger/devices',
      operation: 'fetchChargersSummary',
      normalize: normalizeEvChargers,
      when: (system) => chargers(system).length > 0,
    },
    {
      path: '/api/v4/systems/{system_id}/ev_charger/{serial_no}/sessions',
      operation: 'fetchChargerSessionHistory',
      normalize: normalizeEvChargerSessions,
      serials: chargers,
    },
    {
      path: '/api/v4/systems/{system_id}/ev_charger/{serial_no}/lifetime',
      operation: 'fetchDailyEnergyConsumptionData',
      normalize: normalizeEvChargerLifetime,
      serials: chargers,
    },
  ],
  extractor: evChargerExtractor,
  measurements: {
    ev_charger: {
      tags: ['system_id', 'serial'],
      fields: {
        name: 'string',
        model: 'string',
        sku: 'string',
        part_number: 'string',
        firmware: 'string',
        status: 'string',
        active: 'bool',
        last_report_at: 'int',
      },
      bounds: { last_report_at: TIME },
    },
    ev_charger_energy: {
      tags: ['system_id', 'serial'],
      fields: { ...ENERGY },
      bounds: { energy_wh: energy('site', FIFTEEN_MINUTES) },
    },
    ev_charger_daily: {
      tags: ['system_id', 'serial'],
      fields: { ...ENERGY },
      bounds: { energy_wh: energy('site', LOCAL_DAY) },
    },
    ev_charger_session: {
      tags: ['system_id', 'serial'],
      fields: {
        end_time: 'int',
        duration_s: 'int',
        charge_time_s: 'int',
        energy_added_wh: 'int',
        miles_added: 'float',
        cost: 'float',
      },
      // cost is left unbounded: a tariff can pay the driver.
      bounds: {
        end_time: TIME,
        duration_s: COUNT,
        charge_time_s: COUNT,
        energy_added_wh: COUNT,
        miles_added: COUNT,
      },
    },
    ev_charger_event: {
      tags: ['system_id', 'serial'],
      fields: { status: 'string', cleared_time: 'int', details: 'string' },
      bounds: { cleared_time: TIME },
    },
  },
});
