// Dataset `production_micro`: 5-minute site production from the microinverters (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasMicros, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { normalizeProductionMicro } from '../../normalize/telemetry.js';
import { DAY, FIVE_MINUTES } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { PRODUCTION } from '../measurements.js';

export const productionMicro = defineDataset({
  name: 'production_micro',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIVE_MINUTES, span: DAY, granularity: 'day' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/telemetry/production_micro',
      operation: 'getProductionMicroTelemetry',
      normalize: normalizeProductionMicro,
      when: hasMicros,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: { production: PRODUCTION },
});
