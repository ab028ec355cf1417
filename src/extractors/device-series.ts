// Per-device interval datasets: each planned window is fetched once per device serial of each
// endpoint, and the window is yielded when every device's response of it is in. A bad body from
// any one device fails the window (an ExtractError naming the serial): a device never silently
// goes missing from a window that is then marked loaded.
// The devices of a window are asked DEVICE_CONCURRENCY at a time after the first one alone: one
// request at a time left a 100-micro backfill waiting on round trips (the client's Redis gates,
// the API) with a core idle, and the first alone keeps a plan restriction at one refused request.
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, extractWindows, guarded, normalize, queryOf, windowsFor } from './core.js';
import type { Endpoint, Extractor, ExtractorSpec, SystemInfo } from './types.js';

function serialsOf(endpoint: Endpoint, system: SystemInfo): readonly string[] {
  if (endpoint.serials === undefined) throw new Error(`${endpoint.operation}: a device series needs serials`);
  return endpoint.when === undefined || endpoint.when(system) ? endpoint.serials(system) : [];
}

/** Requests of one window in flight at once (each holds one response until the window is done). */
export const DEVICE_CONCURRENCY = 4;

/**
 * `work` over `items`, results in the items' order: the first item alone, then `limit` at a time.
 * The first failure rejects (no further item starts); requests already in flight finish unread.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  if (items.length === 0) return results;
  results[0] = await work(items[0] as T);
  let next = 1;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await work(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length - 1) }, worker));
  return results;
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
          const perDevice = await inOrder(serialsOf(endpoint, system), DEVICE_CONCURRENCY, (serial) =>
            guarded(system, dataset, window, serial, async () => {
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
            }),
          );
          for (const devicePoints of perDevice) append(points, devicePoints);
        }
        return points;
      });
    },
  };
}
