// Dataset `rgm`: the revenue-grade meter's 15-minute site production and meter channels (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasProductionMeter, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { COUNT, energy, power } from '../../normalize/measurement.js';
import { normalizeRgmStats } from '../../normalize/rgm.js';
import { FIFTEEN_MINUTES, WEEK } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { DEVICES, ENERGY } from '../measurements.js';

export const rgm = defineDataset({
  name: 'rgm',
  plans: ALL_PLANS,
  window: { kind: 'range', grid: FIFTEEN_MINUTES, span: WEEK },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/rgm_stats',
      operation: 'getRgmStats',
      normalize: normalizeRgmStats,
      when: hasProductionMeter,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: {
    rgm: {
      tags: ['system_id'],
      fields: { ...ENERGY, ...DEVICES },
      bounds: { energy_wh: energy('pv', FIFTEEN_MINUTES), devices_reporting: COUNT },
    },
    rgm_meter: {
      tags: ['system_id', 'meter_serial', 'envoy_serial', 'channel'],
      fields: { ...ENERGY, power_w: 'int' },
      // A revenue-grade meter reads a few watts below zero at night.
      bounds: { energy_wh: energy('pv', FIFTEEN_MINUTES), power_w: power('pv', true) },
    },
  },
});
