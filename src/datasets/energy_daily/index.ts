// Dataset `energy_daily`: one value per local calendar day from the five `*_lifetime` endpoints
// (README.md).
import { dailySeriesExtractor } from '../../extractors/daily-series.js';
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasBattery, hasConsumptionMeter } from '../../extractors/site-telemetry.js';
import {
  normalizeBatteryLifetime,
  normalizeConsumptionLifetime,
  normalizeEnergyExportLifetime,
  normalizeEnergyImportLifetime,
  normalizeEnergyLifetime,
} from '../../normalize/daily.js';
import { energy, LOCAL_DAY } from '../../normalize/measurement.js';
import { DAILY } from '../../extractors/windows.js';
import { defineDataset } from '../descriptor.js';
import { ENERGY } from '../measurements.js';

export const energyDaily = defineDataset({
  name: 'energy_daily',
  plans: ALL_PLANS,
  window: DAILY,
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/energy_lifetime',
      operation: 'getEnergyLifetime',
      normalize: normalizeEnergyLifetime,
      query: { production: 'all' },
    },
    {
      path: '/api/v4/systems/{system_id}/consumption_lifetime',
      operation: 'getConsumptionLifetime',
      normalize: normalizeConsumptionLifetime,
      when: hasConsumptionMeter,
    },
    {
      path: '/api/v4/systems/{system_id}/battery_lifetime',
      operation: 'getBatteryLifetime',
      normalize: normalizeBatteryLifetime,
      when: hasBattery,
    },
    {
      path: '/api/v4/systems/{system_id}/energy_import_lifetime',
      operation: 'getEnergyImportLifetime',
      normalize: normalizeEnergyImportLifetime,
      when: hasConsumptionMeter,
    },
    {
      path: '/api/v4/systems/{system_id}/energy_export_lifetime',
      operation: 'getEnergyExportLifetime',
      normalize: normalizeEnergyExportLifetime,
      when: hasConsumptionMeter,
    },
  ],
  extractor: dailySeriesExtractor,
  measurements: {
    energy_daily: {
      tags: ['system_id', 'kind'],
      fields: { ...ENERGY },
      // kinds mix production, consumption and grid: the site scale bounds them all.
      bounds: { energy_wh: energy('site', LOCAL_DAY) },
    },
  },
});
