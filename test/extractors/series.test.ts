// Interval datasets against the simulator's model: a week extracted through the client equals,
// interval by interval, what `sim.fleet` says was visible at the simulated `now` — timestamps
// (interval starts on the grid), tags, every field and its integer-ness — and the requests made
// equal the extractor's pure requestCount and the planner's minimum.
import { EXTRACTORS, WINDOW_RULES, type DatasetName } from '../../src/datasets/index.js';
import type { SystemInfo } from '../../src/extractors/index.js';
import { minimumRequests } from '../../src/extractors/windows.js';
import type { DataPoint } from '../../src/normalize/point.js';
import {
  DAY,
  ID,
  allIntegers,
  byKey,
  extract,
  key,
  startExtractWorld,
  type ExtractWorld,
} from './support.js';

type Truth = (
  end: number,
) => { measurement?: string; tags: Record<string, string>; fields: Record<string, number> }[];

let w: ExtractWorld;
beforeAll(async () => {
  w = await startExtractWorld();
});
afterAll(() => w?.stop());

function expected(measurement: string, from: number, to: number, grid: number, truth: Truth): DataPoint[] {
  const out: DataPoint[] = [];
  for (let start = from; start < to; start += grid) {
    for (const point of truth(start + grid))
      out.push({
        measurement: point.measurement ?? measurement,
        tags: point.tags,
        fields: point.fields,
        time: start,
      });
  }
  return out;
}

interface Case {
  dataset: DatasetName;
  system: number;
  grid: number;
  /** Per-device datasets: how many devices the requests fan out to. */
  devices?: (info: SystemInfo) => number;
  expected(from: number, to: number): DataPoint[];
}

const nowMs = (): number => w.clock.ms;
const sys = (id: number): string => String(id);

const CASES: Case[] = [
  {
    dataset: 'production_micro',
    system: ID.la,
    grid: 300,
    expected: (from, to) =>
      expected('production', from, to, 300, (end) => {
        const v = w.world.sim.fleet.productionMicro(ID.la, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.la), source: 'micro' },
                fields: { power_w: v.powr, energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
            ]
          : [];
      }),
  },
  {
    dataset: 'production_meter',
    system: ID.berlin,
    grid: 900,
    expected: (from, to) =>
      expected('production', from, to, 900, (end) => {
        const v = w.world.sim.fleet.productionMeter(ID.berlin, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.berlin), source: 'meter' },
                fields: { energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
            ]
          : [];
      }),
  },
  {
    dataset: 'consumption',
    system: ID.kolkata,
    grid: 900,
    expected: (from, to) =>
      expected('consumption', from, to, 900, (end) => {
        const v = w.world.sim.fleet.consumption(ID.kolkata, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.kolkata) },
                fields: { energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
            ]
          : [];
      }),
  },
  {
    // Sydney over its DST end (2026-04-05 03:00 AEDT → 02:00 AEST): the UTC grid has no gap or repeat.
    dataset: 'consumption',
    system: ID.sydney,
    grid: 900,
    expected: (from, to) =>
      expected('consumption', from, to, 900, (end) => {
        const v = w.world.sim.fleet.consumption(ID.sydney, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.sydney) },
                fields: { energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
            ]
          : [];
      }),
  },
  {
    // Asia/Kolkata (+05:30): 5-minute intervals still start on the UTC grid.
    dataset: 'production_micro',
    system: ID.kolkata,
    grid: 300,
    expected: (from, to) =>
      expected('production', from, to, 300, (end) => {
        const v = w.world.sim.fleet.productionMicro(ID.kolkata, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.kolkata), source: 'micro' },
                fields: { power_w: v.powr, energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
            ]
          : [];
      }),
  },
  {
    dataset: 'battery',
    system: ID.la,
    grid: 900,
    expected: (from, to) =>
      expected('battery', from, to, 900, (end) => {
        const v = w.world.sim.fleet.battery(ID.la, end, nowMs());
        return v
          ? [
              {
                tags: { system_id: sys(ID.la) },
                fields: {
                  charge_wh: v.chargeWh,
                  discharge_wh: v.dischargeWh,
                  soc_pct: v.socPct,
                  devices_reporting: v.devicesReporting,
                },
              },
            ]
          : [];
      }),
  },
  {
    dataset: 'grid_import',
    system: ID.la,
    grid: 900,
    expected: (from, to) =>
      expected('grid', from, to, 900, (end) => {
        const v = w.world.sim.fleet.grid(ID.la, end, nowMs());
        return v ? [{ tags: { system_id: sys(ID.la) }, fields: { import_wh: v.importWh } }] : [];
      }),
  },
  {
    dataset: 'grid_export',
    system: ID.kolkata,
    grid: 900,
    expected: (from, to) =>
      expected('grid', from, to, 900, (end) => {
        const v = w.world.sim.fleet.grid(ID.kolkata, end, nowMs());
        return v ? [{ tags: { system_id: sys(ID.kolkata) }, fields: { export_wh: v.exportWh } }] : [];
      }),
  },
  {
    dataset: 'rgm',
    system: ID.berlin,
    grid: 900,
    expected: (from, to) =>
      expected('rgm', from, to, 900, (end): ReturnType<Truth> => {
        const v = w.world.sim.fleet.productionMeter(ID.berlin, end, nowMs());
        const profile = w.profile(ID.berlin);
        // A European meter: one channel, carrying the whole interval.
        return v
          ? [
              {
                tags: { system_id: sys(ID.berlin) },
                fields: { energy_wh: v.enwh, devices_reporting: v.devicesReporting },
              },
              {
                measurement: 'rgm_meter',
                tags: {
                  system_id: sys(ID.berlin),
                  meter_serial: profile.productionMeter!.serial,
                  envoy_serial: profile.envoySerial,
                  channel: '1',
                },
                fields: { energy_wh: v.enwh, power_w: v.enwh * 4 },
              },
            ]
          : [];
      }),
  },
  {
    dataset: 'micro',
    system: ID.phoenix,
    grid: 300,
    devices: (info) => info.devices.micros.length,
    expected: (from, to) => {
      const micros = w.profile(ID.phoenix).micros;
      return expected('micro', from, to, 300, (end) =>
        micros.flatMap((m, i) => {
          const v = w.world.sim.fleet.micro(ID.phoenix, i, end, nowMs());
          return v
            ? [
                {
                  tags: { system_id: sys(ID.phoenix), serial: m.serial },
                  fields: { power_w: v.powr, energy_wh: v.enwh },
                },
              ]
            : [];
        }),
      );
    },
  },
  {
    dataset: 'battery_device',
    system: ID.kolkata, // AC Batteries
    grid: 900,
    devices: (info) => info.devices.acbs.length + info.devices.encharges.length,
    expected: (from, to) => {
      const batteries = w.profile(ID.kolkata).batteries;
      return expected('battery_device', from, to, 900, (end) => {
        const v = w.world.sim.fleet.battery(ID.kolkata, end, nowMs());
        return batteries.flatMap((b, i) => {
          const d = v?.devices[i];
          return d
            ? [
                {
                  tags: { system_id: sys(ID.kolkata), serial: b.serial, type: b.type },
                  fields: { charge_wh: d.chargeWh, discharge_wh: d.dischargeWh, soc_pct: d.socPct },
                },
              ]
            : [];
        });
      });
    },
  },
  {
    dataset: 'battery_device',
    system: ID.sydney, // IQ Batteries, over Sydney's DST end
    grid: 900,
    devices: (info) => info.devices.acbs.length + info.devices.encharges.length,
    expected: (from, to) => {
      const batteries = w.profile(ID.sydney).batteries;
      return expected('battery_device', from, to, 900, (end) => {
        const v = w.world.sim.fleet.battery(ID.sydney, end, nowMs());
        return batteries.flatMap((b, i) => {
          const d = v?.devices[i];
          return d
            ? [
                {
                  tags: { system_id: sys(ID.sydney), serial: b.serial, type: b.type },
                  fields: { charge_wh: d.chargeWh, discharge_wh: d.dischargeWh, soc_pct: d.socPct },
                },
              ]
            : [];
        });
      });
    },
  },
];

describe.each(CASES)('$dataset of system $system over a week', (c) => {
  it('equals the model interval by interval, with the planned number of requests', async () => {
    const info = await w.info(c.system);
    const now = w.now();
    const to = Math.floor(now / 900) * 900;
    const from = to - 7 * DAY;
    const result = await extract(w, c.dataset, info, from, to);

    const want = c.expected(from, to);
    expect(want.length).toBeGreaterThan(0);
    expect(byKey(result.points)).toEqual(byKey(want));
    // Every timestamp is an interval start on the grid, inside the range.
    expect(result.points.every((p) => p.time % c.grid === 0 && p.time >= from && p.time < to)).toBe(true);
    expect(allIntegers(result.points, Object.keys(want[0]!.fields))).toBe(true);

    // Windows in time order, tiling the range; loadedUntil is each window's end.
    const windows = result.windows.map((x) => x.window);
    expect(windows[0]!.from).toBe(from);
    expect(windows.at(-1)!.to).toBe(to);
    windows.forEach((win, i) => i > 0 && expect(win.from).toBe(windows[i - 1]!.to));
    expect(result.windows.map((x) => x.loadedUntil)).toEqual(windows.map((x) => x.to));
    // Each window's points are its own.
    for (const x of result.windows)
      expect(x.points.every((p) => p.time >= x.window.from && p.time < x.window.to)).toBe(true);

    const rule = WINDOW_RULES[c.dataset];
    const span = rule.kind === 'telemetry' || rule.kind === 'range' ? rule.span : NaN;
    const devices = c.devices ? c.devices(info) : 1;
    expect(devices).toBeGreaterThan(0);
    expect(result.requests).toBe(EXTRACTORS[c.dataset].requestCount(info, from, to, now));
    expect(result.requests).toBe(minimumRequests(from, to, span) * devices);
  });
});

describe('rgm meter channels', () => {
  it('split each interval of the US meter into two channels that add up to the site value', async () => {
    const info = await w.info(ID.la);
    const to = Math.floor(w.now() / 900) * 900;
    const from = to - DAY;
    const result = await extract(w, 'rgm', info, from, to);
    const profile = w.profile(ID.la);
    const site = result.points.filter((p) => p.measurement === 'rgm');
    const channels = result.points.filter((p) => p.measurement === 'rgm_meter');
    expect(site.length).toBeGreaterThan(0);
    expect(channels).toHaveLength(site.length * 2);
    for (const p of site) {
      const v = w.world.sim.fleet.productionMeter(ID.la, p.time + 900, w.clock.ms)!;
      expect(p.fields).toEqual({ energy_wh: v.enwh, devices_reporting: 1 });
      const mine = channels.filter((c) => c.time === p.time);
      expect(mine.map((c) => c.tags.channel).sort()).toEqual(['1', '2']);
      expect(mine.reduce((sum, c) => sum + (c.fields.energy_wh as number), 0)).toBe(v.enwh);
      for (const c of mine) {
        expect(c.tags).toMatchObject({
          meter_serial: profile.productionMeter!.serial,
          envoy_serial: profile.envoySerial,
        });
        expect(c.fields.power_w).toBe((c.fields.energy_wh as number) * 4);
      }
    }
    expect(result.requests).toBe(1);
    expect(key(site[0]!)).toContain(`system_id=${ID.la}`);
  });
});

describe('systems without the device', () => {
  it('do not apply and cost nothing', async () => {
    const phoenix = await w.info(ID.phoenix); // no meters, no battery
    const berlin = await w.info(ID.berlin); // production meter only
    const to = Math.floor(w.now() / 900) * 900;
    for (const dataset of [
      'battery',
      'battery_device',
      'consumption',
      'grid_import',
      'production_meter',
      'rgm',
    ] as const) {
      expect(EXTRACTORS[dataset].appliesTo(phoenix)).toBe(false);
      expect(EXTRACTORS[dataset].requestCount(phoenix, to - DAY, to, w.now())).toBe(0);
      const result = await extract(w, dataset, phoenix, to - DAY, to);
      expect(result).toMatchObject({ points: [], requests: 0 });
    }
    expect(EXTRACTORS.battery.appliesTo(berlin)).toBe(false);
    expect(EXTRACTORS.production_meter.appliesTo(berlin)).toBe(true);
    expect(EXTRACTORS.ev_charger.appliesTo(berlin)).toBe(false);
  });
});
