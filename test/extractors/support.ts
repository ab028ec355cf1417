// Shared by the extractor tests: a real Redis and the project's simulator with a fixed clock, a
// client on them (partner plan, limits high enough never to wait), SystemInfo from the
// simulator's own answers, and a collector that runs an extractor to the end.
import { DateTime } from 'luxon';
import { EXTRACTORS, type DatasetName } from '../../src/datasets/index.js';
import type { EnphaseClient } from '../../src/enphase/client.js';
import { systemInfoFromApi, type ExtractedWindow, type SystemInfo } from '../../src/extractors/index.js';
import type { DataPoint } from '../../src/normalize/point.js';
import type { SystemProfile } from '../../src/simulator/index.js';
import { apiRequests, clientFor, startWorld, type World } from '../enphase/support.js';

export { apiRequests };

/** 2026-04-10 06:00 UTC: a week back holds Sydney's DST end (2026-04-05 03:00 local). */
export const NOW_MS = Date.UTC(2026, 3, 10, 6, 0, 0);
export const DAY = 86_400;

export interface ExtractWorld {
  world: World;
  client: EnphaseClient;
  clock: { ms: number };
  /** Epoch seconds of the simulated clock. */
  now(): number;
  info(id: number): Promise<SystemInfo>;
  profile(id: number): SystemProfile;
  stop(): Promise<void>;
}

export async function startExtractWorld(
  options: { seed?: number; env?: Record<string, string> } = {},
): Promise<ExtractWorld> {
  const clock = { ms: NOW_MS };
  const world = await startWorld({
    systems: 5,
    seed: options.seed ?? 7,
    now: () => clock.ms,
    // Limits high enough that no test waits for the minute (the limiter itself is the client's test).
    limits: Object.fromEntries(
      (['watt', 'kilowatt', 'megawatt', 'partner'] as const).map((plan) => [
        plan,
        { perMinute: 100_000, perMonth: null },
      ]),
    ),
  });
  const { client } = await clientFor(world, {
    env: { ENPHASE_RATE_PER_MINUTE: '100000', ...options.env },
    deps: { validate: true },
  });
  const infos = new Map<number, SystemInfo>();
  return {
    world,
    client,
    clock,
    now: () => Math.floor(clock.ms / 1000),
    async info(id) {
      let info = infos.get(id);
      if (!info) {
        const detail = await client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } });
        const devices = await client.get('/api/v4/systems/{system_id}/devices', {
          pathParams: { system_id: id },
        });
        info = systemInfoFromApi(detail, devices);
        infos.set(id, info);
      }
      return info;
    },
    profile: (id) => world.sim.fleet.system(id)!,
    stop: () => world.stop(),
  };
}

export interface Extraction {
  windows: ExtractedWindow[];
  points: DataPoint[];
  requests: number;
  routes: string[];
}

/** Runs `dataset`'s extractor over [from, to) and counts the API requests it made. */
export async function extract(
  w: ExtractWorld,
  dataset: DatasetName,
  system: SystemInfo,
  from: number,
  to: number,
): Promise<Extraction> {
  w.world.sim.requestLog.clear();
  const windows: ExtractedWindow[] = [];
  // A per-device window comes a device at a time (`more`): put together here, whole windows are
  // what the tests compare. Every piece of a window says which window it belongs to.
  let open: ExtractedWindow | undefined;
  for await (const piece of EXTRACTORS[dataset].extract({ client: w.client, now: w.now }, system, from, to)) {
    if (open !== undefined) expect(piece.window).toEqual(open.window);
    const points = [...(open?.points ?? []), ...piece.points];
    if (piece.more === true) open = { ...piece, points };
    else {
      windows.push({ dataset: piece.dataset, window: piece.window, points, loadedUntil: piece.loadedUntil });
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  const log = apiRequests(w.world.sim);
  return {
    windows,
    points: windows.flatMap((x) => x.points),
    requests: log.length,
    routes: log.map((e) => e.route),
  };
}

/** A point as a comparable line: measurement, sorted tags, time, sorted fields with their JS types. */
export function key(point: DataPoint): string {
  const tags = Object.keys(point.tags)
    .sort()
    .map((k) => `${k}=${point.tags[k]}`)
    .join(',');
  return `${point.measurement}|${tags}|${point.time}`;
}

export function byKey(points: readonly DataPoint[]): Map<string, Readonly<Record<string, unknown>>> {
  const out = new Map<string, Readonly<Record<string, unknown>>>();
  for (const point of points) {
    const k = key(point);
    if (out.has(k)) throw new Error(`duplicate point ${k}`);
    out.set(k, point.fields);
  }
  return out;
}

/** Every integer field is a safe integer (the schema writes them as `i`). */
export function allIntegers(points: readonly DataPoint[], fields: readonly string[]): boolean {
  return points.every((p) =>
    fields.every((f) => p.fields[f] === undefined || Number.isSafeInteger(p.fields[f])),
  );
}

/** Epoch seconds of local midnight of `date` in `zone`. */
export function midnight(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).startOf('day').toSeconds();
}

export function localDateOf(epoch: number, zone: string): string {
  return DateTime.fromSeconds(epoch, { zone }).toISODate()!;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

export const ID = {
  la: 100_001,
  sydney: 100_002,
  berlin: 100_003,
  kolkata: 100_004,
  phoenix: 100_005,
} as const;
