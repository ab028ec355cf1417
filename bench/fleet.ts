// The fleet benchmark (issue 6), on demand, not in the suite:
//
//   node --import tsx bench/fleet.ts [--systems 1000,10000] [--datasets a,b|all] [--sync-concurrency 16]
//   node --import tsx bench/fleet.ts --rss [--days 7,730]
//   node --import tsx bench/fleet.ts --state-only [--systems 1000,10000]
//
// Per fleet size: the simulator (in-process, limits out of the way: partner key, 10^9 a minute),
// a real Redis and influxd from the test harness; one discovery and one sync round (first sync:
// INITIAL_LOOKBACK=1d of every chosen dataset) — wall time and hits (counted at the simulator);
// Redis memory per system (`INFO memory` before and after); the budget planner and `status` over
// the resulting registry and state. `--rss`: a worker's peak RSS for a 1-week and a 2-year
// backfill of one system, each in a fresh child process (should be flat: one response at a time).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { planBudget } from '../src/budget-plan.js';
import { budgetInput, datasetsFor, registrySample } from '../src/budget-input.js';
import { collectStatus } from '../src/commands/status/collect.js';
import { parseConfig, type Config } from '../src/config.js';
import { backfill, syncNow } from '../src/jobs/backfill-and-sync.js';
import { discoverSystems } from '../src/jobs/discover.js';
import { createRuntime } from '../src/jobs/runtime.js';
import { createLogger } from '../src/log.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { createKeys } from '../src/state/keys.js';
import { RegistryStore } from '../src/state/registry.js';
import { tsxArgs } from '../test/support/node-child.js';
import { startInfluxV1, startRedis } from '../test/support/services.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const logger = createLogger({ level: 'error' });

function configFor(
  sim: RunningSimulator,
  redisUrl: string,
  influxUrl: string,
  database: string,
  datasets: string,
): Config {
  const pair = sim.issueTokenPair();
  return parseConfig({
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_ACCESS_TOKEN: pair.access_token,
    ENPHASE_REFRESH_TOKEN: pair.refresh_token,
    ENPHASE_PLAN: 'partner',
    ENPHASE_RATE_PER_MINUTE: '1000000000',
    REDIS_URL: redisUrl,
    INFLUX_URL: influxUrl,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: database,
    INITIAL_LOOKBACK: '1d',
    LOG_LEVEL: 'error',
    ...(datasets === 'all' ? {} : { DATASETS: datasets }),
  });
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function benchFleet(systems: number, datasets: string, concurrency: number): Promise<void> {
  const [redisServer, influx] = await Promise.all([startRedis(), startInfluxV1()]);
  const sim = await startSimulator({ systems, limits: { partner: { perMinute: 1e9, perMonth: null } } });
  const redis = new Redis(redisServer.url);
  try {
    const config = configFor(sim, redisServer.url, influx.url, influx.database, datasets);
    const runtime = createRuntime(config, {
      logger,
      onQuotaExhausted: 'throw',
      keyPrefix: redisServer.prefix,
    });
    try {
      await redis.call('MEMORY', 'PURGE').catch(() => undefined);
      const before = await usedMemory(redis);

      sim.requestLog.clear();
      let t = Date.now();
      await discoverSystems({
        client: runtime.client,
        registry: runtime.registry,
        logger,
        now: Date.now,
        concurrency: 16,
      });
      const discoveryMs = Date.now() - t;
      const discoveryHits = sim.requestLog.count();
      const afterDiscovery = await usedMemory(redis);

      sim.requestLog.clear();
      t = Date.now();
      const round = await syncNow(runtime, 'all', { concurrency });
      const syncMs = Date.now() - t;
      const syncHits = sim.requestLog.count();
      const afterSync = await usedMemory(redis);

      t = Date.now();
      const sample = await registrySample(runtime.registry);
      const plan = planBudget(budgetInput(config, sample, datasetsFor(config).planned, Date.now()));
      const planMs = Date.now() - t;
      t = Date.now();
      const status = await collectStatus(runtime.redis, runtime.keys, config, {
        limit: Infinity,
        now: Date.now(),
      });
      const statusMs = Date.now() - t;

      const perSystem = (bytes: number): string => `${Math.round(bytes / systems).toLocaleString('en-US')} B`;
      console.log(
        JSON.stringify({
          systems,
          datasets,
          discovery: { wall: seconds(discoveryMs), hits: discoveryHits },
          syncRound: {
            wall: seconds(syncMs),
            hits: syncHits,
            loaded: round.completed.length,
            failed: round.failed.length,
            windows: round.windows,
            points: round.points,
          },
          redisPerSystem: {
            afterDiscovery: perSystem(afterDiscovery - before),
            afterSync: perSystem(afterSync - before),
          },
          planner: { wall: seconds(planMs), fits: plan.fits, tick: plan.tickMs / 60_000 + ' min' },
          status: { wall: seconds(statusMs), systems: status.systems.total },
        }),
      );
    } finally {
      await runtime.close({ deadlineMs: 30_000 });
    }
  } finally {
    redis.disconnect();
    await sim.close();
    await Promise.all([redisServer.stop(), influx.stop()]);
  }
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
    const config = configFor(sim, redisServer.url, influx.url, influx.database, 'all');
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
} else {
  for (const n of arg('systems', '1000,10000').split(',').map(Number)) {
    await benchFleet(n, arg('datasets', 'all'), Number(arg('sync-concurrency', '16')));
  }
}
