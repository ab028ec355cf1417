// The shape of every site-level interval dataset: one request per planned window (telemetry with
// `start_at` + `granularity`, or rgm_stats with `start_at` + `end_at`), normalized with the
// window as the filter, so a point outside [from, to) is never yielded twice by two windows.
import type { DatasetName } from '../datasets.js';
import type { PlanName } from '../enphase/plans.js';
import type { NormalizedOperation } from '../normalize/index.js';
import { callContext, extractWindows, normalize, queryOf, windowsFor, type ApiPath } from './core.js';
import type { Extractor, SystemInfo } from './types.js';

export interface SiteSeriesSpec {
  dataset: DatasetName;
  path: ApiPath;
  operation: NormalizedOperation;
  plans: readonly PlanName[];
  appliesTo(system: SystemInfo): boolean;
}

export function siteSeriesExtractor(spec: SiteSeriesSpec): Extractor {
  const { dataset, path, operation } = spec;
  return {
    dataset,
    plans: spec.plans,
    appliesTo: spec.appliesTo,
    requestCount(system, from, to, now) {
      return spec.appliesTo(system) ? windowsFor(dataset, system, from, to, now).length : 0;
    },
    async *extract(deps, system, from, to) {
      if (!spec.appliesTo(system)) return;
      yield* extractWindows(deps, dataset, system, from, to, async (window, get) => {
        const body = await get(
          path,
          { pathParams: { system_id: system.id }, query: queryOf(window) },
          callContext(system, dataset, window),
        );
        return normalize(operation, body, {
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
