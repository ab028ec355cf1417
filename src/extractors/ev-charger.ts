// The EV charger dataset's extractor: per IQ EV Charger, its 15-minute energy (day windows, one
// request per charger and window), then once per extract the chargers' snapshot, each charger's
// charging sessions (newest first, pages of 100 until a page ends before the range) and its daily
// energy (over the range's complete local days, dates as YYYYMMDD).
//
// The snapshot, sessions and daily energy of the whole range come with the last telemetry window,
// so no window before it moves the watermark past the range's start: a run cut short (a kill, a
// failing window, InfluxDB given up on) leaves the watermark where the range began, and the next
// run fetches the sessions and daily energy of every day again. (When earlier windows moved it,
// the next run's range began at the cut, and the days before it never got theirs: the long chaos
// run lost 13 daily values and 7 sessions of one charger that way.)
import type { DataPoint } from '../normalize/point.js';
import { DAY } from '../normalize/time.js';
import {
  append,
  callContext,
  datasetApplies,
  endpointOf,
  guarded,
  looseGet,
  normalize,
  queryOf,
  windowsFor,
} from './core.js';
import type { ExtractDeps, Extractor, ExtractorSpec, SystemInfo } from './types.js';
import { DAILY, type RequestWindow } from './windows.js';

const SESSION_PAGE = 100;
/**
 * Sessions are listed only once completed, and stamped at their start: one that started shortly
 * before the range (while the range before was being fetched) and ended since would never be
 * written. Sessions starting up to this long before the range are written again (same identity,
 * so rewriting is harmless).
 */
const SESSION_LOOKBACK = 2 * DAY;

/** Pages of sessions needed back to `from`: at most one session starts per local day. */
export function sessionPages(from: number, now: number): number {
  const maxSessions = Math.max(0, Math.ceil((now - from) / DAY)) + 1;
  return Math.floor(maxSessions / SESSION_PAGE) + 1;
}

/** YYYY-MM-DD → YYYYMMDD (the EV endpoints' date format). */
function compactDate(date: string): string {
  return date.replaceAll('-', '');
}

async function extras(
  spec: ExtractorSpec,
  chargers: (system: SystemInfo) => readonly string[],
  deps: ExtractDeps,
  system: SystemInfo,
  range: RequestWindow,
  from: number,
  to: number,
  now: number,
): Promise<DataPoint[]> {
  const get = looseGet(deps.client);
  const call = callContext(system, spec.dataset, range);
  const devicesEndpoint = endpointOf(spec, 'fetchChargersSummary');
  const sessionsEndpoint = endpointOf(spec, 'fetchChargerSessionHistory');
  const lifetimeEndpoint = endpointOf(spec, 'fetchDailyEnergyConsumptionData');
  const points: DataPoint[] = [];
  const devices = await get(devicesEndpoint.path, { pathParams: { system_id: system.id } }, call);
  append(points, normalize(devicesEndpoint, devices, { systemId: system.id, observedAt: now }));
  const daily = windowsFor(DAILY, system, from, to, now);
  for (const serial of chargers(system)) {
    const pathParams = { system_id: system.id, serial_no: serial };
    await guarded(system, spec.dataset, range, serial, async () => {
      const window = { from: range.from - SESSION_LOOKBACK, to: range.to };
      for (let offset = 0; ; offset += SESSION_PAGE) {
        const body = (await get(
          sessionsEndpoint.path,
          { pathParams, query: { offset, limit: SESSION_PAGE } },
          call,
        )) as { sessions?: { start_time?: number | null }[] | null };
        append(points, normalize(sessionsEndpoint, body, { systemId: system.id, serial, window }));
        const page = body.sessions ?? [];
        const oldest = page.at(-1)?.start_time;
        if (page.length < SESSION_PAGE || (typeof oldest === 'number' && oldest < window.from)) break;
      }
      for (const day of daily) {
        const q = queryOf(day);
        const body = await get(
          lifetimeEndpoint.path,
          {
            pathParams,
            query: {
              start_date: compactDate(String(q.start_date)),
              end_date: compactDate(String(q.end_date)),
            },
          },
          call,
        );
        append(
          points,
          normalize(lifetimeEndpoint, body, {
            systemId: system.id,
            serial,
            timeZone: system.timeZone,
            now,
            window: { from: day.from, to: day.to },
          }),
        );
      }
    });
  }
  return points;
}

export function evChargerExtractor(spec: ExtractorSpec): Extractor {
  const { dataset } = spec;
  const telemetryEndpoint = endpointOf(spec, 'fetchEnergyConsumptionData');
  const chargers = (system: SystemInfo): readonly string[] => telemetryEndpoint.serials?.(system) ?? [];
  return {
    dataset,
    plans: spec.plans,
    appliesTo: (system) => datasetApplies(spec, system),
    requestCount(system, from, to, now) {
      const n = chargers(system).length;
      const windows = windowsFor(spec.window, system, from, to, now);
      const first = windows[0];
      if (n === 0 || first === undefined) return 0;
      const daily = windowsFor(DAILY, system, from, to, now).length;
      return n * windows.length + 1 + n * (sessionPages(first.from - SESSION_LOOKBACK, now) + daily);
    },
    async *extract(deps, system, from, to) {
      if (chargers(system).length === 0) return;
      const now = deps.now();
      const get = looseGet(deps.client);
      const windows = windowsFor(spec.window, system, from, to, now);
      const first = windows[0];
      const last = windows.at(-1);
      if (first === undefined || last === undefined) return;
      for (const window of windows) {
        const points: DataPoint[] = [];
        for (const serial of chargers(system)) {
          const devicePoints = await guarded(system, dataset, window, serial, async () =>
            normalize(
              telemetryEndpoint,
              await get(
                telemetryEndpoint.path,
                { pathParams: { system_id: system.id, serial_no: serial }, query: queryOf(window) },
                callContext(system, dataset, window),
              ),
              { systemId: system.id, serial, window: { from: window.from, to: window.to } },
            ),
          );
          append(points, devicePoints);
        }
        if (window === last) {
          const range: RequestWindow = { from: first.from, to: last.to, query: {} };
          append(
            points,
            await guarded(system, dataset, range, undefined, () =>
              extras(spec, chargers, deps, system, range, from, to, now),
            ),
          );
        }
        yield { dataset, window, points, loadedUntil: window === last ? Math.min(window.to, now) : from };
      }
    },
  };
}
