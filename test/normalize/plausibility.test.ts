// The plausibility step (DESIGN §3, docs/schema.md "Plausibility bounds"): spec-shaped bodies
// with the implausible values the issue found written to InfluxDB are normalized, and not one of
// those points passes; plausible neighbours in the same window do, and the bounds sit where the
// docs say.
import { NORMALIZERS } from '../../src/datasets/normalizers.js';
import type { DataPoint, NormalizeContext } from '../../src/normalize/index.js';
import { EARLIEST_UNKNOWN, PlausibilityCheck, plausibilityLimits } from '../../src/normalize/plausibility.js';

const NOW = Date.UTC(2026, 5, 15, 12) / 1000;
const OPERATIONAL = Date.UTC(2024, 2, 1, 9) / 1000;
const SYSTEM = 698905955;
const check = new PlausibilityCheck(plausibilityLimits({ operationalAt: OPERATIONAL, micros: 20, now: NOW }));

function normalize(op: keyof typeof NORMALIZERS, body: unknown, ctx: Partial<NormalizeContext> = {}) {
  const normalizer = NORMALIZERS[op] as (body: unknown, ctx: NormalizeContext) => DataPoint[];
  return normalizer(body, {
    systemId: SYSTEM,
    observedAt: NOW,
    timeZone: 'America/Los_Angeles',
    now: NOW,
    ...ctx,
  });
}

const end = (i: number) => NOW - 86_400 + (i + 1) * 900;

describe('implausible answers found in the wild are not written', () => {
  it('latest points dated 1967–1972 (last_report_at taken unchecked)', () => {
    const points = normalize('getLatestSystemTelemetry', {
      system_id: SYSTEM,
      devices: {
        meters: [
          { name: 'production', channel: 1, last_report_at: -86_400_000, power: 1200 }, // 1967
          { name: 'consumption', channel: 1, last_report_at: 70_000_000, power: 300 }, // 1972
          { name: 'production', channel: 2, last_report_at: NOW - 300, power: 1100 },
        ],
      },
    });
    const checked = check.filter(points);
    expect(checked.points.map((p) => p.time)).toEqual([NOW - 300]);
    expect(checked.rejected).toEqual({ time_before_operation: 2 });
    expect(checked.first).toMatchObject({ measurement: 'latest', field: 'time', value: -86_400_000 });
  });

  it('a power_w of −80,042,933', () => {
    const production = normalize(
      'getProductionMicroTelemetry',
      {
        system_id: SYSTEM,
        intervals: [{ end_at: end(0), powr: -80_042_933, enwh: 10, devices_reporting: 20 }],
      },
      {},
    );
    const latest = normalize('getLatestSystemTelemetry', {
      devices: { encharges: [{ id: 1, last_report_at: NOW - 60, power: -80_042_933 }] },
    });
    expect(check.filter(production)).toMatchObject({ points: [], rejected: { negative_power: 1 } });
    expect(check.filter(latest)).toMatchObject({ points: [], rejected: { power_above_bound: 1 } });
  });

  it('a reserve_soc_pct of 47,430,891', () => {
    const points = normalize('getSystemBatterySettings', { system_id: SYSTEM, reserve_soc: 47_430_891 });
    expect(check.filter(points)).toMatchObject({
      points: [],
      rejected: { percent_out_of_range: 1 },
      first: { field: 'reserve_soc_pct', value: 47_430_891 },
    });
  });

  it('negative energy_wh and negative devices_reporting, next to a plausible interval', () => {
    const points = normalize('getProductionMeterTelemetry', {
      system_id: SYSTEM,
      intervals: [
        { end_at: end(0), wh_del: -5, devices_reporting: 1 },
        { end_at: end(1), wh_del: 250, devices_reporting: -3 },
        { end_at: end(2), wh_del: 260, devices_reporting: 1 },
      ],
    });
    const checked = check.filter(points);
    expect(checked.points.map((p) => p.fields)).toEqual([{ energy_wh: 260, devices_reporting: 1 }]);
    expect(checked.rejected).toEqual({ negative_energy: 1, negative_count: 1 });
    expect(checked.rejectedCount).toBe(2);
  });

  it('a battery SoC above 100 % and a daily energy below zero', () => {
    const battery = normalize('getBatteryTelemetry', {
      intervals: [{ end_at: end(0), soc: { percent: 101 } }],
    });
    const daily = normalize('getEnergyLifetime', { start_date: '2026-06-10', production: [1000, -1] });
    expect(check.filter(battery).rejected).toEqual({ percent_out_of_range: 1 });
    expect(check.filter(daily)).toMatchObject({
      points: [{ fields: { energy_wh: 1000 } }],
      rejectedCount: 1,
    });
  });
});

describe('bounds', () => {
  const point = (over: Partial<DataPoint>): DataPoint => ({
    measurement: 'production',
    tags: { system_id: '1', source: 'meter' },
    fields: { energy_wh: 1 },
    time: NOW - 900,
    ...over,
  });
  const reason = (p: DataPoint) => check.reject(p)?.reason;

  it('times: operational date − 25 h to now + 1 h, 2000-01-01 when the date is unknown', () => {
    expect(reason(point({ time: OPERATIONAL - 90_000 }))).toBeUndefined();
    expect(reason(point({ time: OPERATIONAL - 90_001 }))).toBe('time_before_operation');
    expect(reason(point({ time: NOW + 3_600 }))).toBeUndefined();
    expect(reason(point({ time: NOW + 3_601 }))).toBe('time_in_future');
    const unknown = plausibilityLimits({ operationalAt: null, now: NOW });
    expect(unknown.earliest).toBe(EARLIEST_UNKNOWN);
    expect(new Date(EARLIEST_UNKNOWN * 1000).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    // Epoch-second fields have the same range as timestamps.
    const system = { measurement: 'system', tags: { system_id: '1' }, time: NOW };
    expect(reason({ ...system, fields: { last_report_at: 70_000_000 } })).toBe('time_before_operation');
    expect(reason({ ...system, fields: { last_report_at: NOW + 7_200 } })).toBe('time_in_future');
    expect(reason({ ...system, fields: { last_report_at: NOW - 60, name: 'x' } })).toBeUndefined();
  });

  it('energy per interval from the system size: micros × 500 W × interval × 2', () => {
    // 20 micros: 10 kW nominal, 15 min → 2 500 Wh, × 2 headroom = 5 000 Wh.
    expect(reason(point({ fields: { energy_wh: 5_000 } }))).toBeUndefined();
    expect(reason(point({ fields: { energy_wh: 5_001 } }))).toBe('energy_above_bound');
    // One micro over 5 minutes: 500 W × 2 × 300 s = 83.3 Wh.
    const micro = { measurement: 'micro', tags: { system_id: '1', serial: 'M' }, time: NOW - 300 };
    expect(reason({ ...micro, fields: { energy_wh: 83 } })).toBeUndefined();
    expect(reason({ ...micro, fields: { energy_wh: 84 } })).toBe('energy_above_bound');
    expect(reason({ ...micro, fields: { power_w: 1_001 } })).toBe('power_above_bound');
  });

  it('without micros, a generous site bound; consumption is never bound by the PV size', () => {
    const noMicros = new PlausibilityCheck(plausibilityLimits({ operationalAt: null, micros: 0, now: NOW }));
    expect(noMicros.reject(point({ fields: { energy_wh: 100_000 } }))).toBeUndefined();
    expect(noMicros.reject(point({ fields: { energy_wh: 2_500_001 } }))?.reason).toBe('energy_above_bound');
    const consumption = { measurement: 'consumption', tags: { system_id: '1' }, time: NOW - 900 };
    expect(reason({ ...consumption, fields: { energy_wh: 50_000 } })).toBeUndefined();
  });

  it('signed powers: a meter or battery may read below zero, within the bound', () => {
    const latest = { measurement: 'latest', tags: { system_id: '1', kind: 'consumption' }, time: NOW };
    expect(reason({ ...latest, fields: { power_w: -4_000 } })).toBeUndefined();
    expect(reason({ ...latest, fields: { power_w: -10_000_001 } })).toBe('power_above_bound');
  });

  it('returns the same array when nothing is rejected', () => {
    const points = [point({}), point({ time: NOW - 1_800 })];
    const checked = check.filter(points);
    expect(checked.points).toBe(points);
    expect(checked).toMatchObject({ rejected: {}, rejectedCount: 0 });
    expect(checked.first).toBeUndefined();
  });
});
