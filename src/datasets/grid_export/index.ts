// Dataset `grid_export`: 15-minute energy exported to the grid (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasConsumptionMeter, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { normalizeEnergyExportTelemetry } from '../../normalize/grid.js';
import { DAY, FIFTEEN_MINUTES } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { GRID } from '../measurements.js';

export const gridExport = defineDataset({
  name: 'grid_export',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: DAY, granularity: 'day' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/energy_export_telemetry',
      operation: 'getEnergyExportTelemetry',
      normalize: normalizeEnergyExportTelemetry,
      when: hasConsumptionMeter,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: { grid: GRID },
});
