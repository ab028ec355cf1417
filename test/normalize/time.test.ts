// The grid and the time-zone rules: interval starts, local midnights and day lengths across DST
// in Australia/Sydney (both changes), US/Pacific, Asia/Kolkata (+5:30), and a daily series over
// 23- and 25-hour days. Expected instants are written out as UTC literals, not computed.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { normalizeEnergyLifetime, normalizeConsumptionLifetime } from '../../src/normalize/daily.js';
import { normalizeProductionMicro } from '../../src/normalize/telemetry.js';
import {
  addDays,
  alignDown,
  alignUp,
  dayLengthSeconds,
  intervalStart,
  localDate,
  localMidnight,
  truncateToMinute,
  TimeZoneError,
} from '../../src/normalize/time.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s) / 1000;

describe('the interval grid', () => {
  it('stamps the start of the interval, aligned down', () => {
    expect(intervalStart(utc(2025, 1, 1, 10, 15), 900)).toBe(utc(2025, 1, 1, 10, 0));
    expect(intervalStart(utc(2025, 1, 1, 10, 15, 7), 900)).toBe(utc(2025, 1, 1, 10, 0));
    expect(intervalStart(utc(2025, 1, 1, 10, 14, 59), 900)).toBe(utc(2025, 1, 1, 9, 45));
    expect(intervalStart(utc(2025, 1, 1, 0, 5), 300)).toBe(utc(2025, 1, 1, 0, 0));
    expect(intervalStart(utc(2025, 1, 1, 0, 0), 300)).toBe(utc(2024, 12, 31, 23, 55));
  });

  it('aligns up and down, and truncates observations to the minute', () => {
    expect(alignDown(1001, 300)).toBe(900);
    expect(alignUp(1001, 300)).toBe(1200);
    expect(alignUp(1200, 300)).toBe(1200);
    expect(truncateToMinute(utc(2025, 5, 5, 5, 5, 59))).toBe(utc(2025, 5, 5, 5, 5));
  });
});

describe('local days', () => {
  it.each([
    // zone, date, local midnight (UTC), day length
    ['Australia/Sydney', '2025-04-05', utc(2025, 4, 4, 13), 86_400],
    ['Australia/Sydney', '2025-04-06', utc(2025, 4, 5, 13), 90_000], // DST ends: 25 h
    ['Australia/Sydney', '2025-04-07', utc(2025, 4, 6, 14), 86_400],
    ['Australia/Sydney', '2025-10-05', utc(2025, 10, 4, 14), 82_800], // DST starts: 23 h
    ['Australia/Sydney', '2025-10-06', utc(2025, 10, 5, 13), 86_400],
    ['US/Pacific', '2025-03-09', utc(2025, 3, 9, 8), 82_800],
    ['US/Pacific', '2025-03-10', utc(2025, 3, 10, 7), 86_400],
    ['US/Pacific', '2025-11-02', utc(2025, 11, 2, 7), 90_000],
    ['US/Pacific', '2025-11-03', utc(2025, 11, 3, 8), 86_400],
    ['Asia/Kolkata', '2025-06-01', utc(2025, 5, 31, 18, 30), 86_400],
    ['UTC', '2024-02-29', utc(2024, 2, 29), 86_400],
    // Zones that moved their clocks at midnight: the day starts at 01:00.
    ['America/Sao_Paulo', '2018-11-04', utc(2018, 11, 4, 3), 82_800],
    ['Asia/Beirut', '2019-03-31', utc(2019, 3, 30, 22), 82_800],
  ])('%s %s starts at %i and lasts %i s', (zone, date, midnight, length) => {
    expect(localMidnight(date, zone)).toBe(midnight);
    expect(dayLengthSeconds(date, zone)).toBe(length);
    expect(localDate(midnight, zone)).toBe(date);
    expect(localDate(midnight - 1, zone)).toBe(addDays(date, -1));
  });

  it('the 15-minute UTC grid is on local quarter hours in Kolkata (+5:30)', () => {
    // The interval ending 00:15 IST starts at local midnight.
    expect(intervalStart(utc(2025, 5, 31, 18, 45), 900)).toBe(localMidnight('2025-06-01', 'Asia/Kolkata'));
  });

  it('refuses unknown zones and malformed dates', () => {
    expect(() => localMidnight('2025-01-01', 'Mars/Olympus')).toThrow(TimeZoneError);
    expect(() => localMidnight('2025-1-1', 'UTC')).toThrow(TimeZoneError);
    expect(() => localDate(0, 'Nowhere')).toThrow(TimeZoneError);
  });
});

describe('daily series across DST', () => {
  it('Sydney spring: the 23-hour day, and "today" is the local date, not the UTC one', () => {
    const points = normalizeConsumptionLifetime(
      { system_id: 1, start_date: '2025-10-03', consumption: [10, 20, 30, 40, 50, 60] },
      // 2025-10-05T13:30Z is 2025-10-06 00:30 in Sydney: today is the 6th, the 6th and 7th are not written.
      { systemId: 1, timeZone: 'Australia/Sydney', now: utc(2025, 10, 5, 13, 30) },
    );
    expect(points.map((p) => [p.time, p.fields.energy_wh])).toEqual([
      [utc(2025, 10, 2, 14), 10],
      [utc(2025, 10, 3, 14), 20],
      [utc(2025, 10, 4, 14), 30],
    ]);
  });

  it('Sydney autumn and spring over a whole series: stamps are 25 h and 23 h apart on DST days', () => {
    const values = Array.from({ length: 200 }, (_, i) => i);
    const points = normalizeConsumptionLifetime(
      { system_id: 1, start_date: '2025-04-01', consumption: values },
      { systemId: 1, timeZone: 'Australia/Sydney', now: utc(2026, 1, 1) },
    );
    expect(points).toHaveLength(200);
    const gaps = new Map<number, number>();
    for (let i = 1; i < points.length; i++) {
      const gap = points[i]!.time - points[i - 1]!.time;
      gaps.set(gap, (gaps.get(gap) ?? 0) + 1);
    }
    expect(Object.fromEntries(gaps)).toEqual({ 86400: 197, 90000: 1, 82800: 1 });
  });

  it('US/Pacific autumn: the 25-hour day', () => {
    const points = normalizeEnergyLifetime(
      { system_id: 1, start_date: '2025-11-01', production: [1, 2, 3] },
      { systemId: 1, timeZone: 'US/Pacific', now: utc(2025, 12, 1) },
    );
    expect(points.map((p) => p.time)).toEqual([
      utc(2025, 11, 1, 7),
      utc(2025, 11, 2, 7),
      utc(2025, 11, 3, 8),
    ]);
  });

  it('Kolkata: local midnight is 18:30 UTC the day before', () => {
    const points = normalizeEnergyLifetime(
      { system_id: 1, start_date: '2025-06-01', production: [5, 6] },
      { systemId: 1, timeZone: 'Asia/Kolkata', now: utc(2025, 6, 10) },
    );
    expect(points.map((p) => p.time)).toEqual([utc(2025, 5, 31, 18, 30), utc(2025, 6, 1, 18, 30)]);
  });

  it('a 5-minute series over the 23-hour local day has 276 intervals, all on the grid', () => {
    const zone = 'Australia/Sydney';
    const from = localMidnight('2025-10-05', zone);
    const to = localMidnight('2025-10-06', zone);
    const intervals = [];
    for (let end = from + 300; end <= to + 600; end += 300) intervals.push({ end_at: end + 17, enwh: 1 });
    const points = normalizeProductionMicro({ intervals }, { systemId: 1, window: { from, to } });
    expect(points).toHaveLength(276);
    expect(points[0]!.time).toBe(from);
    expect(points.at(-1)!.time).toBe(to - 300);
  });
});

describe('local midnights (property)', () => {
  // The start of a local day is the first instant whose local date is that day. Where a zone sets
  // its clocks back across midnight (Havana, 1:00 → 0:00) midnight happens twice: the first one
  // starts the day (luxon's startOf('day') picks the second, an hour later).
  it('are the first instant of the local date, in zones with DST at 02:00, 00:00, 01:00 and none', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'Australia/Sydney',
          'US/Pacific',
          'Asia/Kolkata',
          'America/Sao_Paulo',
          'Asia/Beirut',
          'America/Havana',
          'Europe/London',
          'Pacific/Chatham',
        ),
        fc.integer({ min: 7305, max: 23741 }), // days since 1970: 1990-01-01 … 2034-12-31
        (zone, day) => {
          const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
          const midnight = localMidnight(date, zone);
          expect(localDate(midnight, zone)).toBe(date);
          expect(localDate(midnight - 1, zone)).toBe(addDays(date, -1));
          expect(
            Math.abs(midnight - DateTime.fromISO(date, { zone }).startOf('day').toSeconds()),
          ).toBeLessThanOrEqual(3600);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('Havana 2012-11-04: the first of two midnights starts the day', () => {
    expect(localMidnight('2012-11-04', 'America/Havana')).toBe(utc(2012, 11, 4, 4));
    expect(dayLengthSeconds('2012-11-04', 'America/Havana')).toBe(90_000);
  });
});
