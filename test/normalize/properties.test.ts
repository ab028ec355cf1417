// Property tests over generated responses: energy is preserved (after duplicates collapse, the
// last one winning), no two points share an identity, every stamp is on the grid and inside the
// requested window, and a null never turns into a 0.
import fc from 'fast-check';
import type { NormalizeContext } from '../../src/normalize/body-readers.js';
import { normalizeConsumptionLifetime } from '../../src/normalize/daily.js';
import { normalizeEnergyImportTelemetry } from '../../src/normalize/grid.js';
import type { DataPoint } from '../../src/normalize/point.js';
import { normalizeRgmStats } from '../../src/normalize/rgm.js';
import { normalizeProductionMeter, normalizeProductionMicro } from '../../src/normalize/telemetry.js';
import { localDate, localMidnight } from '../../src/normalize/time.js';

const DAY = 86_400;
const wh = fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null, freq: 4 });

/** An interval `index` slots after the window start, its end_at `jitter` seconds past the grid. */
const slot = (maxIndex: number, length: number) =>
  fc.record({
    index: fc.integer({ min: -3, max: maxIndex + 3 }), // a few outside the window on both sides
    jitter: fc.integer({ min: 0, max: length - 1 }),
    enwh: wh,
    powr: wh,
  });

/** Window start: a grid mark somewhere in 2024–2026. */
const windowStart = (length: number) =>
  fc
    .integer({ min: Math.ceil(1_704_067_200 / length), max: Math.floor(1_790_000_000 / length) })
    .map((n) => n * length);

function identity(p: DataPoint): string {
  const tags = Object.entries(p.tags)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${p.measurement},${tags}@${p.time}`;
}

function sum(points: readonly DataPoint[], field: string): number {
  return points.reduce(
    (s, p) => s + (typeof p.fields[field] === 'number' ? (p.fields[field] as number) : 0),
    0,
  );
}

function assertInvariants(
  points: readonly DataPoint[],
  grid: number,
  window: { from: number; to: number },
): void {
  const ids = new Set(points.map(identity));
  expect(ids.size).toBe(points.length);
  for (const p of points) {
    expect(p.time % grid).toBe(0);
    expect(p.time).toBeGreaterThanOrEqual(window.from);
    expect(p.time).toBeLessThan(window.to);
    expect(Object.keys(p.fields).length).toBeGreaterThan(0);
  }
}

describe('5-minute production_micro (one day window)', () => {
  it('preserves energy and power of the last copy of each interval, drops the rest', () => {
    fc.assert(
      fc.property(windowStart(300), fc.array(slot(287, 300), { maxLength: 400 }), (from, slots) => {
        const window = { from, to: from + DAY };
        const body = {
          intervals: slots.map((s) => ({
            end_at: from + (s.index + 1) * 300 + s.jitter,
            enwh: s.enwh,
            powr: s.powr,
            devices_reporting: 3,
          })),
        };
        const points = normalizeProductionMicro(body, { systemId: 9, window });
        assertInvariants(points, 300, window);

        // The truth: the last occurrence of each in-window slot.
        const last = new Map<number, (typeof slots)[number]>();
        for (const s of slots) if (s.index >= 0 && s.index < 288) last.set(s.index, s);
        expect(points).toHaveLength(last.size); // devices_reporting keeps even an all-null interval
        expect(sum(points, 'energy_wh')).toBe([...last.values()].reduce((t, s) => t + (s.enwh ?? 0), 0));
        expect(sum(points, 'power_w')).toBe([...last.values()].reduce((t, s) => t + (s.powr ?? 0), 0));
        for (const p of points) {
          const truth = last.get((p.time - from) / 300)!;
          expect(p.fields.energy_wh).toBe(truth.enwh ?? undefined);
          expect(p.fields.power_w).toBe(truth.powr ?? undefined);
        }
      }),
    );
  });
});

describe('15-minute production_meter (one week window)', () => {
  it('drops intervals that carry no value at all and keeps the energy of the rest', () => {
    fc.assert(
      fc.property(windowStart(900), fc.array(slot(671, 900), { maxLength: 300 }), (from, slots) => {
        const window = { from, to: from + 7 * DAY };
        const body = {
          intervals: slots.map((s) => ({ end_at: from + (s.index + 1) * 900 + s.jitter, wh_del: s.enwh })),
        };
        const points = normalizeProductionMeter(body, { systemId: 'x', window });
        assertInvariants(points, 900, window);
        // An empty copy is dropped before duplicates collapse: the last copy with a value wins.
        const last = new Map<number, number>();
        for (const s of slots)
          if (s.index >= 0 && s.index < 672 && s.enwh !== null) last.set(s.index, s.enwh);
        const kept = [...last.values()];
        expect(points).toHaveLength(kept.length);
        expect(sum(points, 'energy_wh')).toBe(kept.reduce((t, v) => t + v!, 0));
      }),
    );
  });
});

describe('import telemetry (nested arrays)', () => {
  it('sums the inner arrays per interval; within one array the last copy wins', () => {
    fc.assert(
      fc.property(
        windowStart(900),
        fc.array(fc.array(slot(95, 900), { maxLength: 120 }), { maxLength: 4 }),
        (from, arrays) => {
          const window = { from, to: from + DAY };
          const body = {
            intervals: arrays.map((slots) =>
              slots.map((s) => ({ end_at: from + (s.index + 1) * 900 + s.jitter, wh_imported: s.enwh })),
            ),
          };
          const points = normalizeEnergyImportTelemetry(body, { systemId: 1, window });
          assertInvariants(points, 900, window);
          let expected = 0;
          const slotsWithValue = new Set<number>();
          for (const slots of arrays) {
            const last = new Map<number, number>();
            for (const s of slots)
              if (s.index >= 0 && s.index < 96 && s.enwh !== null) last.set(s.index, s.enwh);
            for (const [index, v] of last) {
              expected += v;
              slotsWithValue.add(index);
            }
          }
          expect(sum(points, 'import_wh')).toBe(expected);
          expect(points).toHaveLength(slotsWithValue.size);
        },
      ),
    );
  });
});

describe('rgm_stats meter intervals', () => {
  it('one series per meter and channel, energy preserved per series', () => {
    fc.assert(
      fc.property(
        windowStart(900),
        fc.array(
          fc.record({
            meter: fc.constantFrom('M1', 'M2'),
            channel: fc.constantFrom(1, 2),
            slots: fc.array(slot(671, 900), { maxLength: 40 }),
          }),
          { maxLength: 4 },
        ),
        (from, meters) => {
          const window = { from, to: from + 7 * DAY };
          const body = {
            meter_intervals: meters.map((m) => ({
              meter_serial_number: m.meter,
              envoy_serial_number: 'E1',
              intervals: m.slots.map((s) => ({
                channel: m.channel,
                end_at: from + (s.index + 1) * 900 + s.jitter,
                wh_del: s.enwh,
              })),
            })),
          };
          const points = normalizeRgmStats(body, { systemId: 1, window });
          assertInvariants(points, 900, window);
          const last = new Map<string, number>();
          for (const m of meters) {
            for (const s of m.slots) {
              if (s.index >= 0 && s.index < 672 && s.enwh !== null)
                last.set(`${m.meter}/${m.channel}/${s.index}`, s.enwh);
            }
          }
          const kept = [...last.values()];
          expect(points).toHaveLength(kept.length);
          expect(sum(points, 'energy_wh')).toBe(kept.reduce((t, v) => t + v!, 0));
        },
      ),
    );
  });
});

describe('daily series', () => {
  const zones = fc.constantFrom('Australia/Sydney', 'US/Pacific', 'Asia/Kolkata', 'Europe/Berlin', 'UTC');
  it('one point per past local day at its midnight, energy of the non-null days preserved', () => {
    fc.assert(
      fc.property(
        zones,
        fc.integer({ min: 0, max: 900 }), // start: days after 2023-01-01
        fc.array(wh, { maxLength: 120 }),
        fc.integer({ min: 0, max: 130 }), // "now": days after the start, plus some hours
        fc.integer({ min: 0, max: 23 }),
        (zone, startOffset, values, nowDays, nowHour) => {
          const startDate = new Date(Date.UTC(2023, 0, 1 + startOffset)).toISOString().slice(0, 10);
          const now = localMidnight(startDate, zone) + nowDays * DAY + nowHour * 3600;
          const ctx: NormalizeContext = { systemId: 1, timeZone: zone, now };
          const points = normalizeConsumptionLifetime({ start_date: startDate, consumption: values }, ctx);
          const today = localDate(now, zone);
          const ids = new Set(points.map(identity));
          expect(ids.size).toBe(points.length);
          let expected = 0;
          let count = 0;
          values.forEach((v, i) => {
            const date = new Date(Date.UTC(2023, 0, 1 + startOffset + i)).toISOString().slice(0, 10);
            if (v !== null && date < today) {
              expected += v;
              count++;
            }
          });
          expect(points).toHaveLength(count);
          expect(sum(points, 'energy_wh')).toBe(expected);
          for (const p of points) {
            expect(localMidnight(localDate(p.time, zone), zone)).toBe(p.time);
            expect(localDate(p.time, zone) < today).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
