// The window planner: the minimum number of requests, windows that tile the range with no gap
// and no overlap, each within its endpoint's maximum span and on the grid, clamped to the API's
// 2-year limit, the system's operational_at and now.
import fc from 'fast-check';
import type { DatasetName } from '../../src/datasets/index.js';
import {
  LIMIT_MARGIN,
  planWindows,
  WINDOW_RULES,
  type PlanInput,
  type RequestWindow,
} from '../../src/datasets/windows.js';
import { localMidnight } from '../../src/normalize/time.js';

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const NOW = utc(2026, 11, 28, 5, 37, 12); // off every grid on purpose
const base = { now: NOW, timeZone: 'Australia/Sydney', operationalAt: null } as const;

function plan(
  dataset: DatasetName,
  from: number,
  to: number,
  over: Partial<PlanInput> = {},
): RequestWindow[] {
  return planWindows({ ...base, dataset, from, to, ...over });
}

function assertTiling(windows: RequestWindow[], span: number, grid: number): void {
  for (const [i, w] of windows.entries()) {
    expect(w.to).toBeGreaterThan(w.from);
    expect(w.to - w.from).toBeLessThanOrEqual(span);
    expect(w.from % grid).toBe(0);
    expect(w.to % grid).toBe(0);
    expect(w.to).toBeLessThanOrEqual(NOW);
    if (i > 0) expect(w.from).toBe(windows[i - 1]!.to); // no gap, no overlap
    if (i < windows.length - 1) expect(w.to - w.from).toBe(span); // only the last may be short
  }
}

describe('request counts are the minimum', () => {
  const end = utc(2026, 11, 20); // on every grid, well before NOW
  it.each([
    // dataset, range length, requests
    ['production_micro', DAY, 1],
    ['production_micro', DAY + 5 * MIN, 2],
    ['production_micro', 10 * DAY, 10],
    ['micro', 12 * HOUR, 1],
    ['rgm', 7 * DAY, 1],
    ['rgm', 7 * DAY + 15 * MIN, 2],
    ['rgm', 30 * DAY, 5],
    ['production_meter', 7 * DAY, 1],
    ['consumption', 8 * DAY, 2],
    ['battery', 14 * DAY, 2],
    ['battery_device', 15 * DAY, 3],
    ['grid_import', 36 * HOUR, 2],
    ['grid_export', 3 * DAY, 3],
    ['events', 20 * DAY, 3],
    ['production_micro', 0, 0],
  ] as const)('%s over %i s: %i request(s)', (dataset, length, count) => {
    const windows = plan(dataset, end - length, end);
    expect(windows).toHaveLength(count);
    const rule = WINDOW_RULES[dataset];
    if (rule.kind === 'telemetry' || rule.kind === 'range' || rule.kind === 'events') {
      assertTiling(windows, rule.span, rule.kind === 'events' ? 1 : rule.grid);
      if (count > 0) {
        expect(windows[0]!.from).toBe(end - length);
        expect(windows.at(-1)!.to).toBe(end);
      }
    }
  });

  it('a whole lifetime is one request, whatever its length', () => {
    expect(plan('energy_daily', utc(2015, 1, 1), NOW)).toHaveLength(1);
  });

  it('snapshots are one request', () => {
    for (const dataset of ['system', 'latest', 'config'] as const)
      expect(plan(dataset, 0, NOW)).toHaveLength(1);
  });
});

describe('query parameters', () => {
  it('telemetry: start_at on the grid and the granularity of the maximum span', () => {
    const windows = plan('battery', utc(2026, 11, 1, 0, 7), utc(2026, 11, 9, 0, 1));
    expect(windows.map((w) => w.query)).toEqual([
      { start_at: utc(2026, 11, 1, 0, 0), granularity: 'week' },
      { start_at: utc(2026, 11, 8, 0, 0), granularity: 'week' },
    ]);
    expect(windows.at(-1)!.to).toBe(utc(2026, 11, 9, 0, 15)); // the interval holding `to` is included
    expect(plan('production_micro', utc(2026, 11, 1), utc(2026, 11, 2))[0]!.query).toEqual({
      start_at: utc(2026, 11, 1),
      granularity: 'day',
    });
  });

  it('rgm_stats: start_at and end_at, 7 days apart at most', () => {
    expect(plan('rgm', utc(2026, 11, 1), utc(2026, 11, 10)).map((w) => w.query)).toEqual([
      { start_at: utc(2026, 11, 1), end_at: utc(2026, 11, 8) },
      { start_at: utc(2026, 11, 8), end_at: utc(2026, 11, 10) },
    ]);
  });

  it('events: start_time/end_time, at most a week', () => {
    const windows = plan('events', utc(2026, 11, 1), utc(2026, 11, 10));
    expect(windows.map((w) => w.query)).toEqual([
      { start_time: utc(2026, 11, 1), end_time: utc(2026, 11, 8) },
      { start_time: utc(2026, 11, 8), end_time: utc(2026, 11, 10) },
    ]);
  });
});

describe('clamping', () => {
  it('never before the 2-year limit, with a margin for the time the window waits to be sent', () => {
    const windows = plan('production_micro', utc(2023, 1, 1), utc(2025, 1, 1));
    // Two calendar years before NOW (Sydney) is 2024-11-28T05:37:12Z; 730 days is the same
    // instant here (no 29 February in between); plus LIMIT_MARGIN (1 h), on the next 5-minute mark.
    expect(LIMIT_MARGIN).toBe(3_600);
    expect(windows[0]!.from).toBe(utc(2024, 11, 28, 6, 40));
    expect(windows[0]!.from - (NOW - 730 * DAY + LIMIT_MARGIN)).toBeLessThan(300);
  });

  it('uses the later of two calendar years and 730 days when a 29 February is inside', () => {
    const now = utc(2025, 3, 1, 12);
    const windows = plan('rgm', 0, now, { now });
    // Calendar: 2023-03-01T12:00Z; 730 days: 2023-03-02T12:00Z (2024 is a leap year); + 1 h margin.
    expect(windows[0]!.from).toBe(utc(2023, 3, 2, 13));
  });

  it('never before the interval holding operational_at', () => {
    const operationalAt = utc(2026, 6, 3, 10, 7, 30);
    const windows = plan('rgm', utc(2026, 1, 1), utc(2026, 7, 1), { operationalAt });
    expect(windows[0]!.from).toBe(utc(2026, 6, 3, 10, 0));
  });

  it('never after now: only intervals that have ended', () => {
    const windows = plan('production_micro', utc(2026, 11, 27, 12), utc(2027, 1, 1));
    expect(windows.at(-1)!.to).toBe(utc(2026, 11, 28, 5, 35));
    expect(windows).toHaveLength(1);
    expect(plan('rgm', NOW + DAY, NOW + 2 * DAY)).toEqual([]);
  });

  it('events: never older than 9 months', () => {
    const windows = plan('events', utc(2025, 1, 1), utc(2026, 3, 10));
    // NOW is 2026-11-28 16:37:12 in Sydney; 9 months earlier is 2026-02-28 16:37:12 (UTC+11),
    // plus the 1 h margin.
    expect(windows[0]!.from).toBe(utc(2026, 2, 28, 6, 37, 12));
    expect(plan('events', utc(2025, 1, 1), utc(2025, 3, 10))).toEqual([]);
  });
});

describe('daily series', () => {
  const zone = 'Australia/Sydney';
  it('from the local date of `from` up to yesterday (local), never today', () => {
    // NOW is 2026-11-28 16:37 in Sydney: yesterday is the 27th.
    const [w] = plan('energy_daily', utc(2026, 10, 31, 13, 30), utc(2027, 1, 1));
    expect(w!.query).toEqual({ start_date: '2026-11-01', end_date: '2026-11-27' });
    expect(w!.from).toBe(localMidnight('2026-11-01', zone));
    expect(w!.to).toBe(localMidnight('2026-11-28', zone));
  });

  it('no 2-year limit, but not before operational_at', () => {
    // `to` is 2020-01-01 11:00 in Sydney, so the 1st of January is the last day wanted.
    expect(plan('energy_daily', utc(2010, 1, 1), utc(2020, 1, 1))[0]!.query).toEqual({
      start_date: '2010-01-01',
      end_date: '2020-01-01',
    });
    // …and a `to` at local midnight of the 1st leaves the 31st as the last day.
    expect(plan('energy_daily', utc(2010, 1, 1), utc(2019, 12, 31, 13))[0]!.query).toHaveProperty(
      'end_date',
      '2019-12-31',
    );
    const operationalAt = utc(2013, 1, 4, 22); // 2013-01-05 09:00 in Sydney
    expect(plan('energy_daily', utc(2010, 1, 1), NOW, { operationalAt })[0]!.query).toEqual({
      start_date: '2013-01-05',
      end_date: '2026-11-27',
    });
  });

  it('a range that reaches the last two local days re-fetches both, whatever the settle window', () => {
    // Late uploads (a cellular gateway every 6 h) revise yesterday and the day before (DESIGN §3).
    const lastTwo = { start_date: '2026-11-26', end_date: '2026-11-27' };
    expect(plan('energy_daily', NOW - HOUR, NOW)[0]!.query).toEqual(lastTwo);
    expect(plan('energy_daily', NOW - DAY, NOW)[0]!.query).toEqual(lastTwo);
    expect(plan('energy_daily', utc(2026, 11, 20), NOW)[0]!.query).toHaveProperty('start_date', '2026-11-20');
    // A range that ends earlier is not stretched, and operational_at still bounds it.
    expect(plan('energy_daily', utc(2026, 11, 1), utc(2026, 11, 10))[0]!.query).toEqual({
      start_date: '2026-11-01',
      end_date: '2026-11-10',
    });
    expect(plan('energy_daily', NOW - HOUR, NOW, { operationalAt: utc(2026, 11, 27, 2) })[0]!.query).toEqual({
      start_date: '2026-11-27',
      end_date: '2026-11-27',
    });
    expect(plan('energy_daily', NOW - HOUR, NOW, { operationalAt: NOW - HOUR })).toEqual([]);
  });
});

describe('tiling (property)', () => {
  const datasets = Object.entries(WINDOW_RULES).filter(
    ([, rule]) => rule.kind === 'telemetry' || rule.kind === 'range',
  );
  it('windows cover exactly the clamped range with the fewest requests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...datasets),
        fc.integer({ min: NOW - 3 * 365 * DAY, max: NOW + DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.option(fc.integer({ min: NOW - 3 * 365 * DAY, max: NOW }), { nil: null }),
        ([dataset, rule], from, length, operationalAt) => {
          if (rule.kind !== 'telemetry' && rule.kind !== 'range') return;
          const windows = plan(dataset as DatasetName, from, from + length, { operationalAt });
          const grid = rule.grid;
          // The range wanted, clamped, stated directly from the rules.
          let start = Math.max(
            Math.floor(from / grid) * grid,
            Math.ceil((NOW - 730 * DAY + LIMIT_MARGIN) / grid) * grid,
          );
          if (operationalAt !== null) start = Math.max(start, Math.floor(operationalAt / grid) * grid);
          const end = Math.min(Math.ceil((from + length) / grid) * grid, Math.floor(NOW / grid) * grid);
          if (end <= start) {
            expect(windows).toEqual([]);
            return;
          }
          assertTiling(windows, rule.span, grid);
          expect(windows[0]!.from).toBe(start);
          expect(windows.at(-1)!.to).toBe(end);
          expect(windows).toHaveLength(Math.ceil((end - start) / rule.span));
        },
      ),
      { numRuns: 300 },
    );
  });
});
