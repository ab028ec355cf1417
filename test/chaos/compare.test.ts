// The chaos suite's pure parts: the comparison of two runs, the watermark rules, the output scan,
// the endings rule and the seeded schedule. No services.
import type { PointMap } from '../e2e/support.js';
import {
  compareDumps,
  differenceCount,
  endingProblems,
  unhandledLines,
  watermarkProblems,
  type Watermarks,
} from './compare.js';
import type { Ending } from './processes.js';
import { chaosSchedule } from './schedule.js';

const CUTOFF = 1_000_000;
const map = (entries: Array<[string, Record<string, unknown>]>): PointMap => new Map(entries);

describe('compareDumps', () => {
  const clean = map([
    ['production|source=micro,system_id=1|900000', { energy_wh: 5 }],
    ['production|source=micro,system_id=1|900300', { energy_wh: 6 }],
    ['latest|kind=meter,system_id=1|1000100', { power_w: 10 }],
  ]);

  it('finds nothing between equal runs, and compares snapshots observed at other times by series', () => {
    const chaos = map([...clean].filter(([k]) => !k.startsWith('latest')));
    chaos.set('latest|kind=meter,system_id=1|1000999', { power_w: 12 });
    const d = compareDumps(chaos, clean, CUTOFF);
    expect([differenceCount(d), d.compared, d.seriesCompared]).toEqual([0, 2, 1]);
  });

  it('names a missing, an extra and a wrong settled point, and a missing or extra recent series', () => {
    const chaos = map([
      ['production|source=micro,system_id=1|900000', { energy_wh: 7 }],
      ['production|source=micro,system_id=2|900000', { energy_wh: 5 }],
      ['latest|kind=battery,system_id=1|1000100', { power_w: 10 }],
    ]);
    const d = compareDumps(chaos, clean, CUTOFF);
    expect(d.missing).toEqual(['production|source=micro,system_id=1|900300']);
    expect(d.extra).toEqual(['production|source=micro,system_id=2|900000']);
    expect(d.wrong).toHaveLength(1);
    expect(d.missingSeries).toEqual(['latest|kind=meter,system_id=1']);
    expect(d.extraSeries).toEqual(['latest|kind=battery,system_id=1']);
  });
});

describe('watermarkProblems', () => {
  const truth = map([
    ['production|source=micro,system_id=1|900000', { energy_wh: 5 }],
    ['production|source=micro,system_id=1|900300', { energy_wh: 6 }],
  ]);
  const now = 2_000_000;
  const settle = 86_400;

  it('accepts watermarks below the settle line with every point below them in place', () => {
    const marks: Watermarks = new Map([[1, { production_micro: 900_600, latest: now }]]);
    expect(watermarkProblems(marks, truth, truth, now, settle)).toEqual([]);
  });

  it('flags a watermark past now − settle window, and a snapshot’s past now', () => {
    const marks: Watermarks = new Map([[1, { production_micro: now - 100, latest: now + 5 }]]);
    expect(watermarkProblems(marks, truth, truth, now, settle)).toHaveLength(2);
  });

  it('flags a watermark past a point that is missing (only once the whole interval is below it)', () => {
    const stored = map([...truth].slice(0, 1));
    const past = new Map([[1, { production_micro: 900_600 }]]);
    const before = new Map([[1, { production_micro: 900_599 }]]);
    expect(watermarkProblems(past, stored, truth, now, settle)).toEqual([
      expect.stringContaining('production|source=micro,system_id=1|900300'),
    ]);
    expect(watermarkProblems(before, stored, truth, now, settle)).toEqual([]);
  });
});

it('unhandledLines finds ioredis’ unhandled errors, stack frames and logged stacks', () => {
  const output = [
    'backfill: 1/3 systems',
    '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:1',
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)',
    '{"level":50,"err":{"type":"Error","stack":"Error: x"}}',
    '{"level":40,"err":"ApiError: 503 from /api/v4/systems"}',
  ].join('\n');
  expect(unhandledLines(output)).toHaveLength(3);
});

describe('endingProblems', () => {
  const ending = (over: Partial<Ending>): Ending => ({
    name: 'start',
    code: 0,
    signal: null,
    sent: null,
    afterSignalMs: null,
    forced: false,
    chaosKill: false,
    runMs: 1_000,
    ...over,
  });

  it('accepts an exit by itself, a prompt exit 0 after SIGTERM and a chaos SIGKILL', () => {
    expect(
      endingProblems(
        [
          ending({}),
          ending({ sent: 'SIGTERM', afterSignalMs: 2_000 }),
          ending({ name: 'worker1-1', code: null, signal: 'SIGKILL', sent: 'SIGKILL', chaosKill: true }),
        ],
        35_000,
      ),
    ).toEqual([]);
  });

  it('flags a process killed after the bound, a slow stop, and a wrong exit code after SIGTERM', () => {
    const problems = endingProblems(
      [
        ending({ code: null, signal: 'SIGKILL', sent: 'SIGTERM', afterSignalMs: 35_000, forced: true }),
        ending({ sent: 'SIGTERM', afterSignalMs: 40_000 }),
        ending({ code: 143, sent: 'SIGTERM', afterSignalMs: 100 }),
      ],
      35_000,
    );
    expect(problems).toHaveLength(3);
  });
});

describe('chaosSchedule', () => {
  const input = {
    seed: 7,
    kills: 20,
    workers: 3,
    influxOutageMs: 120_000,
    backfillMs: 100_000,
    totalMs: 150_000,
  };

  it('is the same for the same seed, and different for another', () => {
    expect(chaosSchedule(input)).toEqual(chaosSchedule(input));
    expect(chaosSchedule({ ...input, seed: 8 })).not.toEqual(chaosSchedule(input));
  });

  it('has the kills, one outage and both restarts, in order, inside the run', () => {
    const events = chaosSchedule(input);
    expect(events.filter((e) => e.kind === 'kill-worker')).toHaveLength(20);
    expect(events.filter((e) => e.kind === 'influx-outage')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'redis-restart').map((e) => e.keep)).toEqual(['empty', 'aof']);
    expect(events.map((e) => e.atMs)).toEqual([...events.map((e) => e.atMs)].sort((a, b) => a - b));
    for (const e of events) expect(e.atMs).toBeLessThan(input.totalMs);
    for (const e of events) if (e.kind === 'kill-worker') expect(e.worker).toBeLessThan(3);
  });
});
