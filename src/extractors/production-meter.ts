// Dataset `production_meter`: 15-minute production from the production meter (week windows).
// Endpoint: GET /api/v4/systems/{system_id}/telemetry/production_meter (every plan).
import { ALL_PLANS } from './plans.js';
import { hasProductionMeter, siteSeriesExtractor } from './site-telemetry.js';

export const productionMeterExtractor = siteSeriesExtractor({
  dataset: 'production_meter',
  path: '/api/v4/systems/{system_id}/telemetry/production_meter',
  operation: 'getProductionMeterTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasProductionMeter,
});
