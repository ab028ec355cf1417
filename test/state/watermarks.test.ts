import fc from 'fast-check';
import { Redis } from 'ioredis';
import { createKeys } from '../../src/state/keys.js';
import { parseWatermarks, settledWatermark, syncStart, WatermarkStore } from '../../src/state/watermarks.js';
import { startRedis, type RedisHandle } from '../support/services.js';

describe('syncStart and settledWatermark', () => {
  const DAY_MS = 86_400_000;
  it('start at the watermark when it is older than the settle window', () => {
    expect(syncStart(1_000_000, 2_000_000, DAY_MS)).toBe(1_000_000);
  });
  it('go back to now − settle window when the watermark is more recent', () => {
    expect(syncStart(1_990_000, 2_000_000, DAY_MS)).toBe(2_000_000 - 86_400);
    expect(settledWatermark(1_990_000, 2_000_000, DAY_MS)).toBe(2_000_000 - 86_400);
  });
  it('never start after the watermark nor after now − settle', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e9 }),
        fc.integer({ min: 0, max: 2e9 }),
        fc.integer({ min: 0, max: 30 * DAY_MS }),
        (wm, now, settle) => {
          const start = syncStart(wm, now, settle);
          expect(start).toBeLessThanOrEqual(wm);
          expect(start).toBeLessThanOrEqual(now - Math.floor(settle / 1_000));
          expect([wm, now - Math.floor(settle / 1_000)]).toContain(start);
        },
      ),
    );
  });
  it('parseWatermarks keeps integers and skips garbage', () => {
    expect(parseWatermarks({ rgm: '1700000000', micro: 'x', battery: '-5', bad: '1.5' })).toEqual({
      rgm: 1_700_000_000,
      battery: -5,
    });
  });
});

describe('WatermarkStore on a real Redis', () => {
  let server: RedisHandle;
  let redis: Redis;
  let store: WatermarkStore;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    store = new WatermarkStore(redis, createKeys(server.prefix));
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('advances forwards only: a stale job never moves it back', async () => {
    expect(await store.get(1, 'rgm')).toBeUndefined();
    expect(await store.advance(1, 'rgm', 1_700_000_000)).toBe(true);
    expect(await store.advance(1, 'rgm', 1_699_000_000)).toBe(false);
    expect(await store.advance(1, 'rgm', 1_700_000_000)).toBe(false);
    expect(await store.get(1, 'rgm')).toBe(1_700_000_000);
    expect(await store.advance(1, 'rgm', 1_700_086_400)).toBe(true);
    expect(await store.getSystem(1)).toEqual({ rgm: 1_700_086_400 });
    await expect(store.advance(1, 'rgm', 1.5)).rejects.toThrow(RangeError);
  });

  it('keeps the largest value under concurrent advancers, and readers never see it go back', async () => {
    const clients = Array.from({ length: 8 }, () => new Redis(server.url));
    const stores = clients.map((c) => new WatermarkStore(c, createKeys(server.prefix)));
    const values = fc.sample(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }), 800);
    const seen: number[] = [];
    let running = true;
    const reader = (async () => {
      while (running) {
        const value = await store.get(2, 'micro');
        if (value !== undefined) seen.push(value);
      }
    })();
    try {
      await Promise.all(
        stores.map(async (s, index) => {
          for (let i = index; i < values.length; i += stores.length) await s.advance(2, 'micro', values[i]!);
        }),
      );
    } finally {
      running = false;
      await reader;
      clients.forEach((c) => c.disconnect());
    }
    expect(await store.get(2, 'micro')).toBe(Math.max(...values));
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
