// The one table of the InfluxDB schema: measurement → tag keys and typed fields, gathered from
// the dataset descriptors (src/datasets/<name>/index.ts, each declaring what it writes) plus the
// service's own health below.
//
// DESIGN §4 fixes the first eleven measurements (production … system); the rest (`latest`,
// `events`, `alarms`, `config`, `load_control`, `ev_charger*`) are this project's design,
// documented in docs/schema.md, which mirrors this table. The line-protocol serializer takes every
// field's type from here, so a value is written as `123i` or `123` by what the schema says, never
// by what the JSON happened to look like; a field that is not declared here is refused.
import { DATASETS, type Dataset } from '../datasets/index.js';
import type { MeasurementSchema, Measurements } from './measurement.js';

export type { Bound, FieldType, MeasurementSchema, Scale } from './measurement.js';

/** Written by the service about itself, on every round (src/jobs/health.ts). */
const SERVICE_MEASUREMENTS = {
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
  pipeline_problem: {
    writtenBy: 'service',
    tags: ['system_id', 'kind'],
    fields: {
      name: 'string',
      reason: 'string',
      since: 'int',
    },
  },
} as const satisfies Measurements;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type Flatten<T> = { [K in keyof T]: T[K] };
type Schema = Flatten<UnionToIntersection<Dataset['measurements']> & typeof SERVICE_MEASUREMENTS>;

function gather(): Record<string, MeasurementSchema> {
  const table: Record<string, MeasurementSchema> = {};
  const owner = new Map<string, string>();
  for (const dataset of DATASETS) {
    for (const [name, schema] of Object.entries(dataset.measurements as Measurements)) {
      const known = table[name];
      // Two datasets may write one measurement (production, grid) only by declaring the same one.
      if (known !== undefined && known !== schema) {
        throw new Error(
          `measurement ${name}: declared by ${owner.get(name)} and differently by ${dataset.name}`,
        );
      }
      table[name] = schema;
      owner.set(name, dataset.name);
    }
  }
  for (const [name, schema] of Object.entries(SERVICE_MEASUREMENTS)) {
    if (name in table)
      throw new Error(`measurement ${name}: declared by ${owner.get(name)} and by the service`);
    table[name] = schema;
  }
  return table;
}

export const SCHEMA = Object.freeze(gather()) as Schema;

export type Measurement = keyof typeof SCHEMA;

export const MEASUREMENTS = Object.keys(SCHEMA) as Measurement[];
