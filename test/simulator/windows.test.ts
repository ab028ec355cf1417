// The spec's window rules over HTTP: defaults to local midnight, start rounded down to the
// interval mark, end = min(now, start + span), the 2-year limit, 422 bodies for bad parameters.
import { localMidnight, localDate } from '../../src/simulator/model/local-time.js';
import { manualClock, startApi, type Api } from './helpers.js';

const NOW = Date.UTC(2026, 5, 20, 19, 7, 42); // 12:07:42 in Los Angeles (PDT)
const nowSec = Math.floor(NOW / 1000);
const clock = manualClock(NOW);
let api: Api;
const LA = 100001; // the first system is in US/Pacific

interface Series {
  start_at?: number;
  start_date?: string;
  end_at: number;
  granularity: string;
  intervals: { end_at: number }[];
}

beforeAll(async () => {
  api = await startApi({ systems: 6, now: clock.now });
});
afterAll(async () => api?.sim.close());

test('the default window starts at local midnight today and ends now', async () => {
  const zone = api.sim.fleet.system(LA)!.place.timezone;
  expect(zone).toBe('US/Pacific');
  const body = (await api.get(`/api/v4/systems/${LA}/telemetry/production_micro`)).body as Series;
  const midnight = localMidnight(localDate(nowSec, zone), zone);
  expect(body.granularity).toBe('day');
  expect(body.start_at).toBe(midnight);
  expect(body.end_at).toBe(nowSec);
  expect(body.intervals[0]!.end_at).toBe(midnight + 300);
  for (const i of body.intervals) expect(i.end_at).toBeLessThanOrEqual(nowSec);
});

test('start_at is rounded down to the interval mark and the span is clamped per granularity', async () => {
  const start = nowSec - 3 * 86_400 + 7 * 60 + 13;
  const micro = (await api.get(`/api/v4/systems/${LA}/telemetry/production_micro?start_at=${start}`))
    .body as Series;
  expect(micro.start_at).toBe(start - (start % 300));
  expect(micro.end_at).toBe(micro.start_at! + 86_400);
  expect(micro.intervals).toHaveLength(288);

  const quarter = (
    await api.get(`/api/v4/systems/${LA}/telemetry/consumption_meter?start_at=${start}&granularity=15mins`)
  ).body as Series;
  expect(quarter.start_at).toBe(start - (start % 900));
  expect(quarter.intervals.map((i) => i.end_at)).toEqual([quarter.start_at! + 900]);

  const week = (
    await api.get(
      `/api/v4/systems/${LA}/telemetry/production_meter?start_at=${nowSec - 10 * 86_400}&granularity=week`,
    )
  ).body as Series;
  expect(week.intervals).toHaveLength(672);
  expect(week.end_at - week.start_at!).toBe(7 * 86_400);

  // end = now when start + span lies in the future
  const recent = (
    await api.get(`/api/v4/systems/${LA}/telemetry/battery?start_at=${nowSec - 3600}&granularity=week`)
  ).body as Series;
  expect(recent.end_at).toBe(nowSec);

  const rgm = (
    await api.get(`/api/v4/systems/${LA}/rgm_stats?start_at=${nowSec - 20 * 86_400 + 61}&end_at=${nowSec}`)
  ).body as {
    intervals: { end_at: number }[];
  };
  const rgmStart = nowSec - 20 * 86_400 + 61 - ((nowSec - 20 * 86_400 + 61) % 900);
  expect(rgm.intervals[0]!.end_at).toBe(rgmStart + 900);
  expect(rgm.intervals.at(-1)!.end_at).toBe(rgmStart + 7 * 86_400);
});

test('start_date is accepted and echoed instead of start_at', async () => {
  const body = (
    await api.get(`/api/v4/systems/${LA}/telemetry/production_micro?start_date=2026-06-18&granularity=15mins`)
  ).body as Series;
  expect(body.start_date).toBe('2026-06-18');
  expect(body.start_at).toBeUndefined();
  expect(body.intervals[0]!.end_at).toBe(localMidnight('2026-06-18', 'US/Pacific') + 300);
});

test('bad parameters answer 422 with the spec body', async () => {
  const cases = [
    `/api/v4/systems/${LA}/telemetry/production_micro?granularity=week`,
    `/api/v4/systems/${LA}/telemetry/production_micro?granularity=hour`,
    `/api/v4/systems/${LA}/telemetry/production_meter?granularity=5mins`,
    `/api/v4/systems/${LA}/energy_import_telemetry?granularity=week`,
    `/api/v4/systems/${LA}/telemetry/production_micro?start_at=yesterday`,
    `/api/v4/systems/${LA}/telemetry/production_micro?start_at=${nowSec + 3600}`,
    `/api/v4/systems/${LA}/telemetry/production_micro?start_date=2026-02-30`,
    `/api/v4/systems/${LA}/rgm_stats?start_at=${nowSec - 3600}&end_at=${nowSec - 7200}`,
    `/api/v4/systems/${LA}/energy_lifetime?end_date=2026-07-01`,
    `/api/v4/systems/${LA}/energy_lifetime?start_date=2026-06-10&end_date=2026-06-01`,
    `/api/v4/systems/${LA}/consumption_lifetime?start_date=20260601`,
  ];
  for (const path of cases) {
    const res = await api.get(path);
    expect({ path, status: res.status }).toEqual({ path, status: 422 });
    expect(res.body).toMatchObject({ message: 'Unprocessable Entity', code: 422 });
    expect(typeof (res.body as { details: unknown }).details).toBe('string');
  }
});

test('interval data is limited to the last 2 years', async () => {
  const twoYearsAgo = Date.UTC(2024, 5, 20, 19, 7, 42) / 1000;
  const tooOld = await api.get(
    `/api/v4/systems/${LA}/telemetry/production_micro?start_at=${twoYearsAgo - 900}`,
  );
  expect(tooOld.status).toBe(422);
  expect((tooOld.body as { details: string }).details).toMatch(/2 years/);
  expect((await api.get(`/api/v4/systems/${LA}/rgm_stats?start_at=${twoYearsAgo - 900}`)).status).toBe(422);
  const justInside = await api.get(
    `/api/v4/systems/${LA}/telemetry/production_micro?start_at=${twoYearsAgo + 900}`,
  );
  expect(justInside.status).toBe(200);
});

test('a start before the system existed begins at local midnight of its first day', async () => {
  const young = api.sim.fleet
    .systems()
    .find((s) => s.operationalAt > nowSec - 600 * 86_400 && s.operationalAt < nowSec - 2 * 86_400)!;
  expect(young).toBeDefined();
  const zone = young.place.timezone;
  const body = (
    await api.get(
      `/api/v4/systems/${young.id}/telemetry/production_micro?start_at=${young.operationalAt - 30 * 86_400}`,
    )
  ).body as Series;
  expect(body.start_at).toBe(localMidnight(localDate(young.operationalAt, zone), zone));
});

test('lifetime series default from the operational date to yesterday, one value per local day', async () => {
  const system = api.sim.fleet.system(LA)!;
  const zone = system.place.timezone;
  const body = (await api.get(`/api/v4/systems/${LA}/energy_lifetime`)).body as {
    start_date: string;
    production: number[];
  };
  expect(body.start_date).toBe(localDate(system.operationalAt, zone));
  const days = Math.round((Date.parse('2026-06-19') - Date.parse(body.start_date)) / 86_400_000) + 1;
  expect(body.production).toHaveLength(days);
  const clamped = (
    await api.get(
      `/api/v4/systems/${LA}/consumption_lifetime?start_date=2000-01-01&end_date=${body.start_date}`,
    )
  ).body as { start_date: string; consumption: number[] };
  expect(clamped.start_date).toBe(body.start_date);
  expect(clamped.consumption).toHaveLength(1);
});

test('unknown systems and devices answer 404 with the spec body', async () => {
  const res = await api.get('/api/v4/systems/999/telemetry/production_micro');
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ message: 'Not Found', details: 'System not found for {:id=>"999"}', code: 404 });
  const micro = await api.get(`/api/v4/systems/${LA}/devices/micros/000000/telemetry`);
  expect(micro.status).toBe(404);
  expect(micro.body).toMatchObject({ message: 'Not Found', code: 404 });
});
