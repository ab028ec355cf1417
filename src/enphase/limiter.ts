// The per-minute limit, shared by every process that uses the same API key (DESIGN §3: never more
// than N requests in ANY window of the plan's length).
//
// Why hand-written, and why a sliding log: BullMQ's limiter and rate-limiter-flexible's
// RateLimiterRedis count per fixed window, which lets 2N through across a window boundary (N at
// 00:59.9, N more at 01:00.0); the "sliding window" libraries found (redis-sliding-rate-limiter,
// Upstash's ratelimit) approximate with sub-window buckets or a weighted pair of fixed windows,
// or are long unmaintained (redis-rolling-rate-limiter). An exact sliding log is one sorted set
// and one small Lua script: the send time of each admitted request is a member; a request is
// admitted only when fewer than N members are younger than the window. Redis' own clock (TIME)
// is used, so processes on machines with skewed clocks still agree.
//
// `marginMs` widens the window a little: the API counts a request when it arrives, not when the
// client was admitted, and two requests' network delays differ.
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { sleep as defaultSleep, type Sleep } from './sleep.js';

// KEYS[1] the sorted set; ARGV: window (ms), limit, member. Returns {1, 0} when admitted, or
// {0, ms until the oldest member leaves the window}.
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now + 1}
`;

export interface RateLimiterOptions {
  redis: Redis;
  /** The sorted set (keys.rateWindow(apiKeyId)). */
  key: string;
  /** Requests allowed in any window. */
  limit: number;
  /** The window (60_000 for the API's minute; shorter in tests). */
  windowMs?: number;
  /** Added to the window (default 2% of it, at least 20 ms, at most 1 s). */
  marginMs?: number;
  sleep?: Sleep;
}

export interface RateLimiter {
  /** Waits until a request may be sent, and counts it. */
  acquire(signal?: AbortSignal): Promise<void>;
  readonly limit: number;
  readonly windowMs: number;
}

type RedisWithAcquire = Redis & {
  enphaseRateAcquire(key: string, windowMs: number, limit: number, member: string): Promise<[number, number]>;
};

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const marginMs = options.marginMs ?? Math.min(1_000, Math.max(20, Math.round(windowMs * 0.02)));
  const effectiveWindow = windowMs + marginMs;
  const sleep = options.sleep ?? defaultSleep;
  const redis = options.redis as RedisWithAcquire;
  if (typeof redis.enphaseRateAcquire !== 'function') {
    redis.defineCommand('enphaseRateAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
  }
  const processTag = randomBytes(4).toString('hex');
  let counter = 0;
  return {
    limit: options.limit,
    windowMs,
    async acquire(signal) {
      for (;;) {
        signal?.throwIfAborted();
        counter += 1;
        const member = `${processTag}:${counter}`;
        const [admitted, waitMs] = await redis.enphaseRateAcquire(
          options.key,
          effectiveWindow,
          options.limit,
          member,
        );
        if (admitted === 1) return;
        // Sleep until the oldest request leaves the window, plus a little jitter so that the
        // processes waiting for the same slot do not all ask at the same millisecond.
        await sleep(waitMs + Math.floor(Math.random() * 10), signal);
      }
    },
  };
}
