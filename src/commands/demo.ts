// `enphase-etl demo [--systems N] [--days D] [--backfill-only]`: the whole pipeline on one machine.
// The simulator runs in-process; Redis and InfluxDB come from REDIS_URL / INFLUX_* when they
// answer, else from local `redis-server` / `influxd` binaries started in a temporary folder and
// stopped at the end (demo-services.ts), else the command says exactly how to get them. Then a short backfill, a
// summary of where to look, and the service until Ctrl-C. Its state lives under its own key prefix
// (DEMO_KEY_PREFIX): a real service's keys on the same Redis are never read nor written, and the
// demo's job schedulers are removed when it ends.
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { backfill } from '../jobs/backfill-and-sync.js';
import type { Queues } from '../jobs/queues.js';
import { createRuntime } from '../jobs/runtime.js';
import { checkInfluxSink } from '../loaders/index.js';
import { createLogger } from '../log.js';
import { SCHEDULER_DISCOVER, SCHEDULER_ROUND } from '../scheduler.js';
import { startService, untilSignal } from '../service.js';
import { startSimulator } from '../simulator/index.js';
import { createKeys, DEFAULT_KEY_PREFIX } from '../state/keys.js';
import { formatPicture, howToOpenDashboards, loadPicture } from './demo-picture.js';
import {
  HOW_TO_GET_INFLUX,
  HOW_TO_GET_REDIS,
  influxAnswers,
  onPath,
  startLocalInflux,
  startLocalRedis,
  type LocalService,
} from './demo-services.js';
import { formatSummary } from './one-shot-command.js';
import { tryRedis } from './redis-check.js';

/**
 * The demo simulator's per-minute limit (and the client's): the partner plan's 300 made the first
 * minute mostly a wait on the limiter. Still a real limit, enforced by both sides.
 */
export const DEMO_RATE_PER_MINUTE = 6_000;

/**
 * The demo's keyspace (`enphase-etl-demo:v1:*`): its simulated systems, watermarks, tokens and
 * schedules never mix with those of a service on the same Redis (`enphase-etl:v1:*`).
 */
export const DEMO_KEY_PREFIX = `${DEFAULT_KEY_PREFIX}-demo`;

/** Where to look once data is in: queries for the configured InfluxDB and the other commands. */
function whereToLook(
  config: Config,
  env: { redisUrl: string; apiUrl: string; metricsPort?: number },
): string[] {
  const lines = ['', 'Where to look:'];
  if (config.influx.api === 'v1') {
    const q = (influxql: string): string =>
      `  curl -sG '${config.influx.url}/query' --data-urlencode 'db=${config.influx.database}' --data-urlencode "q=${influxql}"`;
    lines.push(
      q('SELECT sum(energy_wh) FROM production WHERE time > now() - 2d GROUP BY time(1h), system_id'),
      q('SELECT last(*) FROM energy_daily GROUP BY system_id, kind'),
      q('SHOW MEASUREMENTS'),
    );
  } else {
    lines.push(
      `  influx query --host ${config.influx.url} --org '${config.influx.org ?? ''}' \\`,
      `    'from(bucket: "${config.influx.bucket}") |> range(start: -2d) |> filter(fn: (r) => r._measurement == "production" and r._field == "energy_wh") |> aggregateWindow(every: 1h, fn: sum)'`,
    );
  }
  const envLine = `REDIS_URL=${env.redisUrl} REDIS_KEY_PREFIX=${DEMO_KEY_PREFIX} ENPHASE_API_URL=${env.apiUrl} ENPHASE_API_KEY=sim-key ENPHASE_PLAN=partner`;
  lines.push(`  ${envLine} enphase-etl status`, `  ${envLine} enphase-etl plan`);
  if (env.metricsPort !== undefined) {
    lines.push(
      `  curl -s http://127.0.0.1:${env.metricsPort}/metrics | grep enphase_`,
      '',
      'The service now keeps it up to date (Ctrl-C stops it and whatever the demo started).',
    );
  }
  return lines;
}

export interface DemoOptions {
  systems: number;
  days: number;
  backfillOnly: boolean;
  /** Where to look for redis-server and influxd (default: PATH). */
  path?: string;
}

export async function runDemo(options: DemoOptions, out: (line: string) => void): Promise<void> {
  const base = loadConfig();
  const logger = createLogger({ level: base.logLevel === 'info' ? 'warn' : base.logLevel });
  const started: LocalService[] = [];
  const simulator = await startSimulator({
    systems: options.systems,
    limits: { partner: { perMinute: DEMO_RATE_PER_MINUTE, perMonth: null } },
  });
  try {
    let redisUrl = base.redisUrl;
    const keyspace = `keys under ${createKeys(DEMO_KEY_PREFIX).root}:*`;
    const redis = await tryRedis(redisUrl);
    if ('redis' in redis) {
      try {
        await clearDemoKeyspace(redis.redis);
      } finally {
        redis.redis.disconnect();
      }
      out(
        `Redis: ${redisUrl} (REDIS_URL), ${keyspace} (an earlier demo's cleared); a service's keys there (${createKeys(base.redisKeyPrefix).root}:*) are not touched.`,
      );
    } else {
      const binary = onPath('redis-server', options.path);
      if (!binary) throw new ConfigError(`${HOW_TO_GET_REDIS}\n(${redisUrl}: ${redis.error})`);
      const local = await startLocalRedis(binary);
      started.push(local);
      redisUrl = local.url;
      out(
        `Redis: started ${binary} at ${redisUrl}, ${keyspace} (in a temporary folder; stopped at the end).`,
      );
    }
    let influx = base.influx;
    if (await influxAnswers(influx.url)) out(`InfluxDB: ${influx.url} (INFLUX_URL, API ${influx.api}).`);
    else {
      const binary = onPath('influxd', options.path);
      if (!binary) throw new ConfigError(`${HOW_TO_GET_INFLUX}\n(${influx.url} does not answer /ping)`);
      const local = await startLocalInflux(binary);
      started.push(local);
      influx = { ...influx, url: local.url, api: 'v1' };
      out(
        `InfluxDB: started ${binary} (1.x) at ${local.url}, database ${influx.database} (stopped at the end).`,
      );
    }
    const pair = simulator.issueTokenPair();
    const config: Config = {
      ...base,
      redisUrl,
      redisKeyPrefix: DEMO_KEY_PREFIX,
      influx,
      enphase: {
        ...base.enphase,
        apiUrl: simulator.url,
        apiKey: 'sim-key',
        clientId: 'sim-client',
        clientSecret: 'sim-secret',
        accessToken: pair.access_token,
        refreshToken: pair.refresh_token,
        plan: 'partner',
        ratePerMinute: DEMO_RATE_PER_MINUTE,
        quotaPerMonth: null,
        quotaReserve: 0,
      },
    };
    out(`Simulator: ${simulator.url} with ${options.systems} systems (partner key sim-key).`);

    await checkInfluxSink(config.influx, { logger }); // a refusing InfluxDB: exit 2 before any request
    const fromDate = new Date(Date.now() - options.days * 86_400_000).toISOString().slice(0, 10);
    out(`Backfill: every system, every dataset, from ${fromDate} …`);
    const runtime = createRuntime(config, { logger, onQuotaExhausted: 'throw' });
    let failed = 0;
    try {
      const summary = await backfill(runtime, { systems: 'all', fromDate, force: false }, { concurrency: 4 });
      failed = summary.failed.length;
      out(formatSummary('backfill', summary).trimEnd());
    } finally {
      await runtime.close({ deadlineMs: 30_000 });
    }
    if (failed > 0) process.exitCode = 1;
    try {
      formatPicture(await loadPicture(config, Date.now())).forEach((line) => out(line));
    } catch (error) {
      out(`No picture: ${(error as Error).message}`);
    }
    howToOpenDashboards(config).forEach((line) => out(line));
    if (options.backfillOnly) {
      whereToLook(config, { redisUrl, apiUrl: simulator.url }).forEach((line) => out(line));
      return;
    }
    const service = await startService(config, { logger, worker: {}, scheduler: {} });
    const metricsPort = service.metricsServer?.port;
    // Listening before the lines that say Ctrl-C stops it: a Ctrl-C right after them must not hit
    // Node's default action, which kills the process and leaves the local redis/influxd running.
    const signalled = untilSignal();
    whereToLook(config, {
      redisUrl,
      apiUrl: simulator.url,
      ...(metricsPort !== undefined ? { metricsPort } : {}),
    }).forEach((line) => out(line));
    const stopped = await Promise.race([signalled, service.failure]);
    // Schedules first: a second Ctrl-C during the graceful stop must not leave them behind to
    // fire on whatever runs against this Redis later.
    await service.scheduler?.close();
    await removeDemoSchedules(service.runtime.queues);
    if (stopped instanceof Error) throw stopped; // InfluxDB refused the writes: the service stopped
    out('Stopping: the demo’s job schedulers are removed; its data stays under its own prefix.');
    await service.stop();
  } finally {
    await simulator.close();
    for (const service of started.reverse()) await service.stop();
  }
}

/**
 * An earlier demo's state removed: it belongs to a simulator that is gone (other systems, other
 * tokens), and would make this run fetch systems the new one does not have.
 */
async function clearDemoKeyspace(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${DEMO_KEY_PREFIX}:*`, 'COUNT', 1_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** The demo's repeatable jobs (the service's two schedules, in the demo keyspace) removed. */
async function removeDemoSchedules(queues: Queues): Promise<void> {
  for (const id of [SCHEDULER_DISCOVER, SCHEDULER_ROUND]) await queues.discover.removeJobScheduler(id);
}
