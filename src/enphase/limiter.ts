// The per-minute limit, shared by every process that uses the same API key (DESIGN §3: never more
// than N requests in ANY window of the plan's length).
//
// Why hand-written, and why a sliding log: BullMQ's limiter and rate-limiter-flexible's
// RateLimiterRedis count per fixed window, which lets 2N through across a window boundary (N at
// 00:59.9, N more at 01:00.0); the "sliding window" libraries found (redis-sliding-rate-limiter,
// Upstash's ratelimit) approximate with sub-window buckets or a weighted pair of fixed windows,
// or are long unmaintained (redis-rolling-rate-limiter). An exact sliding log is one sorted set
// and two small Lua scripts. Redis' own clock (TIME) is used, so processes on machines with
// skewed clocks still agree.
//
// What a member's score means: the latest moment its request can reach the API. The API counts a
// request when it arrives, which is some time after the client was admitted — after a network
// delay, or after the host stalled the process for a second or more. So an admitted request
// enters the log as in flight, scored with its deadline (admission + `inFlightMs`, the request
// timeout and a little), and `release` rescores it with the moment its answer came back, which is
// after it arrived. A new request is admitted only when fewer than N members score later than
// `now − window`: every request that may have arrived within the last window is counted, however
// long the host stalled between admission and arrival (see scoreWindow for the argument). A
// process that dies mid-request never releases; its member counts until its deadline has left
// the window, then frees the slot.
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { sleep as defaultSleep, type Sleep } from './sleep.js';

/**
 * The sliding log in Lua, shared by the limiter's own script and the request gate's
 * (src/enphase/gate.ts), so the rule is written once. `rate_full` drops what left the window and
 * returns the earliest score when the window is full (nil when there is room); `rate_take` adds the
 * member scored with its in-flight deadline and keeps the key alive for as long as it can count.
 */
export const RATE_LUA = `
local function rate_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function rate_full(key, window, limit, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) < limit then return nil end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) or now
end
local function rate_take(key, window, member, hold, now)
  redis.call('ZADD', key, now + hold, member)
  if redis.call('PTTL', key) < hold + window then redis.call('PEXPIRE', key, hold + window) end
end
`;

// KEYS[1] the sorted set; ARGV: window (ms), limit, member, in-flight hold (ms). Returns {1} when
// admitted, or {0, the earliest score, now} (retryAfterMs turns these into a wait).
const ACQUIRE_SCRIPT = `${RATE_LUA}
local now = rate_now()
local window = tonumber(ARGV[1])
local oldest = rate_full(KEYS[1], window, tonumber(ARGV[2]), now)
if oldest then return {0, oldest, now} end
rate_take(KEYS[1], window, ARGV[3], tonumber(ARGV[4]), now)
return {1}
`;

// KEYS[1] the sorted set; ARGV: window (ms), member. Scores the member with now (its answer is
// here). A member already gone (its deadline left the window during a very long stall) is added
// again: the request did happen, and counting it is the truth.
const RELEASE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[2])
if redis.call('PTTL', KEYS[1]) < window then redis.call('PEXPIRE', KEYS[1], window) end
return 1
`;

/**
 * How long to wait before asking again, given the earliest score in a full window. A member scored in the past (answered) leaves at score + window. When all
 * are in flight (scores in the future), the earliest any can leave is a full window after one of
 * them is answered, so no slot frees before `now + window`.
 *
 * Why this never lets N + 1 arrive within one window: take the N + 1 arrivals and the latest
 * admitted of them, B. Each other one, A, was admitted before B and arrived after B's admission
 * minus the window; at B's admission A was either in flight (scored with its deadline, in the
 * future) or answered (scored after its arrival, so within the window). N members counted, so B
 * was not admitted.
 */
export function retryAfterMs(oldestScore: number, nowMs: number, windowMs: number): number {
  if (oldestScore > nowMs) return windowMs;
  return oldestScore + windowMs - nowMs + 1;
}

/**
 * retryAfterMs plus a little jitter, so that the processes waiting for the same slot do not all
 * ask at the same millisecond.
 */
export function slotWaitMs(oldestScore: number, nowMs: number, windowMs: number): number {
  return retryAfterMs(oldestScore, nowMs, windowMs) + Math.floor(Math.random() * 10);
}

export interface RateLimiterOptions {
  redis: Redis;
  /** The sorted set (keys.rateWindow(apiKeyId)). */
  key: string;
  /** Requests allowed in any window. */
  limit: number;
  /** The window (60_000 for the API's minute; shorter in tests). */
  windowMs?: number;
  /**
   * Added to the window (default 2% of it, at least 20 ms, at most 1 s). Since a request counts
   * until its answer, this covers only clock granularity, not network delays or host stalls.
   */
  marginMs?: number;
  /**
   * How long an admitted request that is never released (its process died) counts as in flight:
   * the request timeout plus the moments before sending (default 60 s).
   */
  inFlightMs?: number;
  sleep?: Sleep;
}

/** An admitted request, to hand back to `release` once its answer (or failure) is in. */
export interface RatePermit {
  readonly member: string;
}

export interface RateLimiter {
  /** Waits until a request may be sent, and counts it as in flight. */
  acquire(signal?: AbortSignal): Promise<RatePermit>;
  /**
   * The request is over (answered, failed, or never sent): it counts from now for one window.
   * Never throws, and need not be awaited (commands on one connection run in order, so this
   * process's next acquire sees it): if Redis cannot be told, the member counts until its
   * in-flight deadline.
   */
  release(permit: RatePermit): Promise<void>;
  readonly limit: number;
  readonly windowMs: number;
  /**
   * What the request gate (gate.ts) needs to take a slot in its own script, with the same rule
   * (RATE_LUA): the sorted set, the window with its margin, the in-flight hold, and a new permit's
   * member (unique across processes). Its permits are released with `release` like any other.
   */
  readonly slot: {
    readonly key: string;
    readonly effectiveWindowMs: number;
    readonly inFlightMs: number;
    nextMember(): string;
  };
}

type RedisWithLimiter = Redis & {
  enphaseRateAcquire(
    key: string,
    windowMs: number,
    limit: number,
    member: string,
    inFlightMs: number,
  ): Promise<[1] | [0, number, number]>;
  enphaseRateRelease(key: string, windowMs: number, member: string): Promise<number>;
};

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const marginMs = options.marginMs ?? Math.min(1_000, Math.max(20, Math.round(windowMs * 0.02)));
  const effectiveWindow = windowMs + marginMs;
  const inFlightMs = options.inFlightMs ?? 60_000;
  const sleep = options.sleep ?? defaultSleep;
  const redis = options.redis as RedisWithLimiter;
  if (typeof redis.enphaseRateAcquire !== 'function') {
    redis.defineCommand('enphaseRateAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
  }
  if (typeof redis.enphaseRateRelease !== 'function') {
    redis.defineCommand('enphaseRateRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }
  const processTag = randomBytes(4).toString('hex');
  let counter = 0;
  const nextMember = (): string => {
    counter += 1;
    return `${processTag}:${counter}`;
  };
  return {
    limit: options.limit,
    windowMs,
    slot: { key: options.key, effectiveWindowMs: effectiveWindow, inFlightMs, nextMember },
    async acquire(signal) {
      for (;;) {
        signal?.throwIfAborted();
        const member = nextMember();
        const answer = await redis.enphaseRateAcquire(
          options.key,
          effectiveWindow,
          options.limit,
          member,
          inFlightMs,
        );
        if (answer[0] === 1) return { member };
        await sleep(slotWaitMs(answer[1], answer[2], effectiveWindow), signal);
      }
    },
    async release(permit) {
      try {
        await redis.enphaseRateRelease(options.key, effectiveWindow, permit.member);
      } catch {
        // The member keeps its in-flight deadline and frees its slot later: slower, never over.
      }
    },
  };
}
