// Dataset `battery_device`: 15-minute charge, discharge and state of charge of each battery
// (week windows), one request per battery and window: IQ Batteries (encharges) and AC Batteries
// (acbs) have one endpoint each. Not on the Watt plan.
import { deviceSeriesExtractor } from './device-series.js';
import { DEVICE_PLANS } from './plans.js';

export const batteryDeviceExtractor = deviceSeriesExtractor({
  dataset: 'battery_device',
  plans: DEVICE_PLANS,
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry',
      operation: 'getEnchargeTelemetry',
      serials: (system) => system.devices.encharges,
    },
    {
      path: '/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry',
      operation: 'getAcbTelemetry',
      serials: (system) => system.devices.acbs,
    },
  ],
});
