// Dataset `battery`: 15-minute battery charge, discharge and state of charge, pooled over the site (week windows).
// Endpoint: GET /api/v4/systems/{system_id}/telemetry/battery (every plan).
import { ALL_PLANS } from './plans.js';
import { hasBattery, siteSeriesExtractor } from './site-telemetry.js';

export const batteryExtractor = siteSeriesExtractor({
  dataset: 'battery',
  path: '/api/v4/systems/{system_id}/telemetry/battery',
  operation: 'getBatteryTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasBattery,
});
