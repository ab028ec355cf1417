// Budget (issue 6): a 2-year backfill of one system spends exactly the planned minimum of
// requests, counted at the simulator: the sum of every dataset's pure requestCount, and for the
// 5-minute series exactly one request per day of the API's 2-year window. The per-device series
// (micro, battery_device, ev_charger) multiply the same windows by the device count; they are left
// out here to keep the run short (the 30-day test covers them).
import { EXTRACTORS, type DatasetName } from '../../src/datasets/index.js';
import { clampedRange, LIMIT_MARGIN, minimumRequests, twoYearLimit } from '../../src/datasets/windows.js';
import { backfill, resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { localDate, localMidnight } from '../../src/normalize/time.js';
import { DAY, NOW_MS, apiHits, startE2eWorld, type E2eWorld } from './support.js';

const DATASETS: DatasetName[] = [
  'production_micro',
  'production_meter',
  'rgm',
  'consumption',
  'battery',
  'grid_import',
  'grid_export',
  'energy_daily',
  'events',
  'system',
  'latest',
  'config',
];

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 1, seed: 11 });
  runtime = w.runtime();
});
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

it('a 2-year backfill of one system uses exactly the minimum number of requests', async () => {
  const now = Math.floor(NOW_MS / 1000);
  const id = w.sim.fleet.ids()[0]!;
  const [entry] = await resolveSystems(runtime, [id]); // discovery first, outside the count
  const fromDate = localDate(now - 2 * 366 * DAY, entry!.timeZone);
  const from = localMidnight(fromDate, entry!.timeZone);
  const planned = DATASETS.filter((d) => EXTRACTORS[d].appliesTo(entry!)).reduce(
    (sum, d) => sum + EXTRACTORS[d].requestCount(entry!, from, now, now),
    0,
  );
  w.sim.requestLog.clear();
  const summary = await backfill(runtime, { systems: [id], fromDate, datasets: DATASETS, force: false });
  expect(summary.failed).toEqual([]);
  expect(apiHits(w.sim)).toBe(planned);
  // 5-minute site telemetry: one request per day of the API's 2-year window, not one more.
  const range = clampedRange(
    {
      dataset: 'production_micro',
      from,
      to: now,
      now,
      operationalAt: entry!.operationalAt,
      timeZone: entry!.timeZone,
    },
    300,
    twoYearLimit(now, entry!.timeZone) + LIMIT_MARGIN,
  );
  const microRequests = w.sim.requestLog.count({
    route: '/api/v4/systems/{system_id}/telemetry/production_micro',
  });
  expect(microRequests).toBe(minimumRequests(range.start, range.end, DAY));
  expect(microRequests).toBeGreaterThan(700);
}, 180_000);
