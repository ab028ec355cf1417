// Dataset `consumption`: 15-minute consumption from the consumption meter (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { COUNT, energy } from '../../normalize/measurement.js';
import { normalizeConsumptionMeter } from '../../normalize/telemetry.js';
import { FIFTEEN_MINUTES, WEEK } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { DEVICES, ENERGY } from '../measurements.js';

export const consumption = defineDataset({
  name: 'consumption',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: WEEK, granularity: 'week' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/telemetry/consumption_meter',
      operation: 'getConsumptionMeterTelemetry',
      normalize: normalizeConsumptionMeter,
      when: hasConsumptionMeter,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: {
    consumption: {
      tags: ['system_id'],
      fields: { ...ENERGY, ...DEVICES },
      bounds: { energy_wh: energy('site', FIFTEEN_MINUTES), devices_reporting: COUNT },
    },
  },
});
