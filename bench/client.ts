// Request overhead of the Enphase client: requests/s against the simulator with limits out of the
// way (partner plan, limits raised), from one process, compared with plain got requests carrying
// the same headers. The difference is what the client adds per request: Redis round trips
// (plan-restriction check, month block, limiter script, quota script), the token, JSON parsing and
// schema validation.
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
    execArgv: ['--import', 'tsx'],
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

async function run(
  concurrency: number,
  total: number,
  one: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
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
      const samples: number[][] = variants.map(() => []);
      for (let round = 0; round < rounds; round += 1) {
        for (let k = 0; k < variants.length; k += 1) {
          const v = (round + k) % variants.length;
          samples[v]!.push(await run(concurrency, Math.ceil(total / rounds), variants[v]![1]));
        }
      }
      const rates = samples.map(median);
      variants.forEach(([name], v) =>
        lines.push(
          `| ${concurrency} | ${name} | ${Math.round(rates[v]!)} | ${(1000 / rates[v]!).toFixed(2)} |`,
        ),
      );
      const overheadMs = 1000 / rates[2]! - 1000 / rates[0]!;
      lines.push(`| ${concurrency} | **client overhead per request** | | **${overheadMs.toFixed(2)}** |`);
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
        '| in flight | what | requests/s | ms per request |',
        '| --- | --- | --- | --- |',
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
