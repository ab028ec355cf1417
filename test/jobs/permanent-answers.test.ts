// Refusals and permanent answers through the whole pipeline (issue 9 §1, §2, §6): one system's 401
// or 501 skips that system's dataset only, with a recheck time, in the summary and in `status`,
// and fails nothing; an error no retry can fix is attempted once by BullMQ (a body that does not
// parse is asked for again within the client's retry budget first); the EV charger dataset loads
// from routes that answer application/octet-stream.
import { UnrecoverableError } from 'bullmq';
import { formatSummary } from '../../src/commands/one-shot-command.js';
import { ConfigError } from '../../src/config.js';
import { ApiError, BadResponseError } from '../../src/enphase/errors/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/enphase/retry.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import { backfill, resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { syncSystem } from '../../src/jobs/sync-system.js';
import { asJobFailure } from '../../src/jobs/worker.js';
import { NormalizeError } from '../../src/normalize/index.js';
import { localDate, TimeZoneError } from '../../src/normalize/time.js';
import { DAY, NOW_MS, startE2eWorld, type E2eWorld } from '../e2e/support.js';

const MICRO_ROUTE = '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry';
const RGM_ROUTE = '/api/v4/systems/{system_id}/rgm_stats';
const FROM_DATE = localDate(Math.floor(NOW_MS / 1000) - 2 * DAY, 'UTC');

let w: E2eWorld;
let runtime: Runtime;
let ids: number[];
beforeAll(async () => {
  w = await startE2eWorld({ systems: 12 });
  runtime = w.runtime();
  ids = w.sim.fleet.ids();
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

it('one system’s 401 and 501 skip its own datasets only; the others load; nothing fails', async () => {
  const [a, b] = ids as [number, number];
  w.sim.setSystemMisbehaviour(a, { unauthorized: [MICRO_ROUTE], notImplemented: [RGM_ROUTE] });
  try {
    const summary = await backfill(runtime, {
      systems: [a, b],
      fromDate: FROM_DATE,
      datasets: ['micro', 'rgm'],
      force: false,
    });
    // A run whose only problems are such skips does not fail (the command exits 0).
    expect(summary.failed).toEqual([]);
    expect(summary.completed.sort()).toEqual([a, b]);
    const text = formatSummary('backfill', summary);
    expect(text).toContain(`skipped micro on 1 system(s) (${a}): unavailable on this plan`);
    expect(text).toContain(`skipped rgm on 1 system(s) (${a}): unavailable for this system (answered 501)`);

    // B is loaded, A is not; A's rgm was asked exactly once, every micro request of A was refused.
    expect(Object.keys(await runtime.watermarks.getSystem(b)).sort()).toEqual(['micro', 'rgm']);
    expect(await runtime.watermarks.getSystem(a)).toEqual({});
    expect(w.sim.requestLog.count({ route: RGM_ROUTE, systemId: a })).toBe(1);
    const microOfA = w.sim.requestLog.entries().filter((e) => e.route === MICRO_ROUTE && e.systemId === a);
    expect(microOfA.length).toBeGreaterThan(0);
    expect(microOfA.every((e) => e.status === 401)).toBe(true);
    expect(w.sim.requestLog.count({ route: MICRO_ROUTE, systemId: b, status: 200 })).toBeGreaterThan(0);

    // `status`: the refusals per system, and A's datasets marked with status and recheck time.
    const report = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
      limit: 20,
      now: w.clock.ms,
    });
    expect(report.restrictedEndpoints).toEqual([
      expect.objectContaining({ endpoint: MICRO_ROUTE, systemId: a, status: 401 }),
      expect.objectContaining({ endpoint: RGM_ROUTE, systemId: a, status: 501 }),
    ]);
    const systemA = report.systems.shown.find((s) => s.id === a)!;
    const mark = (d: string) => systemA.datasets.find((x) => x.dataset === d)?.unavailable;
    expect(mark('micro')).toMatchObject({ status: 401, active: true, until: expect.any(Number) });
    expect(mark('rgm')).toMatchObject({ status: 501, active: true, until: expect.any(Number) });
    const systemB = report.systems.shown.find((s) => s.id === b)!;
    expect(systemB.datasets.filter((d) => d.unavailable)).toEqual([]);
    const lines = formatStatus(report).join('\n');
    expect(lines).toContain(`Not in the plan (401): ${MICRO_ROUTE} for 1 system (${a})`);
    expect(lines).toContain(`Not available (501): ${RGM_ROUTE} for 1 system (${a})`);

    // The next run costs A nothing on those endpoints until the recheck time.
    w.sim.requestLog.clear();
    const again = await backfill(runtime, {
      systems: [a],
      fromDate: FROM_DATE,
      datasets: ['micro', 'rgm'],
      force: true,
    });
    expect(again.failed).toEqual([]);
    expect(w.sim.requestLog.count({ systemId: a })).toBe(0);
  } finally {
    w.sim.setSystemMisbehaviour(a, undefined);
  }
}, 120_000);

it('a body that never parses: the client asks within its retry budget, the job is attempted once', async () => {
  const c = ids[2]!;
  w.sim.setFaults({ malformedRate: 1, only: [RGM_ROUTE] });
  w.sim.requestLog.clear();
  try {
    const summary = await backfill(runtime, {
      systems: [c],
      fromDate: FROM_DATE,
      datasets: ['rgm'],
      force: false,
    });
    expect(summary.failed.map((f) => f.systemId)).toEqual([c]);
    expect(summary.failed[0]!.reason).toMatch(/BadResponseError|not valid JSON/);
  } finally {
    w.sim.setFaults({});
  }
  const failed = (await runtime.queues.backfill.getFailed()).filter((j) => j.data.systemId === c);
  expect(failed.map((j) => j.attemptsMade)).toEqual([1]);
  expect(w.sim.requestLog.count({ route: RGM_ROUTE, systemId: c })).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
}, 60_000);

it('an unknown time zone: the job is attempted once, and asks nothing it cannot use', async () => {
  const d = ids[3]!;
  w.sim.setSystemMisbehaviour(d, { timezone: 'qui' });
  w.sim.requestLog.clear();
  try {
    const summary = await backfill(runtime, {
      systems: [d],
      fromDate: FROM_DATE,
      datasets: ['energy_daily'],
      force: false,
    });
    expect(summary.failed.map((f) => f.systemId)).toEqual([d]);
    expect(summary.failed[0]!.reason).toMatch(/quarantined.*'qui'/);
    const failed = (await runtime.queues.backfill.getFailed()).filter((j) => j.data.systemId === d);
    expect(failed.map((j) => j.attemptsMade)).toEqual([1]);
    // The detail request that showed the bad zone, and nothing of the system's data.
    expect(w.sim.requestLog.count({ systemId: d })).toBeLessThanOrEqual(1);
  } finally {
    w.sim.setSystemMisbehaviour(d, undefined);
  }
}, 60_000);

it('every error class that no retry can fix becomes UnrecoverableError; the others are thrown as they are', () => {
  for (const error of [
    new TimeZoneError("unknown time zone 'qui'"),
    new NormalizeError('bad body'),
    new BadResponseError('not JSON', { problems: ['x'] }),
    new ConfigError('bad INFLUX_URL'),
  ]) {
    const failure = asJobFailure(error);
    expect([error.name, failure instanceof UnrecoverableError]).toEqual([error.name, true]);
    expect((failure as Error).message).toContain(error.message);
  }
  const transient = new ApiError('503', { status: 503 });
  expect(asJobFailure(transient)).toBe(transient);
  const network = new Error('ECONNRESET');
  expect(asJobFailure(network)).toBe(network);
});

it('the EV charger dataset loads from routes that answer application/octet-stream', async () => {
  const ev = ids.map((id) => w.sim.fleet.system(id)!).find((s) => s.evChargerSerials.length > 0);
  expect(ev).toBeDefined();
  const [system] = await resolveSystems(runtime, [ev!.id]);
  w.sim.requestLog.clear();
  const result = await syncSystem(runtime.syncDeps(), system!, {
    kind: 'sync',
    all: true,
    datasets: ['ev_charger'],
  });
  expect(result.failed).toEqual([]);
  expect(result.loaded).toEqual(['ev_charger']);
  expect(result.points).toBeGreaterThan(0);
  const evRequests = w.sim.requestLog.entries().filter((e) => e.route.includes('/ev_charger/'));
  expect(evRequests.length).toBeGreaterThan(0);
  expect(evRequests.every((e) => e.status === 200)).toBe(true);
}, 60_000);
