// Dataset `grid_import`: 15-minute energy imported from the grid (day windows; the consumption meter measures it).
// Endpoint: GET /api/v4/systems/{system_id}/energy_import_telemetry (every plan).
import { ALL_PLANS } from './plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from './site-telemetry.js';

export const gridImportExtractor = siteSeriesExtractor({
  dataset: 'grid_import',
  path: '/api/v4/systems/{system_id}/energy_import_telemetry',
  operation: 'getEnergyImportTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasConsumptionMeter,
});
