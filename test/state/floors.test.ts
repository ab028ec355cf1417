// Floors and sync marks on a real Redis: the floor only moves back, atomically, under concurrent
// backfills; the sync marks read back per system and for many systems in one pipelined pass.
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { FloorStore } from '../../src/state/floors.js';
import { createKeys } from '../../src/state/keys.js';
import { parseSyncMarks, readSyncMarks, SyncMarkStore } from '../../src/state/sync-marks.js';
import { startRedis, type RedisHandle } from '../support/services.js';

describe('parseSyncMarks', () => {
  it('keeps whole epoch ms and skips anything else', () => {
    expect(parseSyncMarks({ rgm: '1700000000000', micro: 'x', battery: '-5', bad: '1.5' })).toEqual({
      rgm: 1_700_000_000_000,
    });
  });
});

describe('floors and sync marks on a real Redis', () => {
  let server: RedisHandle;
  let redis: Redis;
  const clients: Redis[] = [];
  const keys = () => createKeys(server.prefix);

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  });

  it('sets a first floor once, and lowers it only backwards', async () => {
    const floors = new FloorStore(redis, keys());
    expect(await floors.get(1, 'rgm')).toBeUndefined();
    await floors.setIfAbsent(1, 'rgm', 1_700_000_000);
    await floors.setIfAbsent(1, 'rgm', 1_600_000_000);
    expect(await floors.get(1, 'rgm')).toBe(1_700_000_000);
    expect(await floors.lower(1, 'rgm', 1_750_000_000)).toBe(false);
    expect(await floors.lower(1, 'rgm', 1_700_000_000)).toBe(false);
    expect(await floors.lower(1, 'rgm', 1_650_000_000)).toBe(true);
    expect(await floors.get(1, 'rgm')).toBe(1_650_000_000);
    // A dataset without a floor gets the one it is lowered to.
    expect(await floors.lower(1, 'micro', 1_690_000_000)).toBe(true);
    expect(await floors.get(1, 'micro')).toBe(1_690_000_000);
    await expect(floors.lower(1, 'rgm', 1.5)).rejects.toThrow(RangeError);
  });

  it('ends at the minimum under concurrent lowerings, and readers never see it rise', async () => {
    const stores = Array.from({ length: 8 }, () => {
      const c = new Redis(server.url);
      clients.push(c);
      return new FloorStore(c, keys());
    });
    const reader = new FloorStore(redis, keys());
    const values = fc.sample(fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }), 800);
    const seen: number[] = [];
    let running = true;
    const reading = (async () => {
      while (running) {
        const value = await reader.get(2, 'micro');
        if (value !== undefined) seen.push(value);
      }
    })();
    try {
      await Promise.all(
        stores.map(async (s, index) => {
          for (let i = index; i < values.length; i += stores.length) await s.lower(2, 'micro', values[i]!);
        }),
      );
    } finally {
      running = false;
      await reading;
    }
    expect(await reader.get(2, 'micro')).toBe(Math.min(...values));
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThanOrEqual(seen[i - 1]!);
  });

  it('records, reads and clears sync marks, for one system and for many at once', async () => {
    const marks = new SyncMarkStore(redis, keys());
    await marks.record(7, 'rgm', 1_700_000_000_000);
    await marks.record(7, 'micro', 1_700_000_060_000);
    await marks.record(8, 'rgm', 1_700_000_120_000);
    expect(await marks.getSystem(7)).toEqual({ rgm: 1_700_000_000_000, micro: 1_700_000_060_000 });
    await marks.clear(7, 'micro');
    expect(await marks.getSystem(7)).toEqual({ rgm: 1_700_000_000_000 });
    const many = await readSyncMarks(redis, keys(), [7, 8, 9]);
    expect([...many]).toEqual([
      [7, { rgm: 1_700_000_000_000 }],
      [8, { rgm: 1_700_000_120_000 }],
      [9, {}],
    ]);
  });
});
