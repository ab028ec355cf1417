// Daily series (the `*_lifetime` endpoints): every endpoint the system can answer is asked for the
// same local days (start_date..end_date, never today), one window for any range, each with its
// endpoint's fixed query (energy_lifetime's production=all). Endpoints a system cannot answer (no
// consumption meter, no battery) are skipped and not counted.
import type { DataPoint } from '../normalize/point.js';
import {
  append,
  callContext,
  datasetApplies,
  endpointsFor,
  extractWindows,
  normalize,
  queryOf,
  windowsFor,
} from './core.js';
import type { Extractor, ExtractorSpec } from './types.js';

export function dailySeriesExtractor(spec: ExtractorSpec): Extractor {
  const { dataset } = spec;
  return {
    dataset,
    plans: spec.plans,
    appliesTo: (system) => datasetApplies(spec, system),
    requestCount(system, from, to, now) {
      return endpointsFor(spec, system).length * windowsFor(spec.window, system, from, to, now).length;
    },
    async *extract(deps, system, from, to) {
      yield* extractWindows(deps, spec, system, from, to, async (window, get, now) => {
        const points: DataPoint[] = [];
        for (const endpoint of endpointsFor(spec, system)) {
          const body = await get(
            endpoint.path,
            { pathParams: { system_id: system.id }, query: { ...queryOf(window), ...endpoint.query } },
            callContext(system, dataset, window),
          );
          append(
            points,
            normalize(endpoint, body, {
              systemId: system.id,
              timeZone: system.timeZone,
              now,
              window: { from: window.from, to: window.to },
            }),
          );
        }
        return points;
      });
    },
  };
}
