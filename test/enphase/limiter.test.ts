// The sliding-log limiter on a real Redis, in one process with several limiter instances (as
// several processes would have), so admission times can be compared directly.
import { Redis } from 'ioredis';
import { createRateLimiter } from '../../src/enphase/limiter.js';
import { sleep as realSleep } from '../../src/enphase/sleep.js';
import { startRedis, type RedisHandle } from '../support/services.js';

describe('rate limiter', () => {
  let handle: RedisHandle;
  const clients: Redis[] = [];
  beforeAll(async () => {
    handle = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await handle?.stop();
  });
  const connect = () => {
    const c = new Redis(handle.url, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };

  it('admits at most N in any window across instances, and waits by sleeping, not spinning', async () => {
    const key = `${handle.prefix}:limit:a`;
    const windowMs = 400;
    let sleeps = 0;
    const sleep = (ms: number, signal?: AbortSignal) => {
      sleeps += 1;
      return realSleep(ms, signal);
    };
    const limiters = [connect(), connect(), connect()].map((redis) =>
      createRateLimiter({ redis, key, limit: 5, windowMs, marginMs: 10, sleep }),
    );
    const admitted: number[] = [];
    const started = Date.now();
    await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 6 }, async () => {
          await limiter.acquire();
          admitted.push(Date.now());
        }),
      ),
    );
    admitted.sort((a, b) => a - b);
    expect(admitted).toHaveLength(18);
    for (let i = 0; i + 5 < admitted.length; i += 1) {
      expect(admitted[i + 5]! - admitted[i]!).toBeGreaterThanOrEqual(windowMs);
    }
    // 18 at 5 per window: the last is admitted in the 4th window (≥ 3 windows after the first).
    expect(admitted[17]! - started).toBeGreaterThanOrEqual(3 * windowMs);
    expect(admitted[17]! - started).toBeLessThan(6 * windowMs + 1_000);
    // Each waiter sleeps until a slot frees (about once per window it waits), never a busy loop.
    expect(sleeps).toBeLessThan(18 * 6);
  });

  it('does not let 2N through across a window boundary (the fixed-window failure)', async () => {
    const key = `${handle.prefix}:limit:b`;
    const windowMs = 300;
    const limiter = createRateLimiter({ redis: connect(), key, limit: 4, windowMs, marginMs: 5 });
    const admittedAt = async (): Promise<number> => {
      await limiter.acquire();
      return Date.now();
    };
    // Four at once, then four more asked for right away: a fixed window would let the second
    // four through at its next boundary; the sliding log holds each for a full window after the
    // request it replaces.
    const first = await Promise.all(Array.from({ length: 4 }, admittedAt));
    const second = await Promise.all(Array.from({ length: 4 }, admittedAt));
    const earliestFirst = Math.min(...first);
    for (const t of second) expect(t - earliestFirst).toBeGreaterThanOrEqual(windowMs);
  });

  it('stops waiting when its signal aborts', async () => {
    const key = `${handle.prefix}:limit:c`;
    const limiter = createRateLimiter({ redis: connect(), key, limit: 1, windowMs: 60_000 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
