// Dataset `system`: a snapshot of the system's description and its summary (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { snapshotExtractor } from '../../extractors/snapshot.js';
import { COUNT, energy, LOCAL_DAY, power, TIME } from '../../normalize/measurement.js';
import { normalizeSystem, normalizeSystemSummary } from '../../normalize/system.js';
import { defineDataset, QUARTER_HOUR_MS } from '../descriptor.js';

export const system = defineDataset({
  name: 'system',
  plans: ALL_PLANS,
  window: { kind: 'snapshot' },
  fastestWorthMs: QUARTER_HOUR_MS,
  endpoints: [
    { path: '/api/v4/systems/{system_id}', operation: 'getSystemById', normalize: normalizeSystem },
    {
      path: '/api/v4/systems/{system_id}/summary',
      operation: 'getSystemSummary',
      normalize: normalizeSystemSummary,
    },
  ],
  extractor: snapshotExtractor,
  measurements: {
    system: {
      tags: ['system_id'],
      fields: {
        // systems list / system detail
        name: 'string',
        public_name: 'string',
        status: 'string',
        timezone: 'string',
        connection_type: 'string',
        attachment_type: 'string',
        interconnect_date: 'string',
        reference: 'string',
        city: 'string',
        state: 'string',
        country: 'string',
        postal_code: 'string',
        last_report_at: 'int',
        last_energy_at: 'int',
        operational_at: 'int',
        // system summary
        current_power_w: 'int',
        energy_lifetime_wh: 'int',
        energy_today_wh: 'int',
        size_w: 'int',
        modules: 'int',
        source: 'string',
        summary_date: 'string',
        last_interval_end_at: 'int',
        battery_charge_w: 'int',
        battery_discharge_w: 'int',
        battery_capacity_wh: 'int',
      },
      bounds: {
        last_report_at: TIME,
        last_energy_at: TIME,
        operational_at: TIME,
        last_interval_end_at: TIME,
        current_power_w: power('pv'),
        energy_lifetime_wh: COUNT,
        energy_today_wh: energy('pv', LOCAL_DAY),
        size_w: power('site'),
        modules: COUNT,
        battery_charge_w: power('site'),
        battery_discharge_w: power('site'),
        battery_capacity_wh: COUNT,
      },
    },
  },
});
