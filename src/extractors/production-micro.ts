// Dataset `production_micro`: 5-minute site production from the microinverters (day windows, 288 intervals).
// Endpoint: GET /api/v4/systems/{system_id}/telemetry/production_micro (every plan).
import { ALL_PLANS } from './plans.js';
import { hasMicros, siteSeriesExtractor } from './site-telemetry.js';

export const productionMicroExtractor = siteSeriesExtractor({
  dataset: 'production_micro',
  path: '/api/v4/systems/{system_id}/telemetry/production_micro',
  operation: 'getProductionMicroTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasMicros,
});
