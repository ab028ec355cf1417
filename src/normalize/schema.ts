// The one table of the InfluxDB schema: measurement → tag keys and typed fields.
//
// DESIGN §4 fixes the first eleven measurements; the rest (`latest`, `events`, `alarms`,
// `config`, `load_control`, `ev_charger*`) are this project's design, documented in
// docs/schema.md, which mirrors this table. The line-protocol serializer takes every field's type
// from here, so a value is written as `123i` or `123` by what the schema says, never by what the
// JSON happened to look like; a field that is not declared here is refused.
export type FieldType = 'int' | 'float' | 'string' | 'bool';

export interface MeasurementSchema {
  /** Identity only. A point may leave out a tag declared here (e.g. an optional serial). */
  readonly tags: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
  /** Plausibility bounds of numeric fields (src/normalize/plausibility.ts checks them). */
  readonly bounds?: Readonly<Record<string, Bound>>;
  /**
   * Written by the service about itself (src/jobs/health.ts), never from an API answer: its values
   * are our own counts, so it has no plausibility bounds.
   */
  readonly writtenBy?: 'service';
}

/**
 * What a numeric field may hold (docs/schema.md, "Plausibility bounds"). Powers and energies are
 * bounded by a power scale: `micro` one microinverter, `pv` the system's PV array (from its
 * microinverter count), `site` anything a site can draw or store (consumption, grid, batteries,
 * EV chargers), for which no size is known.
 */
export type Scale = 'micro' | 'pv' | 'site';
export type Bound =
  /** Epoch seconds: not before the system's operational date − 25 h, not after now + 1 h. */
  | { readonly kind: 'time' }
  /** 0–100. */
  | { readonly kind: 'percent' }
  /** ≥ 0 (devices, modules, events, seconds, a lifetime total). */
  | { readonly kind: 'count' }
  /** ≥ 0 and ≤ the scale's power × `perSec` × headroom. */
  | { readonly kind: 'energy'; readonly scale: Scale; readonly perSec: number }
  /** Within ±(or 0 to, when not signed) the scale's power × headroom. */
  | { readonly kind: 'power'; readonly scale: Scale; readonly signed: boolean }
  /** A fixed range (seconds after local midnight). */
  | { readonly kind: 'range'; readonly min: number; readonly max: number };

const TIME = { kind: 'time' } as const;
const PERCENT = { kind: 'percent' } as const;
const COUNT = { kind: 'count' } as const;
const energy = (scale: Scale, perSec: number): Bound => ({ kind: 'energy', scale, perSec });
const power = (scale: Scale, signed = false): Bound => ({ kind: 'power', scale, signed });
/** 5 and 15 minutes; a local day is at most 25 h (DST). */
const FIVE_MIN = 300;
const QUARTER = 900;
const LOCAL_DAY = 90_000;

// Fields shared by the interval measurements, kept together so their types never drift apart.
const ENERGY = { energy_wh: 'int' } as const;
const DEVICES = { devices_reporting: 'int' } as const;
const BATTERY_ENERGY = { charge_wh: 'int', discharge_wh: 'int', soc_pct: 'int' } as const;
function batteryBounds(): Record<string, Bound> {
  return { charge_wh: energy('site', QUARTER), discharge_wh: energy('site', QUARTER), soc_pct: PERCENT };
}

export const SCHEMA = {
  // --- DESIGN §4 (contract) ---------------------------------------------------------------
  production: {
    tags: ['system_id', 'source'],
    fields: { power_w: 'int', ...ENERGY, ...DEVICES },
    // micro (5 min) and meter (15 min) share the measurement: the longer interval bounds both.
    bounds: { power_w: power('pv'), energy_wh: energy('pv', QUARTER), devices_reporting: COUNT },
  },
  rgm: {
    tags: ['system_id'],
    fields: { ...ENERGY, ...DEVICES },
    bounds: { energy_wh: energy('pv', QUARTER), devices_reporting: COUNT },
  },
  rgm_meter: {
    tags: ['system_id', 'meter_serial', 'envoy_serial', 'channel'],
    fields: { ...ENERGY, power_w: 'int' },
    // A revenue-grade meter reads a few watts below zero at night.
    bounds: { energy_wh: energy('pv', QUARTER), power_w: power('pv', true) },
  },
  consumption: {
    tags: ['system_id'],
    fields: { ...ENERGY, ...DEVICES },
    bounds: { energy_wh: energy('site', QUARTER), devices_reporting: COUNT },
  },
  battery: {
    tags: ['system_id'],
    fields: { ...BATTERY_ENERGY, ...DEVICES },
    bounds: { ...batteryBounds(), devices_reporting: COUNT },
  },
  grid: {
    tags: ['system_id'],
    fields: { import_wh: 'int', export_wh: 'int' },
    bounds: { import_wh: energy('site', QUARTER), export_wh: energy('site', QUARTER) },
  },
  energy_daily: {
    tags: ['system_id', 'kind'],
    fields: { ...ENERGY },
    // kinds mix production, consumption and grid: the site scale bounds them all.
    bounds: { energy_wh: energy('site', LOCAL_DAY) },
  },
  micro: {
    tags: ['system_id', 'serial'],
    fields: { power_w: 'int', ...ENERGY },
    bounds: { power_w: power('micro'), energy_wh: energy('micro', FIVE_MIN) },
  },
  battery_device: {
    tags: ['system_id', 'serial', 'type'],
    fields: { ...BATTERY_ENERGY },
    bounds: batteryBounds(),
  },
  system: {
    tags: ['system_id'],
    fields: {
      // systems list / system detail
      name: 'string',
      public_name: 'string',
      status: 'string',
      timezone: 'string',
      connection_type: 'string',
      attachment_type: 'string',
      interconnect_date: 'string',
      reference: 'string',
      city: 'string',
      state: 'string',
      country: 'string',
      postal_code: 'string',
      last_report_at: 'int',
      last_energy_at: 'int',
      operational_at: 'int',
      // system summary
      current_power_w: 'int',
      energy_lifetime_wh: 'int',
      energy_today_wh: 'int',
      size_w: 'int',
      modules: 'int',
      source: 'string',
      summary_date: 'string',
      last_interval_end_at: 'int',
      battery_charge_w: 'int',
      battery_discharge_w: 'int',
      battery_capacity_wh: 'int',
    },
    bounds: {
      last_report_at: TIME,
      last_energy_at: TIME,
      operational_at: TIME,
      last_interval_end_at: TIME,
      current_power_w: power('pv'),
      energy_lifetime_wh: COUNT,
      energy_today_wh: energy('pv', LOCAL_DAY),
      size_w: power('site'),
      modules: COUNT,
      battery_charge_w: power('site'),
      battery_discharge_w: power('site'),
      battery_capacity_wh: COUNT,
    },
  },

  // --- added by this project (docs/schema.md) ---------------------------------------------
  latest: {
    tags: ['system_id', 'kind', 'device_id', 'channel'],
    fields: { power_w: 'int', operational_mode: 'string' },
    // A net meter reads negative while exporting, a battery while charging.
    bounds: { power_w: power('site', true) },
  },
  events: {
    tags: ['system_id', 'event_type_id', 'serial'],
    fields: {
      status: 'string',
      end_time: 'int',
      event_type_key: 'string',
      event_name: 'string',
    },
    bounds: { end_time: TIME },
  },
  alarms: {
    tags: ['system_id', 'alarm_id'],
    fields: {
      event_type_id: 'int',
      severity: 'int',
      cleared: 'bool',
      end_time: 'int',
      serials: 'string',
      event_count: 'int',
      event_type_key: 'string',
      event_name: 'string',
    },
    bounds: { end_time: TIME, event_count: COUNT },
  },
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
  ev_charger: {
    tags: ['system_id', 'serial'],
    fields: {
      name: 'string',
      model: 'string',
      sku: 'string',
      part_number: 'string',
      firmware: 'string',
      status: 'string',
      active: 'bool',
      last_report_at: 'int',
    },
    bounds: { last_report_at: TIME },
  },
  ev_charger_energy: {
    tags: ['system_id', 'serial'],
    fields: { ...ENERGY },
    bounds: { energy_wh: energy('site', QUARTER) },
  },
  ev_charger_daily: {
    tags: ['system_id', 'serial'],
    fields: { ...ENERGY },
    bounds: { energy_wh: energy('site', LOCAL_DAY) },
  },
  ev_charger_session: {
    tags: ['system_id', 'serial'],
    fields: {
      end_time: 'int',
      duration_s: 'int',
      charge_time_s: 'int',
      energy_added_wh: 'int',
      miles_added: 'float',
      cost: 'float',
    },
    // cost is left unbounded: a tariff can pay the driver.
    bounds: {
      end_time: TIME,
      duration_s: COUNT,
      charge_time_s: COUNT,
      energy_added_wh: COUNT,
      miles_added: COUNT,
    },
  },
  ev_charger_event: {
    tags: ['system_id', 'serial'],
    fields: { status: 'string', cleared_time: 'int', details: 'string' },
    bounds: { cleared_time: TIME },
  },

  // --- the service's own health, written on every round (src/jobs/health.ts) ---------------
  pipeline: {
    writtenBy: 'service',
    tags: [],
    fields: {
      round_at: 'int',
      systems_total: 'int',
      systems_quarantined: 'int',
      systems_discovery_failed: 'int',
      quota_used: 'int',
      quota_limit: 'int',
      quota_budget: 'int',
      points_written: 'int',
      errors: 'int',
      datasets_unavailable: 'int',
      endpoints_restricted: 'int',
      token_expires_at: 'int',
      token_expired: 'int',
      token_rejected: 'int',
    },
  },
  pipeline_dataset: {
    writtenBy: 'service',
    tags: ['dataset'],
    fields: {
      lag_max_s: 'int',
      lag_worst_system_id: 'int',
      systems: 'int',
      errors: 'int',
      unavailable: 'int',
    },
  },
} as const satisfies Record<string, MeasurementSchema>;

export type Measurement = keyof typeof SCHEMA;

export const MEASUREMENTS = Object.keys(SCHEMA) as Measurement[];
