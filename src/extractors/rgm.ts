// Dataset `rgm`: Revenue-grade meter: 15-minute site production and per-meter channels (start_at..end_at, at most 7 days).
// Endpoint: GET /api/v4/systems/{system_id}/rgm_stats (every plan).
import { ALL_PLANS } from './plans.js';
import { hasProductionMeter, siteSeriesExtractor } from './site-telemetry.js';

export const rgmExtractor = siteSeriesExtractor({
  dataset: 'rgm',
  path: '/api/v4/systems/{system_id}/rgm_stats',
  operation: 'getRgmStats',
  plans: ALL_PLANS,
  appliesTo: hasProductionMeter,
});
