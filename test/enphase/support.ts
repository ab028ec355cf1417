// Shared set-up for the client's tests: a real Redis from the harness, the project's simulator, a
// Config parsed from environment-like variables (the real parser), and a log captured in memory.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { parseConfig, type Config } from '../../src/config.js';
import { createEnphaseClient, type EnphaseClient, type EnphaseClientDeps } from '../../src/enphase/client.js';
import { createLogger, type Logger } from '../../src/log.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { apiKeyId, createKeys, type RedisKeys } from '../../src/state/keys.js';
import { startRedis, type RedisHandle } from '../support/services.js';

export interface World {
  redisHandle: RedisHandle;
  redis: Redis;
  keys: RedisKeys;
  sim: RunningSimulator;
  /** The simulator's clock, which clients made by clientFor share (default: the machine's). */
  now: () => number;
  stop(): Promise<void>;
}

export async function startWorld(simOptions: SimulatorOptions = {}): Promise<World> {
  const redisHandle = await startRedis();
  const redis = new Redis(redisHandle.url, { maxRetriesPerRequest: 1 });
  const sim = await startSimulator(simOptions);
  return {
    redisHandle,
    redis,
    keys: createKeys(redisHandle.prefix),
    sim,
    now: simOptions.now ?? Date.now,
    async stop() {
      await sim.close();
      redis.disconnect();
      await redisHandle.stop();
    },
  };
}

export function configFor(sim: RunningSimulator, env: Record<string, string> = {}): Config {
  return parseConfig({
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_PLAN: 'partner',
    ...env,
  });
}

/** Writes a token pair straight into Redis, as a previous run would have left it. */
export async function seedTokens(
  world: World,
  apiKey: string,
  pair: { access_token: string; refresh_token: string; expires_in?: number },
  nowMs = world.now(),
): Promise<void> {
  const key = world.keys.tokens(apiKeyId(apiKey));
  await world.redis.del(key);
  await world.redis.hset(key, {
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    updated_at: String(nowMs),
    source: 'refresh',
    ...(pair.expires_in !== undefined
      ? { expires_in: String(pair.expires_in), expires_at: String(nowMs + pair.expires_in * 1000) }
      : {}),
  });
}

export interface CapturedLog {
  logger: Logger;
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(level = 'debug'): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level, name: 'test' }, stream);
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A client on the world's Redis and simulator, with a fresh pair already stored. */
export async function clientFor(
  world: World,
  options: { env?: Record<string, string>; deps?: Partial<EnphaseClientDeps>; seed?: boolean } = {},
): Promise<{ client: EnphaseClient; config: Config }> {
  const config = configFor(world.sim, options.env);
  if (options.seed ?? true)
    await seedTokens(world, config.enphase.apiKey!, world.sim.issueTokenPair(), world.now());
  const client = createEnphaseClient({
    config,
    redis: world.redis,
    keys: world.keys,
    now: world.now,
    retryPolicy: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxTotalMs: 5_000 },
    ...options.deps,
  });
  return { client, config };
}

/** Requests the simulator counted against the API (OAuth and admin routes excluded). */
export function apiRequests(sim: RunningSimulator) {
  return sim.requestLog.entries().filter((e) => e.route.startsWith('/api/v4/'));
}
