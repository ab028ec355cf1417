// The sliding-log limiter on a real Redis, in one process with several limiter instances (as
// several processes would have), so admission times can be compared directly.
import { Redis } from 'ioredis';
import { createRateLimiter, retryAfterMs, type RateLimiter } from '../../src/enphase/limiter.js';
import { sleep as realSleep } from '../../src/enphase/sleep.js';
import { startRedis, type RedisHandle } from '../support/services.js';

describe('retryAfterMs', () => {
  it('waits until the earliest answered request leaves the window', () => {
    expect(retryAfterMs(1_000, 1_500, 2_000)).toBe(1_501);
    expect(retryAfterMs(1_500, 1_500, 2_000)).toBe(2_001);
  });
  it('waits a full window when every counted request is still in flight', () => {
    // Scored with their deadlines (in the future): one answered now frees its slot a window later.
    expect(retryAfterMs(40_000, 1_500, 2_000)).toBe(2_000);
  });
});

/** A request that is answered at once: admitted, then released. */
async function instant(limiter: RateLimiter, signal?: AbortSignal): Promise<void> {
  await limiter.release(await limiter.acquire(signal));
}

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
          const permit = await limiter.acquire();
          admitted.push(Date.now());
          await limiter.release(permit);
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
      const permit = await limiter.acquire();
      const at = Date.now();
      await limiter.release(permit);
      return at;
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
    await instant(limiter);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(waiting).rejects.toThrow('shutting down');
  });

  it('counts a request until its answer: a stall longer than the window between admission and arrival cannot make room', async () => {
    const key = `${handle.prefix}:limit:d`;
    const windowMs = 200;
    const limiter = createRateLimiter({ redis: connect(), key, limit: 1, windowMs, marginMs: 5 });
    const stalled = await limiter.acquire();
    // The first request is in flight (the host stalled it) for well over a window.
    let secondAt = 0;
    const second = limiter.acquire().then((permit) => {
      secondAt = Date.now();
      return permit;
    });
    await realSleep(3 * windowMs);
    expect(secondAt).toBe(0);
    const answeredAt = Date.now();
    await limiter.release(stalled);
    await limiter.release(await second);
    // It may arrive at the API only a full window after the first one's answer.
    expect(secondAt - answeredAt).toBeGreaterThanOrEqual(windowMs);
    expect(secondAt - answeredAt).toBeLessThan(windowMs + 1_000);
  });

  it('frees the slot of a request whose process died once its in-flight deadline has left the window', async () => {
    const key = `${handle.prefix}:limit:e`;
    const windowMs = 200;
    const inFlightMs = 400;
    const dead = createRateLimiter({ redis: connect(), key, limit: 1, windowMs, marginMs: 5, inFlightMs });
    const alive = createRateLimiter({ redis: connect(), key, limit: 1, windowMs, marginMs: 5, inFlightMs });
    const started = Date.now();
    await dead.acquire(); // never released
    await instant(alive);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(inFlightMs + windowMs);
    expect(waited).toBeLessThan(inFlightMs + 2 * windowMs + 1_000);
  });

  it('leaves the window and its key to expire: nothing is kept after the last request', async () => {
    const key = `${handle.prefix}:limit:f`;
    const redis = connect();
    const limiter = createRateLimiter({
      redis,
      key,
      limit: 3,
      windowMs: 1_000,
      marginMs: 5,
      inFlightMs: 5_000,
    });
    const permit = await limiter.acquire();
    const inFlightTtl = await redis.pttl(key);
    expect(inFlightTtl).toBeGreaterThan(5_000);
    await limiter.release(permit);
    expect(await redis.zcard(key)).toBe(1);
    // Released: the member scores now and the key lives at least one more window.
    const score = await redis.zscore(key, permit.member);
    const [sec, micro] = await redis.time();
    expect(Number(sec) * 1000 + Math.floor(Number(micro) / 1000) - Number(score)).toBeLessThan(1_000);
    expect(await redis.pttl(key)).toBeGreaterThan(1_000 - 100);
  });
});
