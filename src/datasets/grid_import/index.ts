// Dataset `grid_import`: 15-minute energy imported from the grid (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { normalizeEnergyImportTelemetry } from '../../normalize/grid.js';
import { DAY, FIFTEEN_MINUTES } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { GRID } from '../measurements.js';

export const gridImport = defineDataset({
  name: 'grid_import',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: DAY, granularity: 'day' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/energy_import_telemetry',
      operation: 'getEnergyImportTelemetry',
      normalize: normalizeEnergyImportTelemetry,
      when: hasConsumptionMeter,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: { grid: GRID },
});
