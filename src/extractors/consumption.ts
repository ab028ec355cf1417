// Dataset `consumption`: 15-minute consumption from the consumption meter (week windows).
// Endpoint: GET /api/v4/systems/{system_id}/telemetry/consumption_meter (every plan).
import { ALL_PLANS } from './plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from './site-telemetry.js';

export const consumptionExtractor = siteSeriesExtractor({
  dataset: 'consumption',
  path: '/api/v4/systems/{system_id}/telemetry/consumption_meter',
  operation: 'getConsumptionMeterTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasConsumptionMeter,
});
