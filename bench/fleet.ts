// The fleet benchmark (issues 6 and 13), on demand, not in the suite (`npm run build` first):
//
//   node --import tsx bench/fleet.ts [--systems 1000,10000] [--datasets a,b|all] [--concurrency 16]
//   node --import tsx bench/fleet.ts --service [--paced] [--systems 1000] [--tick 1m] [--minutes 12] [--concurrency n]
//   (either: [--worker-node-args "--heapsnapshot-signal=SIGUSR2 ..."], node options of the worker;
//   with it, [--snapshot-at 1000,3000]: SIGUSR2 to the worker when that many sync jobs of the
//   round have finished — a heap snapshot, after V8's full GC, for bench/support/heap-summary.mjs)
//   node --import tsx bench/fleet.ts --rss [--days 7,730]
//   node --import tsx bench/fleet.ts --state-only [--systems 1000,10000]
//
// Per fleet size, as in production: the simulator in a child process (limits out of the way:
// partner key, 10^9 a minute), an `enphase-etl worker` child (dist/), a real Redis and influxd
// from the test harness. This process enqueues one discovery job and then one round job, and
// waits for the round's sync jobs (first sync: INITIAL_LOOKBACK=1d of every chosen dataset) —
// wall time, hits (counted at the simulator), points and windows (the jobs' results), the
// worker's RSS from /proc (VmRSS every 50 ms, and VmHWM), Redis memory per key kind (MEMORY
// USAGE), state per system apart from BullMQ's job history; then the budget planner and
// `status` over the resulting registry and state. `--service`: an `enphase-etl worker` and an
// `enphase-etl scheduler` child (SYNC_INTERVAL=--tick, else the plan's tick) for --minutes: the
// worker's RSS through discovery, the first full round and the rounds after it; limits out of
// the way (the worker never idles), or `--paced`: the partner plan's own 300 requests a minute. `--rss`: a worker's peak RSS for a
// 1-week and a 2-year backfill of one system, each in a fresh child process (should be flat).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { planBudget } from '../src/budget-plan.js';
import { budgetInput, datasetsFor, registrySample } from '../src/budget-input.js';
import { collectStatus } from '../src/commands/status/collect.js';
import { parseConfig } from '../src/config.js';
import { backfill } from '../src/jobs/backfill-and-sync.js';
import { JOB_DISCOVER, JOB_ROUND, openQueues, type Queues, type SyncResult } from '../src/jobs/queues.js';
import { createRuntime } from '../src/jobs/runtime.js';
import { createLogger } from '../src/log.js';
import { startSimulator } from '../src/simulator/index.js';
import { createKeys, type RedisKeys } from '../src/state/keys.js';
import { RegistryStore } from '../src/state/registry.js';
import {
  startInfluxV1,
  startRedis,
  type InfluxV1Handle,
  type RedisHandle,
} from '../test/support/services.js';
import { tsxArgs } from '../test/support/node-child.js';
import { spawnCli, startSimulatorChild, type SimulatorChild } from './support/children.js';
import { medianRssKiB, mib, sampleRss } from './support/rss.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const logger = createLogger({ level: 'error' });
/** Node options of the worker child only (profiling: `--worker-node-args "--heapsnapshot-signal=SIGUSR2"`). */
const workerNodeArgs = arg('worker-node-args', '').split(' ').filter(Boolean);
/** Finished sync jobs of a round at which the worker gets SIGUSR2 (a heap snapshot). */
const snapshotAt = arg('snapshot-at', '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .sort((a, b) => a - b);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Simulated {
  url: string;
  accessToken: string;
  refreshToken: string;
}

/** The environment of an `enphase-etl` child (and, parsed, the bench's own config). */
function envFor(
  sim: Simulated,
  redis: RedisHandle,
  influx: InfluxV1Handle,
  datasets: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_ACCESS_TOKEN: sim.accessToken,
    ENPHASE_REFRESH_TOKEN: sim.refreshToken,
    ENPHASE_PLAN: 'partner',
    ENPHASE_RATE_PER_MINUTE: '1000000000',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    INFLUX_URL: influx.url,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: influx.database,
    INITIAL_LOOKBACK: '1d',
    LOG_LEVEL: 'error',
    METRICS_PORT: '0',
    ...(datasets === 'all' ? {} : { DATASETS: datasets }),
    ...extra,
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/**
 * The kind of a key below `root`: BullMQ's job hashes (`bull:<queue>:job`, with their logs) and
 * its queue structures (`bull:<queue>:<name>`), or the first segment of a state key (`systems`,
 * `wm`, `synced`, `floor`, ...).
 */
function kindOf(key: string, root: string): string {
  const rest = key.slice(root.length + 1).split(':');
  if (rest[0] !== 'bull') return rest[0] ?? key;
  const queue = rest[1] ?? '?';
  const third = rest[2] ?? '';
  const known = [
    'events',
    'meta',
    'id',
    'completed',
    'failed',
    'wait',
    'active',
    'delayed',
    'prioritized',
    'paused',
    'marker',
    'stalled-check',
    'stalled',
    'de',
    'repeat',
    'pc',
    'limiter',
    'metrics',
  ];
  return `bull:${queue}:${known.includes(third) && rest.length === 3 ? third : rest[3] === 'logs' ? 'job logs' : known.includes(third) ? third : 'job'}`;
}

/** Bytes per key kind (MEMORY USAGE of every key under `root`, SAMPLES 0: exact). */
async function memoryByKind(
  redis: Redis,
  root: string,
): Promise<Map<string, { keys: number; bytes: number }>> {
  const byKind = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}:*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const bytes = Number(replies[i]?.[1] ?? 0);
      const kind = kindOf(key, root);
      const entry = byKind.get(kind) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += bytes;
      byKind.set(kind, entry);
    });
  } while (cursor !== '0');
  return byKind;
}

/** Keys of one API key, not of a system: limiter window, quota ledger, tokens, restrictions. */
const PER_API_KEY = new Set(['limit', 'quota', 'auth', 'restricted']);

function summarizeMemory(byKind: Map<string, { keys: number; bytes: number }>, systems: number) {
  let state = 0;
  let perKey = 0;
  let jobs = 0;
  const detail: Record<string, string> = {};
  for (const [kind, { keys, bytes }] of [...byKind].sort((a, b) => b[1].bytes - a[1].bytes)) {
    if (kind.startsWith('bull:')) jobs += bytes;
    else if (PER_API_KEY.has(kind)) perKey += bytes;
    else state += bytes;
    detail[kind] = `${keys} keys, ${Math.round(bytes / systems)} B/system`;
  }
  return {
    statePerSystem: Math.round(state / systems),
    jobHistoryPerSystem: Math.round(jobs / systems),
    perApiKeyBytes: perKey,
    detail,
  };
}

/** Waits for a job to finish; its return value (throws with its reason when it failed). */
async function finished<T>(queue: Queue, id: string): Promise<T> {
  for (;;) {
    const job = (await queue.getJob(id)) as Job | undefined;
    const state = job ? await job.getState() : 'unknown';
    if (state === 'completed') return job!.returnvalue as T;
    if (state === 'failed') throw new Error(`job ${id} failed: ${job!.failedReason}`);
    await sleep(100);
  }
}

/**
 * Waits until the sync queue has nothing waiting, active or delayed and `total` jobs finished;
 * a progress line on stderr every minute (a long run's partial figures).
 */
async function roundDone(
  queue: Queue,
  total: number,
  progress: () => string,
  workerPid?: number,
): Promise<{ completed: number; failed: number }> {
  const started = Date.now();
  let reported = started;
  const snapshots = [...snapshotAt];
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    const pending = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    const done = (c.completed ?? 0) + (c.failed ?? 0);
    if (workerPid !== undefined && snapshots.length > 0 && done >= snapshots[0]!) {
      console.error(`${done} jobs finished: heap snapshot of the worker (SIGUSR2)`);
      snapshots.shift();
      process.kill(workerPid, 'SIGUSR2');
    }
    if (pending === 0 && (c.completed ?? 0) + (c.failed ?? 0) >= total)
      return { completed: c.completed ?? 0, failed: c.failed ?? 0 };
    if (Date.now() - reported >= 60_000) {
      reported = Date.now();
      console.error(
        `${seconds(reported - started)}: ${c.completed} completed, ${c.failed} failed, ${progress()}, load ${load()}`,
      );
    }
    await sleep(250);
  }
}

/** Points and windows over the finished sync jobs (their SyncResults). */
async function roundFigures(queue: Queue): Promise<{ points: number; windows: number; rejected: number }> {
  let points = 0;
  let windows = 0;
  let rejected = 0;
  for (let start = 0; ; start += 500) {
    const jobs = await queue.getJobs(['completed'], start, start + 499);
    for (const job of jobs) {
      const r = job.returnvalue as SyncResult | null;
      points += r?.points ?? 0;
      windows += r?.windows ?? 0;
      for (const n of Object.values(r?.rejected ?? {})) rejected += n;
    }
    if (jobs.length < 500) return { points, windows, rejected };
  }
}

async function waitForWorkers(queue: Queue, n: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && (await queue.getWorkersCount()) < n) await sleep(100);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function withServices<T>(
  systems: number,
  limits: 'none' | 'plan',
  run: (s: {
    sim: SimulatorChild;
    redisServer: RedisHandle;
    influx: InfluxV1Handle;
    redis: Redis;
    keys: RedisKeys;
    queues: Queues;
  }) => Promise<T>,
): Promise<T> {
  const [redisServer, influx] = await Promise.all([startRedis(), startInfluxV1()]);
  const sim = await startSimulatorChild(systems, limits);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = createKeys(redisServer.prefix);
  const queues = openQueues(redis, keys);
  try {
    return await run({ sim, redisServer, influx, redis, keys, queues });
  } finally {
    await queues.close();
    redis.disconnect();
    await sim.stop();
    await Promise.all([redisServer.stop(), influx.stop()]);
  }
}

async function benchFleet(systems: number, datasets: string, concurrency: number): Promise<void> {
  const loadBefore = load();
  await withServices(systems, 'none', async ({ sim, redisServer, influx, redis, keys, queues }) => {
    const env = envFor(sim, redisServer, influx, datasets);
    const config = parseConfig(env);
    await redis.call('MEMORY', 'PURGE').catch(() => undefined);
    const before = await usedMemory(redis);
    const worker = spawnCli(['worker', '--concurrency', String(concurrency)], env, workerNodeArgs);
    const rss = sampleRss(worker.pid);
    try {
      await waitForWorkers(queues.sync, 3);
      const rssIdle = rss.peakKiB();

      await sim.clear();
      let t = Date.now();
      await queues.discover.add(JOB_DISCOVER, { enqueueSync: false }, { jobId: 'bench-discover' });
      const found = await finished<{ systems: number; failed: unknown[] }>(queues.discover, 'bench-discover');
      const discoveryMs = Date.now() - t;
      const discoveryHits = await sim.count();
      const rssDiscovery = rss.peakKiB();
      const afterDiscovery = await usedMemory(redis);
      const memDiscovery = summarizeMemory(await memoryByKind(redis, keys.root), systems);

      await sim.clear();
      t = Date.now();
      await queues.discover.add(JOB_ROUND, {}, { jobId: 'bench-round' });
      const { offered } = await finished<{ offered: number }>(queues.discover, 'bench-round');
      const counts = await roundDone(
        queues.sync,
        offered,
        () => `worker RSS ${mib(rss.peakKiB())} MiB peak`,
        worker.pid,
      );
      const syncMs = Date.now() - t;
      const syncHits = await sim.count();
      const rssRound = rss.stop();
      const figures = await roundFigures(queues.sync);
      const afterSync = await usedMemory(redis);
      const memRound = summarizeMemory(await memoryByKind(redis, keys.root), systems);
      const exitCode = await worker.stop();

      // The same state without BullMQ's job history: what `used_memory` says once it is gone.
      await Promise.all([
        queues.sync.clean(0, 1_000_000, 'completed'),
        queues.sync.clean(0, 1_000_000, 'failed'),
      ]);
      await Promise.all([
        queues.discover.clean(0, 1_000, 'completed'),
        queues.discover.clean(0, 1_000, 'failed'),
      ]);
      await redis.del(`${keys.bullPrefix}:sync:events`, `${keys.bullPrefix}:discover:events`);
      await redis.call('MEMORY', 'PURGE').catch(() => undefined);
      const withoutJobs = await usedMemory(redis);

      t = Date.now();
      const sample = await registrySample(new RegistryStore(redis, keys));
      const plan = planBudget(budgetInput(config, sample, datasetsFor(config).planned, Date.now()));
      const planMs = Date.now() - t;
      t = Date.now();
      const status = await collectStatus(redis, keys, config, { limit: Infinity, now: Date.now() });
      const statusMs = Date.now() - t;

      const perSystem = (bytes: number): number => Math.round(bytes / systems);
      console.log(
        JSON.stringify({
          systems,
          datasets,
          concurrency,
          load: { before: loadBefore, after: load() },
          discovery: {
            wall: seconds(discoveryMs),
            hits: discoveryHits,
            systems: found.systems,
            failed: found.failed.length,
          },
          syncRound: {
            wall: seconds(syncMs),
            hits: syncHits,
            jobs: offered,
            completed: counts.completed,
            failed: counts.failed,
            ...figures,
          },
          perSystem: {
            hits: +(syncHits / systems).toFixed(1),
            points: Math.round(figures.points / systems),
            syncMs: +(syncMs / systems).toFixed(1),
          },
          workerRssMiB: {
            idle: mib(rssIdle),
            discoveryPeak: mib(rssDiscovery),
            peak: mib(rssRound.peakKiB),
            hwm: mib(rssRound.hwmKiB),
            exitCode,
          },
          redisUsedMemoryPerSystem: {
            afterDiscovery: perSystem(afterDiscovery - before),
            afterSync: perSystem(afterSync - before),
            afterSyncWithoutJobHistory: perSystem(withoutJobs - before),
          },
          redisKeysAfterDiscovery: memDiscovery,
          redisKeysAfterSync: memRound,
          planner: { wall: seconds(planMs), fits: plan.fits, tick: plan.tickMs / 60_000 + ' min' },
          status: { wall: seconds(statusMs), systems: status.systems.total },
        }),
      );
    } finally {
      rss.stop();
      await worker.stop();
    }
  });
}

/**
 * Service mode: `enphase-etl worker` and `enphase-etl scheduler` children over `minutes`, rounds
 * every `tick`. The scheduler finds the registry empty and enqueues discovery with a first round;
 * then rounds follow the plan's cadences. The worker's RSS: peak, and the median per minute.
 */
async function benchService(
  systems: number,
  tick: string | undefined,
  minutes: number,
  concurrency: number | undefined,
  paced: boolean,
): Promise<void> {
  const loadBefore = load();
  await withServices(systems, paced ? 'plan' : 'none', async ({ sim, redisServer, influx, queues }) => {
    const env = envFor(sim, redisServer, influx, 'all', {
      ...(tick ? { SYNC_INTERVAL: tick } : {}),
      // the partner plan's own rate (300 a minute); the planner fits the cadences to it
      ...(paced ? { ENPHASE_RATE_PER_MINUTE: '300' } : {}),
    });
    const worker = spawnCli(
      ['worker', ...(concurrency ? ['--concurrency', String(concurrency)] : [])],
      env,
      workerNodeArgs,
    );
    const rss = sampleRss(worker.pid);
    const scheduler = spawnCli(['scheduler'], env);
    const rounds: Array<{ atS: number; hits: number; completed: number }> = [];
    try {
      const started = Date.now();
      let lastHits = 0;
      for (let m = 1; m <= minutes; m++) {
        await sleep(60_000);
        const hits = await sim.count();
        const c = await queues.sync.getJobCounts('completed', 'failed');
        rounds.push({
          atS: Math.round((Date.now() - started) / 1000),
          hits: hits - lastHits,
          completed: c.completed ?? 0,
        });
        lastHits = hits;
        const samples = rss.samples().filter((s) => s.atMs >= (m - 1) * 60_000);
        console.error(
          `minute ${m}: hits ${rounds.at(-1)!.hits}, sync jobs completed ${c.completed}, failed ${c.failed}, ` +
            `worker RSS median ${mib(medianRssKiB(samples))} MiB, max ${mib(Math.max(...samples.map((s) => s.rssKiB)))} MiB, load ${load()}`,
        );
      }
      const result = rss.stop();
      const perMinute = Array.from({ length: minutes }, (_, m) => {
        const samples = result.samples.filter((s) => s.atMs >= m * 60_000 && s.atMs < (m + 1) * 60_000);
        return {
          minute: m + 1,
          medianMiB: mib(medianRssKiB(samples)),
          maxMiB: mib(Math.max(...samples.map((s) => s.rssKiB))),
        };
      });
      console.log(
        JSON.stringify({
          systems,
          service: true,
          tick: tick ?? "the plan's",
          paced,
          concurrency: concurrency ?? 'default',
          load: { before: loadBefore, after: load() },
          workerRssMiB: { peak: mib(result.peakKiB), hwm: mib(result.hwmKiB), perMinute },
          minutes: rounds,
        }),
      );
    } finally {
      rss.stop();
      await Promise.all([scheduler.stop(), worker.stop()]);
    }
  });
}

/**
 * Without the pipeline: N synthetic registry entries with a watermark, a last sync and a last
 * error per dataset; Redis memory per system of that state; the planner over the registry;
 * `status` over all of it.
 */
async function benchState(systems: number): Promise<void> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  try {
    const config = parseConfig({
      REDIS_URL: redisServer.url,
      ENPHASE_API_KEY: 'sim-key',
      ENPHASE_PLAN: 'partner',
    });
    const keys = createKeys(redisServer.prefix);
    const registry = new RegistryStore(redis, keys);
    const before = await usedMemory(redis);
    const datasets = datasetsFor(config).planned;
    const now = Date.now();
    for (let start = 0; start < systems; start += 1_000) {
      const ids = Array.from({ length: Math.min(1_000, systems - start) }, (_, i) => 1_000_000 + start + i);
      await registry.upsert(
        ids.map((id) => ({
          id,
          name: `System ${id}`,
          timeZone: 'America/Los_Angeles',
          operationalAt: 1_600_000_000,
          devices: {
            micros: Array.from({ length: 20 }, (_, i) => `12${id}${String(i).padStart(2, '0')}`),
            encharges: [`E${id}`],
            acbs: [],
            evChargers: [],
            meters: [`P${id}`, `C${id}`],
          },
          hasProductionMeter: true,
          hasConsumptionMeter: true,
          hasBattery: true,
          status: 'normal',
          lastReportAt: Math.floor(now / 1000),
          discoveredAt: now,
        })),
      );
      const pipeline = redis.pipeline();
      for (const id of ids) {
        for (const d of datasets) {
          pipeline.hset(keys.watermarks(id), d, String(Math.floor(now / 1000) - 86_400));
          pipeline.hset(keys.lastSync(id), d, String(now));
        }
      }
      await pipeline.exec();
    }
    const after = await usedMemory(redis);
    let t = Date.now();
    const sample = await registrySample(new RegistryStore(redis, keys));
    const plan = planBudget(budgetInput(config, sample, datasets, now));
    const planMs = Date.now() - t;
    t = Date.now();
    const status = await collectStatus(redis, keys, config, { limit: Infinity, now });
    const statusMs = Date.now() - t;
    console.log(
      JSON.stringify({
        systems,
        stateOnly: true,
        redisPerSystem: `${Math.round((after - before) / systems).toLocaleString('en-US')} B (registry entry + watermarks + last syncs of ${datasets.length} datasets)`,
        planner: {
          wall: seconds(planMs),
          sampled: sample.sample.length,
          fits: plan.fits,
          tick: plan.tickMs / 60_000 + ' min',
        },
        status: { wall: seconds(statusMs), systems: status.systems.total },
      }),
    );
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

/** Child: a backfill of one system over `days`, then its peak RSS. */
async function rssChild(days: number): Promise<void> {
  const [redisServer, influx] = await Promise.all([startRedis(), startInfluxV1()]);
  const sim = await startSimulator({ systems: 1, limits: { partner: { perMinute: 1e9, perMonth: null } } });
  try {
    const pair = sim.issueTokenPair();
    const simulated = { url: sim.url, accessToken: pair.access_token, refreshToken: pair.refresh_token };
    const config = parseConfig(envFor(simulated, redisServer, influx, 'all'));
    const runtime = createRuntime(config, {
      logger,
      onQuotaExhausted: 'throw',
      keyPrefix: redisServer.prefix,
    });
    const fromDate = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
    const t = Date.now();
    const summary = await backfill(runtime, { systems: 'all', fromDate, force: false }, { concurrency: 1 });
    await runtime.close({ deadlineMs: 30_000 });
    console.log(
      JSON.stringify({
        days,
        wall: seconds(Date.now() - t),
        hits: sim.requestLog.count(),
        points: summary.points,
        failed: summary.failed.length,
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await sim.close();
    await Promise.all([redisServer.stop(), influx.stop()]);
  }
}

console.error(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}, node ${process.version}`,
);
if (args.includes('--rss-child')) {
  await rssChild(Number(arg('days', '7')));
} else if (args.includes('--rss')) {
  for (const days of arg('days', '7,730').split(',').map(Number)) {
    const out = execFileSync(
      process.execPath,
      tsxArgs(fileURLToPath(import.meta.url), '--rss-child', '--days', String(days)),
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    process.stdout.write(out);
  }
} else if (args.includes('--state-only')) {
  for (const n of arg('systems', '1000,10000').split(',').map(Number)) await benchState(n);
} else if (args.includes('--service')) {
  const concurrency = arg('concurrency', '');
  const tick = arg('tick', '');
  await benchService(
    Number(arg('systems', '1000')),
    tick || undefined,
    Number(arg('minutes', '12')),
    concurrency ? Number(concurrency) : undefined,
    args.includes('--paced'),
  );
} else {
  for (const n of arg('systems', '1000,10000').split(',').map(Number)) {
    await benchFleet(n, arg('datasets', 'all'), Number(arg('concurrency', '16')));
  }
}
