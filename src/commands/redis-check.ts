// The one start-up check of Redis that every command using it runs before any work: a connection
// and a PING within a few seconds, else one line and exit 2. Without it a command would sit in
// ioredis' reconnect loop (its commands queue forever) instead of saying what is wrong.
import { Redis } from 'ioredis';
import { ConfigError } from '../config/error.js';

/** How long the check waits for a connection and a PONG (a server that accepts and never answers). */
export const REDIS_CHECK_TIMEOUT_MS = 5_000;

/** Redis at REDIS_URL did not answer at start-up: a configuration to fix (exit 2). */
export class RedisUnreachableError extends ConfigError {
  override name = 'RedisUnreachableError';
  constructor(reason: string, consequence?: string) {
    super(`cannot reach Redis at REDIS_URL (${reason})${consequence ? `: ${consequence}` : ''}`);
  }
}

/**
 * Redis from `url`, connected and answering, or the reason it is not (within `timeoutMs`). The
 * connection never reconnects by itself: the caller uses it briefly and disconnects it.
 */
export async function tryRedis(
  url: string,
  timeoutMs = REDIS_CHECK_TIMEOUT_MS,
): Promise<{ redis: Redis } | { error: string }> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.min(2_000, timeoutMs),
    retryStrategy: () => null,
  });
  // Reported once below (the socket's own reason, not ioredis' "Connection is closed").
  let reason: string | undefined;
  redis.on('error', (error: Error) => (reason ??= error.message));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1_000} s`)), timeoutMs);
  });
  const answered = redis.connect().then(() => redis.ping());
  answered.catch(() => undefined); // a late failure after the timeout is no one's to handle
  try {
    await Promise.race([answered, timedOut]);
    return { redis };
  } catch (error) {
    redis.disconnect();
    return { error: reason ?? (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Connected Redis, or RedisUnreachableError (`consequence` says what the command cannot do). */
export async function connectRedisOrFail(url: string, consequence?: string): Promise<Redis> {
  const connection = await tryRedis(url);
  if ('error' in connection) throw new RedisUnreachableError(connection.error, consequence);
  return connection.redis;
}

/** The start-up check alone, for commands that open their own connections afterwards. */
export async function requireRedis(url: string): Promise<void> {
  (await connectRedisOrFail(url)).disconnect();
}
