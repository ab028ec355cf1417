// Dataset `config`: battery settings, storm guard, grid status and load control (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { snapshotExtractor } from '../../extractors/snapshot.js';
import type { SystemInfo } from '../../extractors/types.js';
import {
  normalizeBatterySettings,
  normalizeGridStatus,
  normalizeLoadControl,
  normalizeStormGuard,
} from '../../normalize/config.js';
import { PERCENT, TIME } from '../../normalize/measurement.js';
import { DAY_MS } from '../../duration.js';
import { defineDataset } from '../descriptor.js';

/** The API answers 422 for the battery's settings on a system without IQ Batteries. */
const hasEncharge = (system: SystemInfo): boolean => system.devices.encharges.length > 0;

export const config = defineDataset({
  name: 'config',
  plans: ALL_PLANS,
  window: { kind: 'snapshot' },
  // Settings change rarely.
  fastestWorthMs: DAY_MS,
  endpoints: [
    {
      path: '/api/v4/systems/config/{system_id}/battery_settings',
      operation: 'getSystemBatterySettings',
      normalize: normalizeBatterySettings,
      when: hasEncharge,
    },
    {
      path: '/api/v4/systems/config/{system_id}/storm_guard',
      operation: 'getSystemStormGuard',
      normalize: normalizeStormGuard,
      when: hasEncharge,
    },
    {
      path: '/api/v4/systems/config/{system_id}/grid_status',
      operation: 'getSystemGridStatus',
      normalize: normalizeGridStatus,
      when: hasEncharge,
    },
    {
      path: '/api/v4/systems/config/{system_id}/load_control',
      operation: 'getSystemLoadControl',
      normalize: normalizeLoadControl,
    },
  ],
  extractor: snapshotExtractor,
  measurements: {
    config: {
      tags: ['system_id'],
      fields: {
        battery_mode: 'string',
        reserve_soc_pct: 'int',
        energy_independence: 'string',
        charge_from_grid: 'string',
        battery_shutdown_level_pct: 'int',
        storm_guard_status: 'string',
        storm_alert: 'string',
        grid_state: 'string',
        grid_last_report_at: 'int',
      },
      bounds: { reserve_soc_pct: PERCENT, battery_shutdown_level_pct: PERCENT, grid_last_report_at: TIME },
    },
    load_control: {
      tags: ['system_id', 'name'],
      fields: {
        load_name: 'string',
        owner_can_override: 'bool',
        mode: 'string',
        soc_low_pct: 'int',
        soc_high_pct: 'int',
        status: 'string',
        essential_start_s: 'int',
        essential_end_s: 'int',
      },
      bounds: {
        soc_low_pct: PERCENT,
        soc_high_pct: PERCENT,
        essential_start_s: { kind: 'range', min: 0, max: 86_400 },
        essential_end_s: { kind: 'range', min: 0, max: 86_400 },
      },
    },
  },
});
