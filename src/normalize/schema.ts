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
}

// Fields shared by the interval measurements, kept together so their types never drift apart.
const ENERGY = { energy_wh: 'int' } as const;
const DEVICES = { devices_reporting: 'int' } as const;
const BATTERY_ENERGY = { charge_wh: 'int', discharge_wh: 'int', soc_pct: 'int' } as const;

export const SCHEMA = {
  // --- DESIGN §4 (contract) ---------------------------------------------------------------
  production: { tags: ['system_id', 'source'], fields: { power_w: 'int', ...ENERGY, ...DEVICES } },
  rgm: { tags: ['system_id'], fields: { ...ENERGY, ...DEVICES } },
  rgm_meter: {
    tags: ['system_id', 'meter_serial', 'envoy_serial', 'channel'],
    fields: { ...ENERGY, power_w: 'int' },
  },
  consumption: { tags: ['system_id'], fields: { ...ENERGY, ...DEVICES } },
  battery: { tags: ['system_id'], fields: { ...BATTERY_ENERGY, ...DEVICES } },
  grid: { tags: ['system_id'], fields: { import_wh: 'int', export_wh: 'int' } },
  energy_daily: { tags: ['system_id', 'kind'], fields: { ...ENERGY } },
  micro: { tags: ['system_id', 'serial'], fields: { power_w: 'int', ...ENERGY } },
  battery_device: { tags: ['system_id', 'serial', 'type'], fields: { ...BATTERY_ENERGY } },
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
  },

  // --- added by this project (docs/schema.md) ---------------------------------------------
  latest: {
    tags: ['system_id', 'kind', 'device_id', 'channel'],
    fields: { power_w: 'int', operational_mode: 'string' },
  },
  events: {
    tags: ['system_id', 'event_type_id', 'serial'],
    fields: {
      status: 'string',
      end_time: 'int',
      event_type_key: 'string',
      event_name: 'string',
    },
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
  },
  ev_charger_energy: { tags: ['system_id', 'serial'], fields: { ...ENERGY } },
  ev_charger_daily: { tags: ['system_id', 'serial'], fields: { ...ENERGY } },
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
  },
  ev_charger_event: {
    tags: ['system_id', 'serial'],
    fields: { status: 'string', cleared_time: 'int', details: 'string' },
  },

  // --- the service's own health, written on every round (src/jobs/health.ts) ---------------
  pipeline: {
    tags: [],
    fields: {
      round_at: 'int',
      systems_total: 'int',
      systems_quarantined: 'int',
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
