import { Redis } from 'ioredis';
import { createKeys } from '../../src/state/keys.js';
import { IMPLAUSIBLE_MEMORY_MS, ImplausibleStore, parseImplausible } from '../../src/state/implausible.js';
import { LastErrorStore, MAX_ERROR_MESSAGE } from '../../src/state/last-errors.js';
import { readSystemStates } from '../../src/state/system-states.js';
import { isStillUnavailable, parseUnavailability, UnavailableStore } from '../../src/state/unavailable.js';
import { WatermarkStore } from '../../src/state/watermarks.js';
import { startRedis, type RedisHandle } from '../support/services.js';
import { startLatencyProxy } from './latency-proxy.js';

describe('unavailability marks (pure)', () => {
  it('hold until `until`, or until cleared when open-ended', () => {
    expect(isStillUnavailable({ reason: 'r', at: 0, until: 1_000 }, 999)).toBe(true);
    expect(isStillUnavailable({ reason: 'r', at: 0, until: 1_000 }, 1_000)).toBe(false);
    expect(isStillUnavailable({ reason: 'r', at: 0 }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
  it('parse only the stored shape', () => {
    expect(parseUnavailability('{"reason":"plan","at":5,"until":9}')).toEqual({
      reason: 'plan',
      at: 5,
      until: 9,
    });
    expect(parseUnavailability('{"reason":"plan"}')).toBeUndefined();
    expect(parseUnavailability('not json')).toBeUndefined();
  });
});

describe('system state on a real Redis', () => {
  let server: RedisHandle;
  let redis: Redis;
  const keys = () => createKeys(server.prefix);

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('remembers an unavailable dataset with reason and time, forgets it when cleared', async () => {
    const store = new UnavailableStore(redis, keys());
    const mark = { reason: 'HTTP 401 with a fresh token: not in the Watt plan', at: 1_000, until: 5_000 };
    await store.mark(7, 'micro', mark);
    expect(await store.getSystem(7)).toEqual({ micro: mark });
    expect(await store.current(7, 'micro', 4_999)).toEqual(mark);
    expect(await store.current(7, 'micro', 5_000)).toBeUndefined();
    await store.clear(7, 'micro');
    expect(await store.getSystem(7)).toEqual({});
  });

  it('keeps the last error per dataset, shortened, until cleared', async () => {
    const store = new LastErrorStore(redis, keys());
    await store.record(7, 'rgm', 'first', 1);
    await store.record(7, 'rgm', 'x'.repeat(5_000), 2);
    await store.record(7, 'battery', 'timeout', 3);
    const errors = await store.getSystem(7);
    expect(errors.rgm).toEqual({ message: 'x'.repeat(MAX_ERROR_MESSAGE), at: 2 });
    expect(errors.battery).toEqual({ message: 'timeout', at: 3 });
    await store.clear(7, 'rgm');
    expect(Object.keys(await store.getSystem(7))).toEqual(['battery']);
  });

  it('counts the implausible points left out per dataset and reason, for a day after the last', async () => {
    const store = new ImplausibleStore(redis, keys());
    expect(await store.get(8)).toBeNull();
    await store.record(8, 'latest', {}, 1_000); // nothing left out: nothing stored
    expect(await redis.exists(keys().implausible(8))).toBe(0);
    await store.record(8, 'latest', { power_above_bound: 2, time_in_future: 1 }, 1_000);
    await store.record(8, 'battery', { percent_out_of_range: 4 }, 5_000);
    await store.record(8, 'latest', { power_above_bound: 1 }, 9_000);
    expect(await store.get(8)).toEqual({
      since: 1_000,
      last: 9_000,
      total: 8,
      byDataset: {
        latest: { power_above_bound: 3, time_in_future: 1 },
        battery: { percent_out_of_range: 4 },
      },
    });
    const ttl = await redis.pttl(keys().implausible(8));
    expect(ttl).toBeGreaterThan(IMPLAUSIBLE_MEMORY_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(IMPLAUSIBLE_MEMORY_MS);
    expect(parseImplausible({ since: '1', last: '2', 'x|y': 'not a number', '|z': '3' })).toBeNull();
  });

  it('reads watermarks, marks, errors and implausible counts of 10,000 systems in one pipelined pass', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => 200_000 + i);
    const k = keys();
    const fill = redis.pipeline();
    for (const id of ids) fill.hset(k.watermarks(id), 'rgm', String(id));
    await fill.exec();
    await new UnavailableStore(redis, k).mark(200_001, 'micro', { reason: 'plan', at: 1 });
    await new LastErrorStore(redis, k).record(209_999, 'rgm', 'boom', 2);
    await new WatermarkStore(redis, k).advance(209_999, 'battery', 42);
    await new ImplausibleStore(redis, k).record(209_999, 'rgm', { negative_energy: 3 }, 7);

    const proxy = await startLatencyProxy(Number(new URL(server.url).port), 20);
    const slow = new Redis({ host: '127.0.0.1', port: proxy.port });
    try {
      await slow.ping();
      const started = Date.now();
      const states = await readSystemStates(slow, k, ids);
      // 40,000 request-reply waits would take 800 s; the bound leaves room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(states.size).toBe(10_000);
      expect(states.get('200000')).toEqual({
        watermarks: { rgm: 200_000 },
        unavailable: {},
        lastErrors: {},
        implausible: null,
      });
      expect(states.get('200001')?.unavailable).toEqual({ micro: { reason: 'plan', at: 1 } });
      expect(states.get('209999')).toEqual({
        watermarks: { rgm: 209_999, battery: 42 },
        unavailable: {},
        lastErrors: { rgm: { message: 'boom', at: 2 } },
        implausible: { since: 7, last: 7, total: 3, byDataset: { rgm: { negative_energy: 3 } } },
      });
    } finally {
      slow.disconnect();
      await proxy.stop();
    }
  });
});
