// A backfill range older than the API serves (2 years for interval series, 9 months for events;
// the daily lifetime series have no limit): clamped ranges and empty ones are named per dataset in
// the summary, and a run where no requested dataset can fetch anything is refused before any job
// (the command turns OutOfReachError into exit 2) instead of reporting "loaded".
import { formatSummary, exitCodeOf } from '../../src/commands/one-shot-command.js';
import { backfillReach, nothingInReach } from '../../src/jobs/backfill-reach.js';
import { backfill, OutOfReachError, resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { NOW_MS, startE2eWorld, type E2eWorld } from '../e2e/support.js';

const NOW_SEC = Math.floor(NOW_MS / 1000); // 2026-04-10 06:00 UTC
const RGM_ROUTE = '/api/v4/systems/{system_id}/rgm_stats';

describe('backfillReach (pure)', () => {
  const systems = [
    { id: 1, timeZone: 'UTC' },
    { id: 2, timeZone: 'Australia/Sydney' },
  ];

  it('clamps at the 2-year and 9-month limits; daily series and snapshots have none', () => {
    const notes = backfillReach(
      systems,
      ['rgm', 'events', 'energy_daily', 'system'],
      { fromDate: '2024-01-01', toDate: '2024-12-31' },
      NOW_SEC,
    );
    expect(notes).toEqual([
      { dataset: 'rgm', nothing: [], clamped: [1, 2], from: '2024-04-10', limit: 'the last 2 years' },
      { dataset: 'events', nothing: [1, 2], clamped: [], from: '2025-07-10', limit: 'the last 9 months' },
    ]);
    expect(nothingInReach(notes, 2, ['events'])).toBe(true);
    expect(nothingInReach(notes, 2, ['events', 'rgm'])).toBe(false);
    expect(nothingInReach(notes, 2, ['events', 'energy_daily'])).toBe(false);
  });

  it('says nothing for a range within reach', () => {
    expect(backfillReach(systems, ['rgm', 'micro'], { fromDate: '2026-01-01' }, NOW_SEC)).toEqual([]);
  });
});

describe('backfill of a range older than the API serves', () => {
  let w: E2eWorld;
  let runtime: Runtime;
  let ids: number[];
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 5 });
    runtime = w.runtime();
    // Systems already producing in the range asked for below (the fleet has young ones too).
    ids = (await resolveSystems(runtime, 'all'))
      .filter((s) => (s.operationalAt ?? Infinity) < Date.UTC(2024, 0, 1) / 1000)
      .map((s) => s.id)
      .slice(0, 2);
    expect(ids).toHaveLength(2);
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await w?.stop();
  });

  it('with no requested dataset in reach: refused, no request spent on it', async () => {
    w.sim.requestLog.clear();
    await expect(
      backfill(runtime, {
        systems: ids,
        fromDate: '2024-02-01',
        toDate: '2024-02-29',
        datasets: ['rgm', 'production_micro', 'events'],
        force: false,
      }),
    ).rejects.toThrow(
      new OutOfReachError(
        'nothing of 2024-02-01 to 2024-02-29 can be fetched: the API serves rgm, production_micro, events for ' +
          'the last 2 years (from 2024-04-10), the last 9 months (from 2025-07-10) only; energy_daily has no such limit',
      ),
    );
    expect(w.sim.requestLog.count({ route: RGM_ROUTE })).toBe(0);
  });

  it('with the daily series requested too: it loads, and the summary names what was out of reach', async () => {
    const summary = await backfill(runtime, {
      systems: ids,
      fromDate: '2024-02-01',
      toDate: '2024-02-29',
      datasets: ['rgm', 'energy_daily'],
      force: false,
    });
    expect(summary.failed).toEqual([]);
    expect(exitCodeOf(summary)).toBe(0);
    expect(summary.outOfReach.map((n) => [n.dataset, n.nothing.sort(), n.clamped])).toEqual([
      ['rgm', [...ids].sort(), []],
    ]);
    const text = formatSummary('backfill', summary);
    expect(text).toMatch(
      /nothing fetched for rgm on 2 system\(s\) \(\d+, \d+\): the range is older than the API serves \(the last 2 years, from 2024-04-1[01]\)/,
    );
    for (const id of ids) {
      const marks = await runtime.watermarks.getSystem(id);
      expect(marks['energy_daily']).toBeDefined();
      expect(marks['rgm']).toBeUndefined();
    }
  }, 60_000);

  it('a range that starts before the limit is clamped, and says from when', async () => {
    const summary = await backfill(runtime, {
      systems: ids,
      fromDate: '2024-04-01',
      toDate: '2024-04-12',
      datasets: ['rgm'],
      force: false,
    });
    expect(summary.failed).toEqual([]);
    expect(summary.outOfReach).toEqual([
      expect.objectContaining({ dataset: 'rgm', nothing: [], clamped: expect.arrayContaining(ids) }),
    ]);
    expect(formatSummary('backfill', summary)).toMatch(
      /clamped rgm on 2 system\(s\) \(\d+, \d+\): fetched from 2024-04-1[01], the API serves the last 2 years/,
    );
    expect(summary.windows).toBeGreaterThan(0);
  }, 60_000);
});
