// One system's sync against the simulator, real Redis and influxd when things go wrong: a plan
// restriction marks the dataset unavailable (no retry, no further hits), a malformed body fails
// only its dataset (recorded for `status`; the windows before it stay committed) while the others
// load, and the worker's job outcome follows the errors' `retryable` flag.
import { UnrecoverableError, type Job } from 'bullmq';
import { QUEUE_SYNC, type SyncResult } from '../../src/jobs/queues.js';
import { processorFor, settleResult } from '../../src/jobs/worker.js';
import { resolveSystems, UnknownSystemsError } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { syncSystem, type SyncRequest } from '../../src/jobs/sync-system.js';
import { EXTRACTORS } from '../../src/datasets/index.js';
import { normalizeResponse as normalize } from '../../src/datasets/normalizers.js';
import type { Extractor } from '../../src/extractors/index.js';
import { BadResponseError } from '../../src/enphase/errors/index.js';
import { localDate } from '../../src/normalize/time.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import { IMPLAUSIBLE_MEMORY_MS, ImplausibleStore } from '../../src/state/implausible.js';
import { DAY, NOW_MS, startE2eWorld, memoryLogger, type E2eWorld } from '../e2e/support.js';

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 1, seed: 7 });
  // The watt plan's key: device-level telemetry answers 403; our own plan filter is told
  // "partner", so the restriction is discovered the way a mis-set ENPHASE_PLAN would.
  runtime = w.runtime({ env: { ENPHASE_API_KEY: 'sim-key-watt', INITIAL_LOOKBACK: '2d' } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

const MICRO_ROUTE = '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry';
const PRODUCTION_MICRO_ROUTE = '/api/v4/systems/{system_id}/telemetry/production_micro';

it('isolates failures per dataset and remembers plan restrictions', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  w.sim.setFaults({ malformedRate: 1, only: [PRODUCTION_MICRO_ROUTE] });
  const result = await syncSystem(runtime.syncDeps(), system!, {
    kind: 'sync',
    all: true,
    datasets: ['production_micro', 'micro', 'energy_daily'],
  });
  expect(result.loaded).toEqual(['energy_daily']);
  expect(result.failed.map((f) => [f.dataset, f.retryable])).toEqual([['production_micro', false]]);
  expect(result.skipped.map((s) => s.dataset)).toEqual(['micro']);
  expect(result.points).toBeGreaterThan(0);

  const id = system!.id;
  expect(Object.keys(await runtime.lastErrors.getSystem(id))).toEqual(['production_micro']);
  expect((await runtime.unavailable.current(id, 'micro', w.clock.ms))?.reason).toMatch(/plan/);
  const marks = await runtime.watermarks.getSystem(id);
  expect(marks.energy_daily).toBeDefined();
  expect(marks.production_micro).toBeUndefined();
  expect(marks.micro).toBeUndefined();

  // The job fails without retry (nothing retryable failed) and keeps the reason.
  const job = { data: { systemId: id }, updateData: async () => undefined } as unknown as Job;
  await expect(settleResult(job, result)).rejects.toThrow(UnrecoverableError);
  await expect(settleResult(job, result)).rejects.toThrow(/production_micro/);

  // Next round: the restricted dataset costs nothing; the repaired one loads and its error clears.
  w.sim.setFaults({});
  w.sim.requestLog.clear();
  const again = await syncSystem(runtime.syncDeps(), system!, {
    kind: 'sync',
    all: true,
    datasets: ['production_micro', 'micro'],
  });
  expect(again.loaded).toEqual(['production_micro']);
  expect(w.sim.requestLog.count({ route: MICRO_ROUTE })).toBe(0);
  expect(await runtime.lastErrors.getSystem(id)).toEqual({});
  expect((await runtime.watermarks.getSystem(id)).production_micro).toBeDefined();
}, 60_000);

it('a retryable failure is retried with only the failed datasets', async () => {
  let updated: unknown;
  const job = {
    data: { systemId: 1, cadences: {} },
    updateData: async (data: unknown) => {
      updated = data;
    },
  } as unknown as Job;
  const result = {
    systemId: 1,
    loaded: ['rgm' as const],
    skipped: [],
    failed: [
      { dataset: 'battery' as const, message: 'ApiError: 503', retryable: true },
      { dataset: 'events' as const, message: 'BadResponseError', retryable: false },
    ],
    windows: 1,
    points: 1,
    rejected: {},
  };
  const error = await settleResult(job, result).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(UnrecoverableError);
  expect(updated).toEqual({ systemId: 1, cadences: {}, datasets: ['battery'] });
  await expect(settleResult(job, { ...result, failed: [] })).resolves.toEqual({ ...result, failed: [] });
});

it('an id the API does not know is reported as unknown (the command turns it into exit 2)', async () => {
  await expect(resolveSystems(runtime, [999])).rejects.toThrow(UnknownSystemsError);
  await expect(resolveSystems(runtime, [999])).rejects.toThrow(/unknown system\(s\): 999/);
});

it('a failure during shutdown hands the job back instead of recording it against the dataset', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const id = system!.id;
  const shutdown = new AbortController();
  shutdown.abort();
  // Whatever fails while the service is stopping (here a bad body) is the shutdown's, not the data's.
  w.sim.setFaults({ malformedRate: 1, only: [PRODUCTION_MICRO_ROUTE] });
  const before = await runtime.watermarks.getSystem(id);
  await runtime.lastErrors.clear(id, 'production_micro');
  await expect(
    syncSystem({ ...runtime.syncDeps(), signal: shutdown.signal }, system!, {
      kind: 'sync',
      all: true,
      datasets: ['production_micro'],
    }),
  ).rejects.toThrow();
  w.sim.setFaults({});
  expect(await runtime.lastErrors.getSystem(id)).toEqual({});
  expect(await runtime.watermarks.getSystem(id)).toEqual(before);
}, 60_000);

it('a retry of a sync job fetches its failed datasets even though their cadence is not due', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const id = system!.id;
  const cadences = { rgm: 3_600_000 };
  w.sim.setFaults({ malformedRate: 1, only: ['/api/v4/systems/{system_id}/rgm_stats'] });
  const failed = await syncSystem(runtime.syncDeps(), system!, { kind: 'sync', cadences, datasets: ['rgm'] });
  w.sim.setFaults({});
  expect(failed.failed.map((f) => f.dataset)).toEqual(['rgm']);

  // The worker narrows the job to what failed (here as if the failure were retryable) …
  const job = {
    id: 'retry-test',
    queueName: QUEUE_SYNC,
    data: { systemId: id, cadences } as unknown,
    updateData: async (data: unknown) => {
      job.data = data;
    },
    updateProgress: async () => undefined,
  };
  await expect(
    settleResult(job as unknown as Job, { ...failed, failed: [{ ...failed.failed[0]!, retryable: true }] }),
  ).rejects.toThrow(/rgm/);
  // … and the next attempt loads rgm now, though its last sync attempt was a moment ago.
  w.sim.requestLog.clear();
  const retried = (await processorFor(runtime, QUEUE_SYNC)(job as unknown as Job)) as SyncResult;
  expect(retried.loaded).toEqual(['rgm']);
  expect(w.sim.requestLog.count({ route: '/api/v4/systems/{system_id}/rgm_stats' })).toBeGreaterThan(0);
}, 60_000);

it('a dataset handed back at shutdown is not recorded as synced, so the job’s next run is not skipped', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const id = system!.id;
  const shutdown = new AbortController();
  shutdown.abort();
  w.sim.setFaults({ malformedRate: 1, only: ['/api/v4/systems/{system_id}/telemetry/consumption_meter'] });
  const { syncMarks } = runtime.syncDeps();
  await syncMarks.clear(id, 'consumption');
  await expect(
    syncSystem({ ...runtime.syncDeps(), signal: shutdown.signal }, system!, {
      kind: 'sync',
      cadences: { consumption: 3_600_000 },
      datasets: ['consumption'],
    }),
  ).rejects.toThrow();
  w.sim.setFaults({});
  expect((await syncMarks.getSystem(id)).consumption).toBeUndefined();
}, 60_000);

it('leaves implausible points out of InfluxDB, counts them by reason and logs each window once', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const id = system!.id;
  const nowSec = Math.floor(w.clock.ms / 1_000);
  // A spec-shaped latest_telemetry answer with a report dated 1967 and one of −80 MW.
  const body = {
    system_id: id,
    devices: {
      meters: [
        { name: 'production', channel: 1, last_report_at: -86_400_000, power: 1_200 },
        { name: 'consumption', channel: 1, last_report_at: nowSec - 120, power: -80_042_933 },
        { name: 'production', channel: 2, last_report_at: nowSec - 60, power: 900 },
      ],
    },
  };
  const latest: Extractor = {
    ...EXTRACTORS.latest,
    async *extract() {
      const window = { from: nowSec, to: nowSec, query: {} };
      const points = normalize('getLatestSystemTelemetry', body, { systemId: id });
      yield { dataset: 'latest', window, points, loadedUntil: nowSec };
    },
  };
  const log = memoryLogger('warn');
  const deps = { ...runtime.syncDeps(), logger: log.logger, extractors: { ...EXTRACTORS, latest } };
  const result = await syncSystem(deps, system!, { kind: 'sync', all: true, datasets: ['latest'] });
  await runtime.loader.flush();

  expect(result).toMatchObject({
    loaded: ['latest'],
    failed: [],
    points: 1,
    rejected: { time_before_operation: 1, power_above_bound: 1 },
  });
  const series = await w.influx.query(`SELECT power_w FROM latest WHERE system_id = '${id}'`);
  expect(series[0]?.values).toEqual([[nowSec - 60, 900]]);
  const lines = log.lines().filter((l) => l.msg === 'implausible points not written');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    systemId: id,
    dataset: 'latest',
    window: { from: nowSec, to: nowSec },
    rejected: 2,
    field: 'time',
    value: -86_400_000,
  });
  const metric = await runtime.metrics.pointsRejected.get();
  expect(metric.values.map((v) => [v.labels.reason, v.value]).sort()).toEqual([
    ['power_above_bound', 1],
    ['time_before_operation', 1],
  ]);
  // `status` names the system, its dataset and the reasons (kept for a day, src/state/implausible.ts).
  const report = await collectStatus(runtime.redis, runtime.keys, w.config(), {
    limit: Infinity,
    now: w.clock.ms,
  });
  const shown = report.systems.shown.find((s) => s.id === id);
  expect(shown?.implausible).toEqual({
    since: w.clock.ms,
    last: w.clock.ms,
    total: 2,
    byDataset: { latest: { time_before_operation: 1, power_above_bound: 1 } },
  });
  // Needing attention: listed before the systems that sent nothing implausible.
  expect(report.systems.shown[0]?.id).toBe(id);
  expect(formatStatus(report).join('\n')).toMatch(
    new RegExp(
      `System ${id}[^\\n]*\\n  IMPLAUSIBLE POINTS LEFT OUT: 2 since .*\\(latest: time_before_operation 1, power_above_bound 1\\)`,
    ),
  );
  const ttl = await runtime.redis.pttl(runtime.keys.implausible(id));
  expect(ttl).toBeGreaterThan(IMPLAUSIBLE_MEMORY_MS - 60_000);
  expect(ttl).toBeLessThanOrEqual(IMPLAUSIBLE_MEMORY_MS);
  // A second run adds to the counts; the other systems have none.
  await syncSystem(deps, system!, { kind: 'sync', all: true, datasets: ['latest'] });
  expect((await new ImplausibleStore(runtime.redis, runtime.keys).get(id))?.total).toBe(4);
  expect(report.systems.shown.filter((s) => s.implausible !== null).map((s) => s.id)).toEqual([id]);
}, 60_000);

it('a window that fails keeps the windows loaded before it: the watermark moves to them and a rerun starts there', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const real = EXTRACTORS.grid_import;
  const ends: number[] = [];
  // The third window's body is bad (not retried); the two before it were written to the loader.
  const failsOnThird: Extractor = {
    ...real,
    async *extract(deps, sys, from, to) {
      for await (const window of real.extract(deps, sys, from, to)) {
        if (ends.length === 2) throw new BadResponseError('bad body', { problems: ['not JSON'] });
        ends.push(window.loadedUntil);
        yield window;
      }
    },
  };
  const fromDate = localDate(Math.floor(NOW_MS / 1000) - 6 * DAY, system!.timeZone);
  const request: SyncRequest = { kind: 'backfill', fromDate, datasets: ['grid_import'], force: false };
  const failed = await syncSystem(
    { ...runtime.syncDeps(), extractors: { ...EXTRACTORS, grid_import: failsOnThird } },
    system!,
    request,
  );
  expect(failed.failed.map((f) => f.dataset)).toEqual(['grid_import']);
  expect(ends).toHaveLength(2);
  expect((await runtime.watermarks.getSystem(system!.id)).grid_import).toBe(ends[1]);
  const [stored] = await w.influx.query(
    `SELECT count("import_wh") FROM "grid" WHERE "system_id" = '${system!.id}' AND time >= ${ends[1]!}s`,
  );
  expect(stored).toBeUndefined(); // nothing of the failed window or after it

  // The rerun asks only from the failed window on.
  w.sim.requestLog.clear();
  const rerun = await syncSystem(runtime.syncDeps(), system!, request);
  expect(rerun.loaded).toEqual(['grid_import']);
  const starts = w.sim.requestLog
    .entries()
    .filter((e) => e.route === '/api/v4/systems/{system_id}/energy_import_telemetry')
    .map((e) => Number(new URL(e.url, 'http://x').searchParams.get('start_at')));
  expect(Math.min(...starts)).toBe(ends[1]);
}, 60_000);

it('a window that comes a device at a time is loaded with its last device, its rejects reported once; one failing midway is not loaded', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const id = system!.id;
  // This runtime's key is refused device telemetry (the first test): as if it were not.
  await runtime.unavailable.clear(id, 'micro');
  const fromDate = localDate(Math.floor(NOW_MS / 1000) - 6 * DAY, system!.timeZone);
  // Three devices a window, five-minute points; the first window has an implausible point in its
  // first and last device, the second window's second device answers a bad body.
  const piece = (serial: string, start: number, powers: number[]) => {
    const tags = { system_id: String(id), serial };
    return powers.map((power_w, i) => ({
      measurement: 'micro',
      tags,
      fields: { power_w, energy_wh: 1 },
      time: start + i * 300,
    }));
  };
  const committed: number[] = [];
  const inPieces: Extractor = {
    ...EXTRACTORS.micro,
    appliesTo: () => true,
    async *extract(_deps, _sys, from) {
      for (let k = 0; k < 2; k++) {
        const window = { from: from + k * DAY, to: from + (k + 1) * DAY, query: {} };
        const loadedUntil = window.to;
        yield {
          dataset: 'micro',
          window,
          points: piece('A', window.from, [5_000, 10]),
          loadedUntil,
          more: true,
        };
        if (k === 1) throw new BadResponseError('bad body', { problems: ['not JSON'] });
        yield {
          dataset: 'micro',
          window,
          points: piece('B', window.from, [20, 30]),
          loadedUntil,
          more: true,
        };
        yield { dataset: 'micro', window, points: piece('C', window.from, [40, -5]), loadedUntil };
        committed.push(loadedUntil);
      }
    },
  };
  const log = memoryLogger('warn');
  const request: SyncRequest = { kind: 'backfill', fromDate, datasets: ['micro'], force: false };
  const deps = {
    ...runtime.syncDeps(),
    logger: log.logger,
    extractors: { ...EXTRACTORS, micro: inPieces },
    // Every window is committed at once: what the watermark says is what the pieces did.
    settings: { ...runtime.syncDeps().settings, plan: 'partner' as const, commitEveryWindows: 1 },
  };
  const result = await syncSystem(deps, system!, request);
  expect(result.failed.map((f) => f.dataset)).toEqual(['micro']);
  expect(committed).toHaveLength(1);
  // Loaded: the first window, with its last device; the failing one is not, whatever came of it.
  expect((await runtime.watermarks.getSystem(id)).micro).toBe(committed[0]);
  const stored = await w.influx.query(
    `SELECT power_w FROM micro WHERE system_id = '${id}' AND time < ${committed[0]!}s`,
  );
  expect(stored[0]?.values.map((v) => v[1]).sort((a, b) => Number(a) - Number(b))).toEqual([10, 20, 30, 40]);
  // The first window's two rejects, from two of its devices: one line, the first value named.
  const lines = log.lines().filter((l) => l.msg === 'implausible points not written');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    systemId: id,
    dataset: 'micro',
    rejected: 2,
    reasons: { power_above_bound: 1, negative_power: 1 },
    field: 'power_w',
    value: 5_000,
  });
}, 60_000);
