// Snapshot datasets (`system`, `latest`, `config`): no range, one request per endpoint, stamped
// with the observation minute (the extract's `now`). The one window is [now, now); `loadedUntil`
// is now. Endpoints a system cannot answer (battery settings without an IQ Battery) are skipped
// and not counted.
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, endpointsFor, extractWindows, normalize } from './core.js';
import type { Extractor, ExtractorSpec } from './types.js';

export function snapshotExtractor(spec: ExtractorSpec): Extractor {
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
      yield* extractWindows(deps, spec, system, from, to, async (window, get, now) => {
        const points: DataPoint[] = [];
        for (const endpoint of endpoints) {
          const body = await get(
            endpoint.path,
            { pathParams: { system_id: system.id } },
            callContext(system, dataset, window),
          );
          append(points, normalize(endpoint, body, { systemId: system.id, observedAt: now }));
        }
        return points;
      });
    },
  };
}
