// Scale-out and crash (issue 6): three worker processes (`node --import tsx`) drain a 50-system
// backfill — no system synced by two jobs at once, the per-minute limit never exceeded (counted
// by the simulator's rolling-window gateway, on a shortened window) — then a worker is SIGKILLed mid-backfill, the
// others finish (its jobs come back as stalled), and a rerun completes with every point in place.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { localDate } from '../../src/normalize/time.js';
import {
  DAY,
  NOW_MS,
  diffPoints,
  dumpInflux,
  startE2eWorld,
  truthFor,
  type E2eWorld,
  type PointMap,
} from './support.js';
import { machineEnv, tsxArgs } from '../support/node-child.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'worker.ts');
const SYSTEMS = 50;
const RATE = 100;
const WINDOW_MS = 5_000;
/**
 * The limiter's margin: the default for a 5-second window (2%). It no longer has to cover the
 * moment between taking a slot in Redis and reaching the simulator, however long a busy 2-core
 * machine stalls a process there: a request counts in the limiter's window until its answer is in
 * (see src/enphase/limiter.ts and docs/operations.md), so the margin covers clock granularity only.
 */
const MARGIN_MS = 100;

let w: E2eWorld;
let runtime: Runtime;
let folder: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const limits = Object.fromEntries(
    (['watt', 'kilowatt', 'megawatt', 'partner'] as const).map((p) => [
      p,
      { perMinute: RATE, perMonth: null },
    ]),
  );
  w = await startE2eWorld(
    { systems: SYSTEMS, seed: 3, limits, rateWindowMs: WINDOW_MS },
    { advancingFrom: NOW_MS },
  );
  w.env.ENPHASE_RATE_PER_MINUTE = String(RATE);
  runtime = w.runtime({ rateWindowMs: WINDOW_MS, rateMarginMs: MARGIN_MS });
  folder = mkdtempSync(join(tmpdir(), 'scale-out-'));
}, 60_000);
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await runtime?.close();
  await w?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function startWorker(name: string) {
  const logFile = join(folder, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, tsxArgs(FIXTURE), {
    env: {
      PATH: process.env.PATH,
      ...machineEnv(),
      E2E_ENV: JSON.stringify(w.env),
      E2E_PREFIX: w.redis.prefix,
      E2E_RATE_WINDOW_MS: String(WINDOW_MS),
      E2E_RATE_MARGIN_MS: String(MARGIN_MS),
      E2E_CLOCK_OFFSET_MS: String(w.clockOffsetMs),
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = () =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exited, lines };
}

/** The test's clock (the world's: NOW_MS when the world started, advancing). */
const now = () => Date.now() + w.clockOffsetMs;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(200);
  }
}

/**
 * The simulator's gateway counts arrivals over a rolling window of WINDOW_MS and answers 429 above
 * RATE: zero 429s means no window ever saw more. (The request log's `at` is the response time, so
 * a sliding count over it would measure handling time, not arrivals.)
 */
function apiRequests(): number {
  return w.sim.requestLog.entries().filter((e) => e.route.startsWith('/api/v4/')).length;
}

function overlaps(events: Array<Record<string, unknown>>): string[] {
  const bySystem = new Map<number, Array<[number, number]>>();
  for (const e of events) {
    if (e.event !== 'system-sync-end') continue;
    const list = bySystem.get(e.systemId as number) ?? [];
    list.push([e.started as number, e.at as number]);
    bySystem.set(e.systemId as number, list);
  }
  const out: string[] = [];
  for (const [id, spans] of bySystem) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) if (spans[i]![0] < spans[i - 1]![1]) out.push(`system ${id}`);
  }
  return out;
}

describe('three worker processes', () => {
  it('drain a 50-system backfill: every system once at a time, the rate limit held', async () => {
    const fromDate = localDate(Math.floor(now() / 1000) - DAY, 'UTC');
    const workers = [startWorker('a'), startWorker('b'), startWorker('c')];
    const enqueued = await backfill(
      runtime,
      { systems: 'all', fromDate, datasets: ['production_micro', 'energy_daily', 'system'], force: false },
      { enqueueOnly: true },
    );
    expect(enqueued.total).toBe(SYSTEMS);
    try {
      await waitFor(async () => {
        const counts = await runtime.queues.backfill.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0) >= SYSTEMS;
      }, 90_000);
    } finally {
      for (const x of workers) x.child.kill('SIGTERM');
      await Promise.all(workers.map((x) => x.exited));
    }
    expect((await runtime.queues.backfill.getJobCounts('failed')).failed).toBe(0);
    const events = workers.flatMap((x) => x.lines());
    // Each process took a share of the work.
    for (const x of workers)
      expect(x.lines().filter((e) => e.event === 'system-sync-end').length).toBeGreaterThan(0);
    expect(new Set(events.filter((e) => e.event === 'system-sync-end').map((e) => e.systemId)).size).toBe(
      SYSTEMS,
    );
    expect(overlaps(events)).toEqual([]);
    expect(w.sim.requestLog.count({ status: 429 })).toBe(0);
    // The limit was the bound: more requests than one window allows, spread over several windows.
    const hits = apiRequests();
    expect(hits).toBeGreaterThan(RATE);
    const times = w.sim.requestLog.entries().map((e) => e.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(
      Math.floor(hits / RATE - 1) * WINDOW_MS,
    );
    for (const x of workers) expect(x.child.exitCode).toBe(0);
  }, 150_000);

  it('SIGKILL of one mid-backfill: the others finish, a rerun completes, nothing missing or extra', async () => {
    const nowSec = Math.floor(now() / 1000);
    const fromDate = localDate(nowSec - 2 * DAY, 'UTC');
    await runtime.queues.backfill.clean(0, 10_000, 'completed');
    const workers = [startWorker('d'), startWorker('e'), startWorker('f')];
    await backfill(
      runtime,
      { systems: 'all', fromDate, datasets: ['production_micro'], force: true },
      { enqueueOnly: true },
    );
    const victim = workers[0]!;
    await waitFor(async () => victim.lines().some((e) => e.event === 'system-sync-start'), 60_000).catch(
      (error: unknown) => {
        for (const x of workers) x.child.kill('SIGKILL');
        throw error;
      },
    );
    await sleep(300);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The survivors finish everything, including the jobs the victim held (stalled, then retried).
    try {
      await waitFor(async () => {
        const counts = await runtime.queues.backfill.getJobCounts('completed', 'failed');
        return (counts.completed ?? 0) + (counts.failed ?? 0) >= SYSTEMS;
      }, 120_000);
    } finally {
      for (const x of workers.slice(1)) x.child.kill('SIGTERM');
      await Promise.all(workers.slice(1).map((x) => x.exited));
    }

    // The rerun (in-process, like `backfill` without --enqueue-only) completes from the watermarks.
    const rerun = await backfill(runtime, {
      systems: 'all',
      fromDate,
      datasets: ['production_micro'],
      force: false,
    });
    expect(rerun.failed).toEqual([]);
    expect(rerun.completed.length).toBe(SYSTEMS);

    // Settled intervals (older than a day) equal the truth, for every system: nothing missing or extra.
    const nowMs = now();
    const cutoff = Math.floor(nowMs / 1000) - DAY;
    const stored = await dumpInflux(w.influx, ['production']);
    const settled = (map: PointMap): PointMap =>
      new Map([...map].filter(([k]) => k.includes('source=micro') && Number(k.split('|')[2]) < cutoff));
    const truth: PointMap = new Map();
    for (const id of w.sim.fleet.ids())
      for (const [k, v] of truthFor(w.sim, id, fromDate, nowMs)) truth.set(k, v);
    const want = settled(truth);
    expect(want.size).toBeGreaterThan(SYSTEMS * 100);
    expect(diffPoints(settled(stored), want)).toEqual([]);
    // A killed worker's admitted requests hold their slots until their deadlines: still no 429.
    expect(w.sim.requestLog.count({ status: 429 })).toBe(0);
  }, 200_000);
});
