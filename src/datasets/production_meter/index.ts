// Dataset `production_meter`: 15-minute production from the production meter (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasProductionMeter, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { normalizeProductionMeter } from '../../normalize/telemetry.js';
import { FIFTEEN_MINUTES, WEEK } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { PRODUCTION } from '../measurements.js';

export const productionMeter = defineDataset({
  name: 'production_meter',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: WEEK, granularity: 'week' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/telemetry/production_meter',
      operation: 'getProductionMeterTelemetry',
      normalize: normalizeProductionMeter,
      when: hasProductionMeter,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: { production: PRODUCTION },
});
