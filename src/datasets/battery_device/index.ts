// Dataset `battery_device`: 15-minute charge, discharge and state of charge of each battery
// (README.md).
import { deviceSeriesExtractor } from '../../extractors/device-series.js';
import { DEVICE_PLANS } from '../../extractors/plans.js';
import { normalizeAcbTelemetry, normalizeEnchargeTelemetry } from '../../normalize/telemetry.js';
import { FIFTEEN_MINUTES, WEEK } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { BATTERY_ENERGY, batteryBounds } from '../measurements.js';

export const batteryDevice = defineDataset({
  name: 'battery_device',
  plans: DEVICE_PLANS,
  window: { kind: 'telemetry', grid: FIFTEEN_MINUTES, span: WEEK, granularity: 'week' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry',
      operation: 'getEnchargeTelemetry',
      normalize: normalizeEnchargeTelemetry,
      serials: (system) => system.devices.encharges,
    },
    {
      path: '/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry',
      operation: 'getAcbTelemetry',
      normalize: normalizeAcbTelemetry,
      serials: (system) => system.devices.acbs,
    },
  ],
  extractor: deviceSeriesExtractor,
  measurements: {
    battery_device: {
      tags: ['system_id', 'serial', 'type'],
      fields: { ...BATTERY_ENERGY },
      bounds: batteryBounds(),
    },
  },
});
