// Per-device interval datasets: each planned window is fetched once per device serial of each
// endpoint, and yielded a device at a time, in the devices' order, the last piece ending the window
// (core.ts, extractWindowPieces). A bad body from any one device fails the window (an ExtractError
// naming the serial): a device never silently goes missing from a window that is then marked loaded.
// The devices of a window are asked DEVICE_CONCURRENCY at a time after the first one alone: one
// request at a time left a 100-micro backfill waiting on round trips (the client's Redis gates,
// the API) with a core idle, and the first alone keeps a plan restriction at one refused request.
import { callContext, extractWindowPieces, guarded, normalize, queryOf, windowsFor } from './core.js';
import type { Endpoint, Extractor, ExtractorSpec, SystemInfo } from './types.js';

function serialsOf(endpoint: Endpoint, system: SystemInfo): readonly string[] {
  if (endpoint.serials === undefined) throw new Error(`${endpoint.operation}: a device series needs serials`);
  return endpoint.when === undefined || endpoint.when(system) ? endpoint.serials(system) : [];
}

/** Requests of one window in flight at once. */
export const DEVICE_CONCURRENCY = 4;

/**
 * `work` over `items`, each result yielded in the items' order as soon as it and those before it
 * are in: the first item alone, then up to `limit` at a time, and no item started more than
 * 2 × `limit` ahead of the one the consumer waits for (answers that came early are held until
 * their turn, so that bounds what is held). The first failure is thrown at its turn; no item
 * starts after it, nor after the consumer stopped; items in flight then finish unread.
 */
export async function* inOrder<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (items.length === 0) return;
  yield await work(items[0] as T);
  const started = new Map<number, Promise<R>>();
  let next = 1;
  let inFlight = 0;
  let stopped = false;
  let turn = 1;
  const fill = (): void => {
    while (!stopped && inFlight < limit && next < items.length && next < turn + 2 * limit) {
      const i = next++;
      inFlight += 1;
      const result = work(items[i] as T);
      started.set(i, result);
      result.then(
        () => {
          inFlight -= 1;
          fill();
        },
        () => {
          inFlight -= 1;
          stopped = true;
        },
      );
    }
  };
  try {
    for (; turn < items.length; turn++) {
      fill();
      const result = started.get(turn) as Promise<R>;
      started.delete(turn);
      yield await result;
    }
  } finally {
    stopped = true;
  }
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
      // Each device's points are yielded as its answer is in and valid: a window is never held
      // whole (100 micros are 28,800 points a day), and a bad answer still fails the window.
      yield* extractWindowPieces(deps, spec, system, from, to, async function* (window, get) {
        for (const endpoint of spec.endpoints) {
          yield* inOrder(serialsOf(endpoint, system), DEVICE_CONCURRENCY, (serial) =>
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
        }
      });
    },
  };
}
