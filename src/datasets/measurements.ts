// What more than one dataset writes: the fields several measurements share (kept together so their
// types never drift apart) and the two measurements that two datasets each write into
// (`production`: production_micro and production_meter; `grid`: grid_import and grid_export).
// src/normalize/schema.ts refuses two datasets that declare one measurement differently.
import { COUNT, energy, PERCENT, power, type Bound } from '../normalize/measurement.js';
import { FIFTEEN_MINUTES } from '../normalize/time.js';

export const ENERGY = { energy_wh: 'int' } as const;
export const DEVICES = { devices_reporting: 'int' } as const;
export const BATTERY_ENERGY = { charge_wh: 'int', discharge_wh: 'int', soc_pct: 'int' } as const;

export function batteryBounds(): Record<string, Bound> {
  return {
    charge_wh: energy('site', FIFTEEN_MINUTES),
    discharge_wh: energy('site', FIFTEEN_MINUTES),
    soc_pct: PERCENT,
  };
}

export const PRODUCTION = {
  tags: ['system_id', 'source'],
  fields: { power_w: 'int', ...ENERGY, ...DEVICES },
  // micro (5 min) and meter (15 min) share the measurement: the longer interval bounds both.
  bounds: { power_w: power('pv'), energy_wh: energy('pv', FIFTEEN_MINUTES), devices_reporting: COUNT },
} as const;

export const GRID = {
  tags: ['system_id'],
  fields: { import_wh: 'int', export_wh: 'int' },
  bounds: { import_wh: energy('site', FIFTEEN_MINUTES), export_wh: energy('site', FIFTEEN_MINUTES) },
} as const;
