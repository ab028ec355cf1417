// Dataset `grid_export`: 15-minute energy exported to the grid (day windows; the consumption meter measures it).
// Endpoint: GET /api/v4/systems/{system_id}/energy_export_telemetry (every plan).
import { ALL_PLANS } from './plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from './site-telemetry.js';

export const gridExportExtractor = siteSeriesExtractor({
  dataset: 'grid_export',
  path: '/api/v4/systems/{system_id}/energy_export_telemetry',
  operation: 'getEnergyExportTelemetry',
  plans: ALL_PLANS,
  appliesTo: hasConsumptionMeter,
});
