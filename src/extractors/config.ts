// Dataset `config`: battery settings, storm guard and grid status (only systems with IQ Batteries:
// the API answers 422 for the others) and load control (every system). Every plan. One snapshot,
// 1 or 4 requests.
import { ALL_PLANS } from './plans.js';
import { snapshotExtractor } from './snapshot.js';
import type { SystemInfo } from './types.js';

const hasEncharge = (system: SystemInfo): boolean => system.devices.encharges.length > 0;

export const configExtractor = snapshotExtractor({
  dataset: 'config',
  plans: ALL_PLANS,
  endpoints: [
    {
      path: '/api/v4/systems/config/{system_id}/battery_settings',
      operation: 'getSystemBatterySettings',
      when: hasEncharge,
    },
    {
      path: '/api/v4/systems/config/{system_id}/storm_guard',
      operation: 'getSystemStormGuard',
      when: hasEncharge,
    },
    {
      path: '/api/v4/systems/config/{system_id}/grid_status',
      operation: 'getSystemGridStatus',
      when: hasEncharge,
    },
    { path: '/api/v4/systems/config/{system_id}/load_control', operation: 'getSystemLoadControl' },
  ],
});
