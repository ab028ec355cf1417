// Dataset `battery`: 15-minute battery charge, discharge and state of charge of the site (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { hasBattery, siteSeriesExtractor } from '../../extractors/site-telemetry.js';
import { COUNT } from '../../normalize/measurement.js';
import { normalizeBatteryTelemetry } from '../../normalize/telemetry.js';
import { FIFTEEN_MINUTES, WEEK } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { BATTERY_ENERGY, batteryBounds, DEVICES } from '../measurements.js';

export const battery = defineDataset({
  name: 'battery',
  plans: ALL_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: WEEK, granularity: 'week' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/telemetry/battery',
      operation: 'getBatteryTelemetry',
      normalize: normalizeBatteryTelemetry,
      when: hasBattery,
    },
  ],
  extractor: siteSeriesExtractor,
  measurements: {
    battery: {
      tags: ['system_id'],
      fields: { ...BATTERY_ENERGY, ...DEVICES },
      bounds: { ...batteryBounds(), devices_reporting: COUNT },
    },
  },
});
