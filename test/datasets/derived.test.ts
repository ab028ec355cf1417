// The tables read from the dataset descriptors cover every registered dataset, and say what its
// descriptor says: the registry, the extractors by name, the window rules, the budget plan's
// cadence floors, the normalizer table and the schema. A descriptor that declares an endpoint the
// spec names differently, or a cadence the plan cannot use, fails here rather than at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CADENCE_LADDER_MS, DAY_MS, FASTEST_WORTH_MS } from '../../src/budget-plan.js';
import { cadenceOf, kindOf } from '../../src/datasets/descriptor.js';
import {
  DATASET_BY_NAME,
  DATASET_NAMES,
  DATASETS,
  EXTRACTORS,
  WINDOW_RULES,
} from '../../src/datasets/index.js';
import { NORMALIZERS } from '../../src/datasets/normalizers.js';
import type { Endpoint } from '../../src/extractors/types.js';
import type { MeasurementSchema } from '../../src/normalize/measurement.js';
import { SCHEMA } from '../../src/normalize/schema.js';

const names = [...DATASET_NAMES].sort();
const endpointsOf = (d: (typeof DATASETS)[number]): readonly Endpoint[] => d.endpoints as readonly Endpoint[];

describe('the registry', () => {
  it('has one folder per dataset, named as the dataset, and no two datasets of one name', () => {
    const folders = readdirSync(new URL('../../src/datasets/', import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(names);
    expect(new Set(DATASET_NAMES).size).toBe(DATASETS.length);
  });

  it('derives every per-dataset table for every dataset, from its descriptor', () => {
    for (const table of [DATASET_BY_NAME, EXTRACTORS, WINDOW_RULES, FASTEST_WORTH_MS]) {
      expect(Object.keys(table).sort()).toEqual(names);
    }
    for (const d of DATASETS) {
      expect(EXTRACTORS[d.name]).toBe(d.extractor);
      expect(EXTRACTORS[d.name].dataset).toBe(d.name);
      expect(EXTRACTORS[d.name].plans).toBe(d.plans);
      expect(WINDOW_RULES[d.name]).toBe(d.window);
      expect(FASTEST_WORTH_MS[d.name]).toBe(d.cadence.fastestWorthMs);
      expect(d.kind).toBe(kindOf(d.window));
    }
  });
});

describe('cadence', () => {
  it('every fastest cadence worth paying for is a step of the ladder the plan chooses from', () => {
    for (const d of DATASETS)
      expect([d.name, CADENCE_LADDER_MS.includes(d.cadence.fastestWorthMs)]).toEqual([d.name, true]);
  });

  it('grid and daily data are worth their period and are that old; the rest is stated', () => {
    expect(cadenceOf({ kind: 'telemetry', grid: 300, span: 86_400, granularity: 'day' })).toEqual({
      intervalMs: 300_000,
      dataDelayMs: 300_000,
      fastestWorthMs: 300_000,
      slowdownTier: 0,
    });
    expect(cadenceOf({ kind: 'daily' })).toEqual({
      intervalMs: DAY_MS,
      dataDelayMs: DAY_MS,
      fastestWorthMs: DAY_MS,
      slowdownTier: 1,
    });
    expect(cadenceOf({ kind: 'events', span: 1, maxAgeMonths: 9 }, 900_000)).toMatchObject({
      dataDelayMs: 0,
      slowdownTier: 0,
    });
    expect(cadenceOf({ kind: 'snapshot' }, DAY_MS)).toMatchObject({ dataDelayMs: 0, slowdownTier: 2 });
    expect(() => cadenceOf({ kind: 'snapshot' })).toThrow(/fastestWorthMs/);
  });
});

describe('endpoints', () => {
  const spec = parse(
    readFileSync(new URL('../../openapi/enphase-v4-openapi.yaml', import.meta.url), 'utf8'),
  ) as { paths: Record<string, { get?: { operationId?: string } }> };

  it.each(DATASETS.flatMap((d) => endpointsOf(d).map((e) => [d.name, e.path, e] as const)))(
    '%s: %s is the GET of its operationId in the spec',
    (_name, path, endpoint) => {
      expect(spec.paths[path]?.get?.operationId).toBe(endpoint.operation);
    },
  );

  it('the normalizer table holds every endpoint normalizer, and only the two no dataset fetches besides', () => {
    const fromDescriptors = new Map<string, unknown>();
    for (const d of DATASETS) {
      for (const e of endpointsOf(d)) if (e.normalize) fromDescriptors.set(e.operation, e.normalize);
    }
    for (const [operation, normalize] of fromDescriptors) {
      expect(NORMALIZERS[operation as keyof typeof NORMALIZERS]).toBe(normalize);
    }
    const extra = Object.keys(NORMALIZERS).filter((op) => !fromDescriptors.has(op));
    expect(extra.sort()).toEqual(['fetchEvents', 'listSystems']);
  });
});

describe('the schema', () => {
  const schema = SCHEMA as Readonly<Record<string, MeasurementSchema>>;

  it('holds every measurement a dataset declares, as it declares it', () => {
    for (const d of DATASETS) {
      for (const [name, measurement] of Object.entries(d.measurements)) {
        expect([d.name, name, schema[name]]).toEqual([d.name, name, measurement]);
      }
    }
  });

  it('every measurement is some dataset’s, or the service’s own', () => {
    const declared = new Set(DATASETS.flatMap((d) => Object.keys(d.measurements)));
    for (const [name, measurement] of Object.entries(schema)) {
      expect([name, declared.has(name) || measurement.writtenBy === 'service']).toEqual([name, true]);
    }
  });
});
