// Redis failing under a one-shot run (issue 10, section 1): restarted empty, the run notices its
// jobs are gone, enqueues them again and reports what was really loaded (InfluxDB equals the
// truth); lost for longer than the patience, the run ends with RedisLostError within the bound
// instead of waiting for ever; and the hit count survives a quota ledger that starts again.
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import { hitTally } from '../../src/jobs/one-shot-run.js';
import type { ProgressFigures } from '../../src/jobs/progress.js';
import { RedisLostError } from '../../src/jobs/redis-health.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { localDate } from '../../src/normalize/time.js';
import {
  DAY,
  NOW_MS,
  diffPoints,
  dumpInflux,
  memoryLogger,
  startE2eWorld,
  truthFor,
  type E2eWorld,
  type PointMap,
} from '../e2e/support.js';

const FROM_DATE = localDate(Math.floor(NOW_MS / 1000) - 6 * DAY, 'UTC');
const DATASETS = ['rgm' as const, 'production_meter' as const];

/** A progress reporter that calls `act` once, when the first window of the run is loaded. */
function onFirstWindow(act: () => void) {
  let done = false;
  return {
    start: () => undefined,
    update: (f: ProgressFigures) => {
      if (!done && f.windows >= 1) {
        done = true;
        act();
      }
    },
    stop: () => undefined,
  };
}

describe('hitTally', () => {
  it('adds the ledger’s growth, and counts from zero after the ledger started again', () => {
    const tally = hitTally(100);
    expect(tally(100)).toBe(0);
    expect(tally(130)).toBe(30);
    expect(tally(4)).toBe(34); // Redis restarted empty: the ledger counts again from 0
    expect(tally(10)).toBe(40);
  });
});

describe('Redis restarted empty mid-backfill', () => {
  let w: E2eWorld;
  let runtime: Runtime;
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 3, seed: 11 });
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await w?.stop();
  });

  it('enqueues the lost jobs again, finishes, and reports every system loaded', async () => {
    const log = memoryLogger('warn');
    runtime = w.runtime({ logger: log.logger });
    // Slow answers keep the jobs in flight while Redis goes away.
    w.sim.setFaults({ latencyMs: 150 });
    let restarted: Promise<void> | undefined;
    const summary = await backfill(
      runtime,
      { systems: 'all', fromDate: FROM_DATE, datasets: DATASETS, force: false },
      {
        concurrency: 1,
        progress: onFirstWindow(() => {
          restarted = w.redis.kill().then(() => w.redis.start());
        }),
      },
    );
    await restarted;
    w.sim.setFaults({});
    expect(restarted).toBeDefined();
    expect(log.lines().map((l) => l.msg)).toContain(
      'jobs of this run are gone from Redis (restarted empty?); enqueuing them again',
    );
    expect(summary.interrupted).toBe(false);
    expect(summary.failed).toEqual([]);
    expect(summary.completed.sort()).toEqual(w.sim.fleet.ids());
    expect(summary.points).toBeGreaterThan(0);
    expect(summary.hits).toBeGreaterThan(0);

    const truth: PointMap = new Map();
    for (const id of w.sim.fleet.ids())
      for (const [k, v] of truthFor(w.sim, id, FROM_DATE, NOW_MS))
        if (k.startsWith('rgm|') || (k.startsWith('production|') && k.includes('source=meter')))
          truth.set(k, v);
    const loaded = await dumpInflux(w.influx, ['rgm', 'production']);
    expect(truth.size).toBeGreaterThan(0);
    expect(diffPoints(loaded, truth)).toEqual([]);
    // The new Redis knows the run's outcome too: every system has its watermarks again.
    for (const id of w.sim.fleet.ids()) expect(await runtime.watermarks.get(id, 'rgm')).toBeDefined();
  }, 180_000);
});

describe('Redis lost for longer than the patience', () => {
  let w: E2eWorld;
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 2, seed: 12 });
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  it('ends the run with RedisLostError soon after the patience, not never', async () => {
    const runtime = w.runtime({ redisPatienceMs: 2_000 });
    w.sim.setFaults({ latencyMs: 150 });
    let killedAt = 0;
    try {
      const run = backfill(
        runtime,
        { systems: 'all', fromDate: FROM_DATE, datasets: DATASETS, force: false },
        {
          concurrency: 1,
          shutdownTimeoutMs: 3_000,
          progress: onFirstWindow(() => {
            killedAt = Date.now();
            void w.redis.kill();
          }),
        },
      );
      await expect(run).rejects.toBeInstanceOf(RedisLostError);
      await expect(run).rejects.toThrow(/did not come back within 2 s \(REDIS_PATIENCE\)/);
      expect(killedAt).toBeGreaterThan(0);
      // Patience 2 s + a last look at the jobs 5 s + the workers: shutdown bound 3 s, forced close 5 s.
      expect(Date.now() - killedAt).toBeLessThan(25_000);
      expect(runtime.redisHealth.reachable()).toBe(false);
    } finally {
      w.sim.setFaults({});
      await runtime.close({ deadlineMs: 2_000 });
      await w.redis.start();
    }
  }, 60_000);
});

describe('a command queued while Redis is away', () => {
  let w: E2eWorld;
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 1, seed: 13 });
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  // ioredis strands its offline queue when disconnected while 'reconnecting' (endConnection's
  // comment): the command would never settle and the CLI would end with exit 13.
  it('fails once the patience runs out, instead of never settling', async () => {
    const runtime = w.runtime({ redisPatienceMs: 1_000 });
    try {
      await runtime.redis.ping();
      await w.redis.kill();
      const queued = runtime.redis.get('anything').then(
        () => 'answered',
        (error: Error) => error.message,
      );
      await new Promise<void>((resolve) =>
        runtime.redisHealth.gaveUp.addEventListener('abort', () => resolve(), { once: true }),
      );
      let timer: NodeJS.Timeout | undefined;
      const settled = await Promise.race([
        queued,
        new Promise<string>(
          (resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5_000)),
        ),
      ]);
      clearTimeout(timer);
      expect(settled).toBe('Connection is closed.');
      expect(runtime.redis.status).toBe('end');
    } finally {
      await runtime.close({ deadlineMs: 2_000 });
      await w.redis.start();
    }
  }, 60_000);
});
