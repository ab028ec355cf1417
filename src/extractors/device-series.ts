// Per-device interval datasets: each planned window is fetched once per device serial of each
// endpoint, one response at a time, and the window is yielded when every device's response of it
// is in. A bad body from any one device fails the window (an ExtractError naming the serial): a
// device never silently goes missing from a window that is then marked loaded.
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, extractWindows, guarded, normalize, queryOf, windowsFor } from './core.js';
import type { Endpoint, Extractor, ExtractorSpec, SystemInfo } from './types.js';

function serialsOf(endpoint: Endpoint, system: SystemInfo): readonly string[] {
  if (endpoint.serials === undefined) throw new Error(`${endpoint.operation}: a device series needs serials`);
  return endpoint.when === undefined || endpoint.when(system) ? endpoint.serials(system) : [];
}

export function deviceSeriesExtractor(spec: ExtractorSpec): Extractor {
  const { dataset } = spec;
  const deviceCount = (system: SystemInfo): number =>
    spec.endpoints.reduce((n, endpoint) => n + serialsOf(endpoint, system).length, 0);
  const appliesTo = (system: SystemInfo): boolean => deviceCount(system) > 0;
  return {
    dataset,
    plans: spec.plans,
    appliesTo,
    requestCount(system, from, to, now) {
      const devices = deviceCount(system);
      return devices === 0 ? 0 : devices * windowsFor(spec.window, system, from, to, now).length;
    },
    async *extract(deps, system, from, to) {
      if (!appliesTo(system)) return;
      yield* extractWindows(deps, spec, system, from, to, async (window, get) => {
        const points: DataPoint[] = [];
        for (const endpoint of spec.endpoints) {
          for (const serial of serialsOf(endpoint, system)) {
            const devicePoints = await guarded(system, dataset, window, serial, async () => {
              const body = await get(
                endpoint.path,
                { pathParams: { system_id: system.id, serial_no: serial }, query: queryOf(window) },
                callContext(system, dataset, window),
              );
              return normalize(endpoint, body, {
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
