// Snapshot datasets (`system`, `latest`, `config`): no range, one request per endpoint, stamped
// with the observation minute (the extract's `now`). The one window is [now, now); `loadedUntil`
// is now. Endpoints a system cannot answer (battery settings without an IQ Battery) are skipped
// and not counted.
import type { DatasetName } from '../datasets.js';
import type { PlanName } from '../enphase/plans.js';
import type { NormalizedOperation } from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, extractWindows, normalize, type ApiPath } from './core.js';
import type { Extractor, SystemInfo } from './types.js';

export interface SnapshotEndpoint {
  path: ApiPath;
  operation: NormalizedOperation;
  /** Whether the system has what this endpoint describes (default: always). */
  when?(system: SystemInfo): boolean;
}

export interface SnapshotSpec {
  dataset: DatasetName;
  plans: readonly PlanName[];
  endpoints: readonly SnapshotEndpoint[];
}

function endpointsFor(spec: SnapshotSpec, system: SystemInfo): SnapshotEndpoint[] {
  return spec.endpoints.filter((e) => e.when === undefined || e.when(system));
}

export function snapshotExtractor(spec: SnapshotSpec): Extractor {
  const { dataset } = spec;
  return {
    dataset,
    plans: spec.plans,
    appliesTo: (system) => endpointsFor(spec, system).length > 0,
    requestCount(system) {
      return endpointsFor(spec, system).length;
    },
    async *extract(deps, system, from, to) {
      const endpoints = endpointsFor(spec, system);
      if (endpoints.length === 0) return;
      yield* extractWindows(deps, dataset, system, from, to, async (window, get, now) => {
        const points: DataPoint[] = [];
        for (const endpoint of endpoints) {
          const body = await get(
            endpoint.path,
            { pathParams: { system_id: system.id } },
            callContext(system, dataset, window),
          );
          append(points, normalize(endpoint.operation, body, { systemId: system.id, observedAt: now }));
        }
        return points;
      });
    },
  };
}
