// Request overhead of the Enphase client: requests/s against the simulator with limits out of the
// way (partner plan, limits raised), from one process, compared with plain got requests carrying
// the same headers. The difference is what the client adds per request: the Redis round trips (the
// request gate's one script — restriction, month ledger, limiter — and the limiter's release), the
// token, JSON parsing and schema validation.
//
//   node --import tsx bench/client.ts [--requests 2000] [--concurrency 1,8] [--rounds 5]
//
// The simulator runs in a child process (this same file with --serve-simulator) so that it does
// not share the event loop being measured; Redis is started by the test harness (REDIS_URL or
// TEST_REDIS_URL wins, else a local redis-server on a free port).
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { got } from 'got';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.js';
import { createEnphaseClient, type EnphaseClient } from '../src/enphase/client.js';
import { startSimulator } from '../src/simulator/index.js';
import { apiKeyId, createKeys } from '../src/state/keys.js';
import { tsxExecArgv } from '../test/support/node-child.js';
import { startRedis } from '../test/support/services.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

if (args.includes('--serve-simulator')) {
  const sim = await startSimulator({
    systems: 50,
    limits: { partner: { perMinute: 1_000_000_000, perMonth: null } },
  });
  process.send?.({ url: sim.url, pair: sim.issueTokenPair() });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
} else {
  await main();
}

async function startSimChild(): Promise<{
  child: ChildProcess;
  url: string;
  pair: { access_token: string; refresh_token: string; expires_in: number };
}> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-simulator'], {
    execArgv: tsxExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{
    url: string;
    pair: { access_token: string; refresh_token: string; expires_in: number };
  }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { child, ...ready };
}

interface Sample {
  /** requests per wall-clock second */
  rate: number;
  /** CPU time of this process per request (µs): unlike wall-clock, barely moved by other load */
  cpuUs: number;
  /** CPU time of redis-server per request (µs), from INFO cpu */
  redisUs: number;
}

async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1e6;
}

async function run(
  concurrency: number,
  total: number,
  one: (i: number) => Promise<unknown>,
  redis?: Redis,
): Promise<Sample> {
  let next = 0;
  const redisBefore = redis ? await redisCpuUs(redis) : 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const redisUs = redis ? (await redisCpuUs(redis)) - redisBefore : 0;
  return { rate: total / seconds, cpuUs: (cpu.user + cpu.system) / total, redisUs: redisUs / total };
}

async function main(): Promise<void> {
  const total = Number(arg('requests', '2000'));
  const concurrencies = arg('concurrency', '1,8').split(',').map(Number);
  const rounds = Number(arg('rounds', '5'));
  const redisHandle = await startRedis();
  const sim = await startSimChild();
  const redis = new Redis(redisHandle.url, { maxRetriesPerRequest: 1 });
  const keys = createKeys(redisHandle.prefix);
  try {
    const config = parseConfig({
      ENPHASE_API_URL: sim.url,
      ENPHASE_API_KEY: 'sim-key',
      ENPHASE_CLIENT_ID: 'sim-client',
      ENPHASE_CLIENT_SECRET: 'sim-secret',
      ENPHASE_PLAN: 'custom',
      ENPHASE_RATE_PER_MINUTE: '1000000000',
      ENPHASE_QUOTA_PER_MONTH: '1000000000000',
    });
    await redis.hset(keys.tokens(apiKeyId('sim-key')), {
      access_token: sim.pair.access_token,
      refresh_token: sim.pair.refresh_token,
      expires_in: String(sim.pair.expires_in),
      expires_at: String(Date.now() + sim.pair.expires_in * 1000),
      updated_at: String(Date.now()),
      source: 'refresh',
    });
    const client: EnphaseClient = createEnphaseClient({ config, redis, keys });
    const unvalidated = createEnphaseClient({ config, redis, keys, validate: false });
    const ids = Array.from({ length: 50 }, (_, i) => 100_001 + i);
    const raw = got.extend({
      prefixUrl: sim.url,
      headers: {
        key: 'sim-key',
        authorization: `Bearer ${sim.pair.access_token}`,
        accept: 'application/json',
      },
      retry: { limit: 0 },
      responseType: 'text',
    });
    const variants: Array<[string, (i: number) => Promise<unknown>]> = [
      [
        'plain got (same headers, JSON.parse)',
        (i) => raw(`api/v4/systems/${ids[i % 50]}`).then((r) => JSON.parse(r.body)),
      ],
      [
        'client, schema validation off',
        (i) => unvalidated.get('/api/v4/systems/{system_id}', { pathParams: { system_id: ids[i % 50]! } }),
      ],
      [
        'client (limiter + ledger + validation)',
        (i) => client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: ids[i % 50]! } }),
      ],
    ];
    // Warm-up: connections, the validator's compiled schema, Redis scripts, JIT.
    for (const [, one] of variants) await run(4, 200, one);
    // Rounds interleave the variants (A B C, B C A, ...) and the median of each is reported, so a
    // burst of load from elsewhere on the machine does not land on one variant only.
    const lines: string[] = [];
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const concurrency of concurrencies) {
      const samples: Sample[][] = variants.map(() => []);
      for (let round = 0; round < rounds; round += 1) {
        for (let k = 0; k < variants.length; k += 1) {
          const v = (round + k) % variants.length;
          samples[v]!.push(await run(concurrency, Math.ceil(total / rounds), variants[v]![1], redis));
        }
      }
      variants.forEach(([name], v) => {
        const rate = median(samples[v]!.map((x) => x.rate));
        const cpu = median(samples[v]!.map((x) => x.cpuUs));
        const redisCpu = median(samples[v]!.map((x) => x.redisUs));
        lines.push(
          `| ${concurrency} | ${name} | ${Math.round(rate)} | ${(1000 / rate).toFixed(2)} | ${Math.round(cpu)} | ${Math.round(redisCpu)} |`,
        );
      });
      // Overhead from pairs measured in the same round (close in time), then the median: a load
      // burst elsewhere shifts both members of a pair, not the difference.
      const paired = (v: number, of: (x: Sample) => number) =>
        median(samples[v]!.map((x, r) => of(x) - of(samples[0]![r]!)));
      for (const [v, label] of [
        [1, 'validation off'],
        [2, 'all on'],
      ] as const) {
        lines.push(
          `| ${concurrency} | **client overhead, ${label}** | | **${paired(v, (x) => 1000 / x.rate).toFixed(2)}** | ` +
            `**${Math.round(paired(v, (x) => x.cpuUs))}** | **${Math.round(paired(v, (x) => x.redisUs))}** |`,
        );
      }
    }
    const usage = await client.quota.usage();
    process.stdout.write(
      [
        `${total} requests per row in ${rounds} interleaved rounds (median), GET /api/v4/systems/{system_id}, ` +
          `simulator in a child process; load average at the end: ${loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')} ` +
          `on ${availableParallelism()} cores`,
        '',
        '| in flight | what | requests/s | wall ms per request | CPU µs per request (this process) | redis-server CPU µs per request |',
        '| --- | --- | --- | --- | --- | --- |',
        ...lines,
        '',
        `ledger total this month: ${usage.total} (every client request counted)`,
        '',
      ].join('\n'),
    );
  } finally {
    redis.disconnect();
    sim.child.disconnect();
    await new Promise((r) => sim.child.once('exit', r));
    await redisHandle.stop();
  }
}
