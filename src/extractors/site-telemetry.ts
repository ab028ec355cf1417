// The shape of every site-level interval dataset: one endpoint, one request per planned window
// (telemetry with `start_at` + `granularity`, or rgm_stats with `start_at` + `end_at`), normalized
// with the window as the filter, so a point outside [from, to) is never yielded twice by two
// windows.
import { callContext, datasetApplies, extractWindows, normalize, queryOf, windowsFor } from './core.js';
import type { Extractor, ExtractorSpec, SystemInfo } from './types.js';

export function siteSeriesExtractor(spec: ExtractorSpec): Extractor {
  const [endpoint, ...more] = spec.endpoints;
  if (endpoint === undefined || more.length > 0) {
    throw new Error(`dataset ${spec.dataset}: a site series reads exactly one endpoint`);
  }
  const appliesTo = (system: SystemInfo): boolean => datasetApplies(spec, system);
  return {
    dataset: spec.dataset,
    plans: spec.plans,
    appliesTo,
    requestCount(system, from, to, now) {
      return appliesTo(system) ? windowsFor(spec.window, system, from, to, now).length : 0;
    },
    async *extract(deps, system, from, to) {
      if (!appliesTo(system)) return;
      yield* extractWindows(deps, spec, system, from, to, async (window, get) => {
        const body = await get(
          endpoint.path,
          { pathParams: { system_id: system.id }, query: queryOf(window) },
          callContext(system, spec.dataset, window),
        );
        return normalize(endpoint, body, {
          systemId: system.id,
          window: { from: window.from, to: window.to },
        });
      });
    },
  };
}

export const hasMicros = (s: SystemInfo): boolean => s.devices.micros.length > 0;
export const hasProductionMeter = (s: SystemInfo): boolean => s.hasProductionMeter !== false;
export const hasConsumptionMeter = (s: SystemInfo): boolean => s.hasConsumptionMeter !== false;
export const hasBattery = (s: SystemInfo): boolean =>
  s.hasBattery ?? s.devices.encharges.length + s.devices.acbs.length > 0;
