// Per-device interval datasets: each planned window is fetched once per device serial, one
// response at a time, and the window is yielded when every device's response of it is in. A bad
// body from any one device fails the window (an ExtractError naming the serial): a device never
// silently goes missing from a window that is then marked loaded.
import type { DatasetName } from '../datasets.js';
import type { PlanName } from '../enphase/plans.js';
import type { NormalizedOperation } from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import {
  append,
  callContext,
  extractWindows,
  guarded,
  normalize,
  queryOf,
  windowsFor,
  type ApiPath,
} from './core.js';
import type { Extractor, SystemInfo } from './types.js';

export interface DeviceEndpoint {
  path: ApiPath;
  operation: NormalizedOperation;
  serials(system: SystemInfo): readonly string[];
}

export interface DeviceSeriesSpec {
  dataset: DatasetName;
  plans: readonly PlanName[];
  endpoints: readonly DeviceEndpoint[];
}

function deviceCount(spec: DeviceSeriesSpec, system: SystemInfo): number {
  let n = 0;
  for (const endpoint of spec.endpoints) n += endpoint.serials(system).length;
  return n;
}

export function deviceSeriesExtractor(spec: DeviceSeriesSpec): Extractor {
  const { dataset } = spec;
  const appliesTo = (system: SystemInfo): boolean => deviceCount(spec, system) > 0;
  return {
    dataset,
    plans: spec.plans,
    appliesTo,
    requestCount(system, from, to, now) {
      const devices = deviceCount(spec, system);
      return devices === 0 ? 0 : devices * windowsFor(dataset, system, from, to, now).length;
    },
    async *extract(deps, system, from, to) {
      if (!appliesTo(system)) return;
      yield* extractWindows(deps, dataset, system, from, to, async (window, get) => {
        const points: DataPoint[] = [];
        for (const endpoint of spec.endpoints) {
          for (const serial of endpoint.serials(system)) {
            const devicePoints = await guarded(system, dataset, window, serial, async () => {
              const body = await get(
                endpoint.path,
                { pathParams: { system_id: system.id, serial_no: serial }, query: queryOf(window) },
                callContext(system, dataset, window),
              );
              return normalize(endpoint.operation, body, {
                systemId: system.id,
                serial,
                window: { from: window.from, to: window.to },
              });
            });
            append(points, devicePoints);
          }
        }
        return points;
      });
    },
  };
}
