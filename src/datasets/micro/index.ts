// Dataset `micro`: 5-minute power and energy of each microinverter (README.md).
import { deviceSeriesExtractor } from '../../extractors/device-series.js';
import { DEVICE_PLANS } from '../../extractors/plans.js';
import { energy, power } from '../../normalize/measurement.js';
import { normalizeMicroTelemetry } from '../../normalize/telemetry.js';
import { DAY, FIVE_MINUTES } from '../../normalize/time.js';
import { defineDataset } from '../descriptor.js';
import { ENERGY } from '../measurements.js';

export const micro = defineDataset({
  name: 'micro',
  plans: DEVICE_PLANS,
  window: { kind: 'telemetry', grid: FIVE_MINUTES, span: DAY, granularity: 'day' },
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry',
      operation: 'getMicroTelemetry',
      normalize: normalizeMicroTelemetry,
      serials: (system) => system.devices.micros,
    },
  ],
  extractor: deviceSeriesExtractor,
  measurements: {
    micro: {
      tags: ['system_id', 'serial'],
      fields: { power_w: 'int', ...ENERGY },
      bounds: { power_w: power('micro'), energy_wh: energy('micro', FIVE_MINUTES) },
    },
  },
});
