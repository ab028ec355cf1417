// Bad usage of the orchestration commands ends with exit code 2 and one clear line, before any
// connection is opened; the option parsers and the summary are pure.
import { jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import { parseDate, parseDatasets } from '../../src/commands/backfill.js';
import { formatSummary } from '../../src/commands/one-shot-command.js';
import { parseSystems } from '../../src/commands/options.js';
import { UsageError } from '../../src/commands/errors.js';

async function exitCodeOf(args: string[]): Promise<{ code: number | undefined; stderr: string }> {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  const before = process.exitCode;
  try {
    await main(['node', 'enphase-etl', ...args]);
    return { code: process.exitCode as number | undefined, stderr: writes.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('backfill and sync usage', () => {
  it.each([
    [['backfill', '--system', 'x1', '--from', '2025-01-01'], /--system/],
    [['backfill', '--system', 'all', '--from', '2025-02-30'], /--from must be a date/],
    [['backfill', '--system', 'all', '--from', '2025-03-01', '--to', '2025-02-01'], /before --from/],
    [['backfill', '--system', 'all', '--from', '2999-01-01'], /in the future/],
    [['backfill', '--system', '1', '--from', '2025-01-01', '--datasets', 'rgm,nope'], /unknown dataset nope/],
    [['sync', '--system', '0'], /--system/],
    [['worker', '--concurrency', '0'], /--concurrency/],
  ])('%j → exit 2', async (args, message) => {
    const { code, stderr } = await exitCodeOf(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('parsers', () => {
  it('reads systems, dates and datasets', () => {
    expect(parseSystems('all')).toBe('all');
    expect(parseSystems('3, 1,3')).toEqual([3, 1]);
    expect(() => parseSystems('1,-2')).toThrow(UsageError);
    expect(parseDate('--from', '2024-02-29')).toBe('2024-02-29');
    expect(() => parseDate('--from', '2023-02-29')).toThrow(UsageError);
    expect(parseDatasets('rgm,rgm,energy_daily')).toEqual(['rgm', 'energy_daily']);
  });

  it('summarises a run: skipped datasets and failures are named', () => {
    const text = formatSummary('backfill', {
      total: 3,
      completed: [1, 2],
      failed: [{ systemId: 3, reason: 'ApiError: 503' }],
      skipped: new Map([
        [
          'battery no-device',
          { dataset: 'battery', systems: 2, reason: 'the system has no such data (no matching device)' },
        ],
        [
          'rgm 501',
          {
            dataset: 'rgm',
            systems: 1,
            systemIds: [2],
            reason: 'unavailable for this system (answered 501): Not Implemented',
          },
        ],
      ]),
      windows: 10,
      points: 100,
      hits: 12,
      interrupted: false,
      enqueuedOnly: false,
      durationMs: 1_500,
      notInPlan: ['micro'],
    });
    expect(text).toMatch(/2\/3 systems loaded, 1 failed, 10 windows, 100 points, 12 API hits/);
    expect(text).toMatch(/not included in the API plan: micro/);
    expect(text).toMatch(/skipped battery on 2 system\(s\): the system has no such data/);
    // A system's own permanent answer names the system.
    expect(text).toMatch(/skipped rgm on 1 system\(s\) \(2\): unavailable for this system \(answered 501\)/);
    expect(text).toMatch(/failed system 3: ApiError: 503/);
  });

  it('summarises implausible points left out, by reason and by system, without failing the run', () => {
    const text = formatSummary('sync', {
      total: 1,
      completed: [1],
      failed: [],
      skipped: new Map(),
      rejected: new Map([
        ['time_before_operation', 3],
        ['negative_energy', 2],
      ]),
      rejectedBySystem: new Map<number, Record<string, number>>([
        [7, { negative_energy: 2 }],
        [1, { time_before_operation: 3 }],
      ]),
      windows: 2,
      points: 50,
      hits: 2,
      interrupted: false,
      enqueuedOnly: false,
      durationMs: 100,
    });
    expect(text).toMatch(/1\/1 systems loaded, 0 failed/);
    expect(text).toMatch(
      /rejected 5 implausible point\(s\), not written: time_before_operation 3, negative_energy 2\n {4}system 1: time_before_operation 3\n {4}system 7: negative_energy 2\n/,
    );
  });

  it('names at most ten systems whose points were left out, then how many more', () => {
    const bySystem = new Map(
      Array.from({ length: 12 }, (_, i): [number, Record<string, number>] => [
        100 + i,
        { negative_count: 1 },
      ]),
    );
    const text = formatSummary('backfill', {
      total: 12,
      completed: [...bySystem.keys()],
      failed: [],
      skipped: new Map(),
      rejected: new Map([['negative_count', 12]]),
      rejectedBySystem: bySystem,
      windows: 12,
      points: 50,
      hits: 12,
      interrupted: false,
      enqueuedOnly: false,
      durationMs: 100,
    });
    expect(text.match(/^ {4}system \d+: negative_count 1$/gm)).toHaveLength(10);
    expect(text).toMatch(/system 109: negative_count 1\n {4}and 2 more system\(s\) \(enphase-etl status\)/);
  });
});
