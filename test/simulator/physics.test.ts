// The physics over HTTP, checked against itself and the model's truth API: zeros at night, micros
// adding up to the site, meters close to the micros, daily series equal to the sums of their local
// day's intervals (DST days of 23 and 25 hours included), a battery within its bounds, grid flows
// as the residual, and late devices filling recent intervals in as the clock advances.
import type { SystemProfile } from '../../src/simulator/index.js';
import { addDays, localDate, localMidnight } from '../../src/simulator/model/local-time.js';
import { manualClock, startApi, type Api } from './helpers.js';

const NOW = Date.UTC(2026, 10, 20, 20, 0, 0);
const clock = manualClock(NOW);
let api: Api;

interface Interval {
  end_at: number;
  devices_reporting?: number;
  enwh?: number;
  powr?: number;
  wh_del?: number;
}

beforeAll(async () => {
  api = await startApi({ systems: 12, now: clock.now, accessTokenTtlSec: 10 * 365 * 86_400 });
});
afterAll(async () => api?.sim.close());
beforeEach(() => clock.set(NOW));

async function json<T>(path: string): Promise<T> {
  const res = await api.get(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body as T;
}

/** Every interval of a local day from a telemetry endpoint (two calls cover a 25-hour day). */
async function dayIntervals<T extends { end_at: number }>(
  path: string,
  dayStart: number,
  dayEnd: number,
  field = 'intervals',
): Promise<T[]> {
  const out: T[] = [];
  for (let start = dayStart; start < dayEnd; start += 86_400) {
    const sep = path.includes('?') ? '&' : '?';
    const body = await json<Record<string, unknown>>(`${path}${sep}start_at=${start}&granularity=day`);
    const intervals = body[field] as T[] | T[][];
    const flat = (
      intervals.length > 0 && Array.isArray(intervals[0]) ? (intervals as T[][]).flat() : intervals
    ) as T[];
    out.push(...flat.filter((i) => i.end_at > dayStart && i.end_at <= dayEnd && i.end_at > start));
  }
  return out;
}

function find(predicate: (s: SystemProfile) => boolean, what: string): SystemProfile {
  const system = api.sim.fleet.systems().find(predicate);
  if (!system) throw new Error(`the test fleet has no ${what}`);
  return system;
}

test('no production at night, plenty at noon', async () => {
  const la = api.sim.fleet.system(100001)!;
  expect(la.place.timezone).toBe('US/Pacific');
  const start = localMidnight('2026-11-18', 'US/Pacific');
  const intervals = await dayIntervals<Interval>(
    `/api/v4/systems/${la.id}/telemetry/production_micro`,
    start,
    start + 86_400,
  );
  expect(intervals).toHaveLength(288);
  const at = (hour: number) =>
    intervals.filter((i) => i.end_at > start + hour * 3600 && i.end_at <= start + (hour + 1) * 3600);
  for (const hour of [0, 1, 2, 3, 4, 21, 22, 23]) for (const i of at(hour)) expect(i.enwh).toBe(0);
  const noon = at(12).reduce((sum, i) => sum + i.enwh!, 0);
  const ratedWh = la.micros.reduce((sum, m) => sum + m.ratedW, 0);
  expect(noon).toBeGreaterThan(0.1 * ratedWh);
  expect(noon).toBeLessThan(ratedWh);
  for (const i of intervals) expect(i.powr).toBe(i.enwh! * 12);
});

test('the micros add up to the site, interval by interval', async () => {
  const system = api.sim.fleet.systems().reduce((a, b) => (b.micros.length < a.micros.length ? b : a));
  const zone = system.place.timezone;
  const start = localMidnight('2026-11-15', zone);
  const site = await json<{ intervals: Interval[]; total_devices: number }>(
    `/api/v4/systems/${system.id}/telemetry/production_micro?start_at=${start}`,
  );
  expect(site.total_devices).toBe(system.micros.length);
  const sums = new Map<number, number>();
  for (const micro of system.micros) {
    const body = await json<{ intervals: Interval[] }>(
      `/api/v4/systems/${system.id}/devices/micros/${micro.serial}/telemetry?start_at=${start}`,
    );
    for (const i of body.intervals) sums.set(i.end_at, (sums.get(i.end_at) ?? 0) + i.enwh!);
  }
  expect(site.intervals).toHaveLength(288);
  expect(site.intervals.some((i) => i.enwh! > 0)).toBe(true);
  for (const i of site.intervals)
    expect({ end_at: i.end_at, enwh: sums.get(i.end_at) }).toEqual({ end_at: i.end_at, enwh: i.enwh });
});

test('the production meter stays within a few percent of the micros', async () => {
  const system = find(
    (s) => s.productionMeter !== null && s.productionMeter.startAt < NOW / 1000 - 30 * 86_400,
    'production meter',
  );
  const zone = system.place.timezone;
  for (const day of ['2026-11-10', '2026-11-11', '2026-11-12']) {
    const start = localMidnight(day, zone);
    const micro = await dayIntervals<Interval>(
      `/api/v4/systems/${system.id}/telemetry/production_micro`,
      start,
      start + 86_400,
    );
    const meter = await dayIntervals<Interval>(
      `/api/v4/systems/${system.id}/telemetry/production_meter`,
      start,
      start + 86_400,
    );
    const microSum = micro.reduce((s, i) => s + i.enwh!, 0);
    const meterSum = meter.reduce((s, i) => s + i.wh_del!, 0);
    expect(microSum).toBeGreaterThan(0);
    expect(Math.abs(meterSum - microSum) / microSum).toBeLessThan(0.05);
  }
});

/** DST transition days (local) of the zones in the fleet: 23 or 25 hours long. */
const DST_DAYS: Record<string, string[]> = {
  'US/Pacific': ['2026-11-01', '2026-03-08'],
  'Australia/Sydney': ['2026-10-04', '2026-04-05'],
};

for (const zone of Object.keys(DST_DAYS)) {
  test(`daily series equal the sums of their local day's intervals, DST days included (${zone})`, async () => {
    const system = find(
      (s) =>
        s.place.timezone === zone &&
        s.consumptionMeter !== null &&
        s.operationalAt < localMidnight(DST_DAYS[zone]![1]!, zone) - 86_400,
      `${zone} system with a consumption meter`,
    );
    const days = [...DST_DAYS[zone]!, '2026-11-16'];
    const lengths = new Set<number>();
    for (const day of days) {
      const range = `start_date=${day}&end_date=${day}`;
      const energy = await json<{ micro_production: number[] }>(
        `/api/v4/systems/${system.id}/energy_lifetime?${range}&production=all`,
      );
      const consumption = await json<{ consumption: number[] }>(
        `/api/v4/systems/${system.id}/consumption_lifetime?${range}`,
      );
      const imports = await json<{ import: number[] }>(
        `/api/v4/systems/${system.id}/energy_import_lifetime?${range}`,
      );
      const exports = await json<{ export: number[] }>(
        `/api/v4/systems/${system.id}/energy_export_lifetime?${range}`,
      );
      const index = 0;
      const start = localMidnight(day, zone);
      const end = localMidnight(addDays(day, 1), zone);
      lengths.add((end - start) / 3600);
      const micro = await dayIntervals<Interval>(
        `/api/v4/systems/${system.id}/telemetry/production_micro`,
        start,
        end,
      );
      expect(micro).toHaveLength((end - start) / 300);
      expect(energy.micro_production[index]).toBe(micro.reduce((s, i) => s + i.enwh!, 0));
      const load = await dayIntervals<Interval>(
        `/api/v4/systems/${system.id}/telemetry/consumption_meter`,
        start,
        end,
      );
      expect(load).toHaveLength((end - start) / 900);
      expect(consumption.consumption[index]).toBe(load.reduce((s, i) => s + i.enwh!, 0));
      const imp = await dayIntervals<{ end_at: number; wh_imported: number }>(
        `/api/v4/systems/${system.id}/energy_import_telemetry`,
        start,
        end,
      );
      expect(imports.import[index]).toBe(imp.reduce((s, i) => s + i.wh_imported, 0));
      const exp = await dayIntervals<{ end_at: number; wh_exported: number }>(
        `/api/v4/systems/${system.id}/energy_export_telemetry`,
        start,
        end,
      );
      expect(exports.export[index]).toBe(exp.reduce((s, i) => s + i.wh_exported, 0));
    }
    expect([...lengths].sort()).toEqual([23, 24, 25]);
  });
}

test('battery: flows sum to the daily series, state of charge within reserve and full, grid is the residual', async () => {
  const system = find(
    (s) =>
      s.batteries.length > 0 && s.consumptionMeter !== null && s.operationalAt < NOW / 1000 - 30 * 86_400,
    'battery',
  );
  const zone = system.place.timezone;
  const day = '2026-11-12';
  const start = localMidnight(day, zone);
  const end = localMidnight(addDays(day, 1), zone);
  const intervals = await dayIntervals<{
    end_at: number;
    charge: { enwh: number };
    discharge: { enwh: number };
    soc: { percent: number };
  }>(`/api/v4/systems/${system.id}/telemetry/battery`, start, end);
  const lifetime = await json<{ charge: number[]; discharge: number[] }>(
    `/api/v4/systems/${system.id}/battery_lifetime?start_date=${day}&end_date=${day}`,
  );
  expect(lifetime.charge[0]).toBe(intervals.reduce((s, i) => s + i.charge.enwh, 0));
  expect(lifetime.discharge[0]).toBe(intervals.reduce((s, i) => s + i.discharge.enwh, 0));
  expect(lifetime.charge[0]).toBeGreaterThan(0);
  expect(lifetime.discharge[0]).toBeGreaterThan(0);
  for (const i of intervals) {
    expect(i.soc.percent).toBeGreaterThanOrEqual(9);
    expect(i.soc.percent).toBeLessThanOrEqual(100);
    expect(i.charge.enwh === 0 || i.discharge.enwh === 0).toBe(true);
  }
  const fleet = api.sim.fleet;
  const model = fleet.model(system.id);
  for (const i of intervals) {
    const grid = fleet.grid(system.id, i.end_at, NOW)!;
    const residual =
      model.loadWh(i.end_at) - model.production15Wh(i.end_at) + i.charge.enwh - i.discharge.enwh;
    // Per-battery rounding: the site value is the sum of rounded device values.
    expect(Math.abs(grid.importWh - grid.exportWh - residual)).toBeLessThanOrEqual(system.batteries.length);
    if (model.production15Wh(i.end_at) === 0) expect(i.charge.enwh).toBe(0);
  }
});

test('energy_lifetime merges micros before the meter start date and the meter after it', async () => {
  const system = find(
    (s) =>
      s.productionMeter !== null &&
      s.productionMeter.startAt > s.operationalAt + 2 * 86_400 &&
      s.productionMeter.startAt < NOW / 1000 - 10 * 86_400,
    'late meter',
  );
  const body = await json<{
    start_date: string;
    meter_start_date: string;
    production: number[];
    micro_production: number[];
    meter_production: number[];
  }>(`/api/v4/systems/${system.id}/energy_lifetime?production=all`);
  const split = Math.round((Date.parse(body.meter_start_date) - Date.parse(body.start_date)) / 86_400_000);
  expect(split).toBeGreaterThan(0);
  expect(body.production.slice(0, split)).toEqual(body.micro_production.slice(0, split));
  expect(body.production.slice(split)).toEqual(body.meter_production.slice(split));
  expect(body.meter_production.slice(0, split).every((v) => v === 0)).toBe(true);
});

test('recent intervals report fewer devices and lower values, then fill in as the clock advances', async () => {
  const la = api.sim.fleet.system(100001)!;
  const noon = localMidnight('2026-11-19', 'US/Pacific') + 12 * 3600 + 7 * 60;
  clock.set(noon * 1000);
  const window = `/api/v4/systems/${la.id}/telemetry/production_micro?start_at=${noon - 3 * 3600}`;
  const early = await json<{ intervals: Interval[]; total_devices: number }>(window);
  const lifetimeEarly = await json<{ production: number[] }>(
    `/api/v4/systems/${la.id}/energy_lifetime?start_date=2026-11-19&end_date=2026-11-19`,
  );
  const partial = early.intervals.filter((i) => i.devices_reporting! < early.total_devices);
  expect(partial.length).toBeGreaterThan(0);
  clock.set((noon + 13 * 3600) * 1000);
  const late = await json<{ intervals: Interval[] }>(window);
  const lateByEnd = new Map(late.intervals.map((i) => [i.end_at, i]));
  expect(late.intervals.length).toBeGreaterThanOrEqual(early.intervals.length);
  for (const i of late.intervals) if (i.end_at <= noon) expect(i.devices_reporting).toBe(early.total_devices);
  let grew = 0;
  for (const i of early.intervals) {
    const after = lateByEnd.get(i.end_at)!;
    expect(after.enwh!).toBeGreaterThanOrEqual(i.enwh!);
    if (after.enwh! > i.enwh!) grew += 1;
    expect(after.enwh).toBe(api.sim.fleet.productionMicro(la.id, i.end_at, clock.now())!.enwh);
  }
  expect(grew).toBeGreaterThan(0);
  const lifetimeLate = await json<{ production: number[] }>(
    `/api/v4/systems/${la.id}/energy_lifetime?start_date=2026-11-19&end_date=2026-11-19`,
  );
  expect(lifetimeLate.production[0]!).toBeGreaterThan(lifetimeEarly.production[0]!);
});

test('cellular systems report in 6-hour batches, never more than 12 hours late', () => {
  const cellular = find((s) => s.connectionType === 'cellular', 'cellular system');
  const fleet = api.sim.fleet;
  const nowSec = NOW / 1000;
  const base = nowSec - (nowSec % 300);
  let missing = 0;
  for (let t = base - 12 * 3600; t <= base; t += 300) {
    const v = fleet.productionMicro(cellular.id, t, NOW);
    if (nowSec - t >= 12 * 3600) expect(v?.devicesReporting).toBe(cellular.micros.length);
    if (v === null) missing += 1;
  }
  // Up to 6 hours of intervals wait for the next upload.
  expect(missing).toBeGreaterThan(0);
  expect(missing).toBeLessThanOrEqual((6 * 3600 + 600) / 300);
});

test('summary: energy_today is today so far, energy_lifetime close to the sum of the daily series', async () => {
  const system = api.sim.fleet.systems().reduce((a, b) => (b.operationalAt > a.operationalAt ? b : a));
  const zone = system.place.timezone;
  const nowSec = NOW / 1000;
  const today = localDate(nowSec, zone);
  const summary = await json<{
    energy_today: number;
    energy_lifetime: number;
    current_power: number;
    summary_date: string;
    source: string;
  }>(`/api/v4/systems/${system.id}/summary`);
  expect(summary.summary_date).toBe(today);
  const todaySeries = await json<{ production: number[] }>(
    `/api/v4/systems/${system.id}/energy_lifetime?start_date=${today}&end_date=${today}`,
  );
  expect(summary.energy_today).toBe(todaySeries.production[0]);
  const all = await json<{ micro_production: number[] }>(
    `/api/v4/systems/${system.id}/energy_lifetime?production=all&end_date=${today}`,
  );
  const exact = all.micro_production.reduce((s, v) => s + v, 0);
  expect(exact).toBeGreaterThan(0);
  expect(Math.abs(summary.energy_lifetime - exact) / exact).toBeLessThan(0.1);
});

test('the micros option sizes every system: the devices list and the site sum follow it', async () => {
  const sized = await startApi({ systems: 2, micros: 100, now: clock.now, accessTokenTtlSec: 86_400 });
  try {
    for (const id of [100001, 100002]) {
      expect(sized.sim.fleet.system(id)!.micros).toHaveLength(100);
      const res = await sized.get(`/api/v4/systems/${id}/devices`);
      const body = res.body as { devices: { micros: unknown[] } };
      expect(body.devices.micros).toHaveLength(100);
    }
    // Noon in LA the day before (every micro has reported by now): all 100 count in the site's interval.
    const noon = Date.UTC(2026, 10, 19, 20, 0, 0) / 1000;
    const site = sized.sim.fleet.productionMicro(100001, noon, NOW);
    expect(site?.devicesReporting).toBe(100);
  } finally {
    await sized.sim.close();
  }
});
