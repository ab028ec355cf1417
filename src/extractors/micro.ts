// Dataset `micro`: 5-minute power and energy of each microinverter (day windows), one request
// per micro and window. Endpoint: GET /api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry
// (not on the Watt plan).
import { deviceSeriesExtractor } from './device-series.js';
import { DEVICE_PLANS } from './plans.js';

export const microExtractor = deviceSeriesExtractor({
  dataset: 'micro',
  plans: DEVICE_PLANS,
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry',
      operation: 'getMicroTelemetry',
      serials: (system) => system.devices.micros,
    },
  ],
});
