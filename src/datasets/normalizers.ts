// The normalizer table: every endpoint's normalizer by the operationId of the endpoint it reads,
// gathered from the dataset descriptors, for the table test over the spec's examples, the
// benchmarks and `normalizeResponse`. Each takes the parsed 200 body and a NormalizeContext and
// returns the points of the schema (src/normalize/schema.ts), deduplicated and in time order per
// series. Memory is proportional to one response.
import type { Endpoint } from '../extractors/types.js';
import { normalizeChecked, type NormalizeContext } from '../normalize/body-readers.js';
import { normalizeEvChargerEvents } from '../normalize/ev-charger.js';
import type { Normalizer } from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import { normalizeSystemsList } from '../normalize/system.js';
import { DATASETS, type Dataset } from './index.js';

/**
 * Normalizers that no dataset fetches: the systems list (discovery reads it as SystemInfo; its
 * points would be the `system` dataset's) and the EV chargers' events (a known gap,
 * docs/extractors.md).
 */
const NOT_FETCHED = {
  listSystems: normalizeSystemsList,
  fetchEvents: normalizeEvChargerEvents,
} as const;

type Normalized<E> = E extends { operation: infer Op; normalize: unknown } ? Op : never;
export type NormalizedOperation = Normalized<Dataset['endpoints'][number]> | keyof typeof NOT_FETCHED;

function gather(): Record<NormalizedOperation, Normalizer> {
  const table: Record<string, Normalizer> = { ...NOT_FETCHED };
  for (const dataset of DATASETS) {
    for (const endpoint of dataset.endpoints as readonly Endpoint[]) {
      if (endpoint.normalize === undefined) continue;
      const known = table[endpoint.operation];
      if (known !== undefined && known !== endpoint.normalize) {
        throw new Error(`${endpoint.operation} has two normalizers (dataset ${dataset.name})`);
      }
      table[endpoint.operation] = endpoint.normalize as Normalizer;
    }
  }
  return table;
}

export const NORMALIZERS: Readonly<Record<NormalizedOperation, Normalizer>> = Object.freeze(gather());

/** The points of one 200 body of `operation` (identity checked: see normalizeChecked). */
export function normalizeResponse(
  operation: NormalizedOperation,
  body: unknown,
  ctx: NormalizeContext,
): DataPoint[] {
  const normalizer = NORMALIZERS[operation] as (body: unknown, ctx: NormalizeContext) => DataPoint[];
  return normalizeChecked(operation, normalizer, body, ctx);
}
