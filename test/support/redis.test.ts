import { Redis } from 'ioredis';
import { startRedis, type RedisHandle } from './services.js';

describe('startRedis', () => {
  let first: RedisHandle;
  let second: RedisHandle;

  beforeAll(async () => {
    [first, second] = await Promise.all([startRedis(), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  async function withClient<T>(handle: RedisHandle, use: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(handle.url, { maxRetriesPerRequest: 1 });
    try {
      return await use(client);
    } finally {
      client.disconnect();
    }
  }

  it('round-trips a value through ioredis', async () => {
    const key = `${first.prefix}:greeting`;
    const value = `hello ${Date.now()}`;
    await withClient(first, (client) => client.set(key, value));
    expect(await withClient(first, (client) => client.get(key))).toBe(value);
  });

  it("gives each handle a prefix no other handle's keys can fall under", async () => {
    expect(first.prefix).not.toBe(second.prefix);
    expect(first.prefix.startsWith(second.prefix) || second.prefix.startsWith(first.prefix)).toBe(false);
    expect(first.prefix).toMatch(/^[a-z0-9_]+$/);
    await withClient(first, (client) => client.set(`${first.prefix}:isolated`, 'first'));
    const underSecond = await withClient(second, (client) => client.keys(`${second.prefix}*`));
    expect(underSecond).toEqual([]);
  });
});

describe('startRedis with appendOnly', () => {
  it('keeps data across kill() and start() on the same URL', async () => {
    const handle = await startRedis({ appendOnly: true });
    try {
      const key = `${handle.prefix}:survivor`;
      const client = new Redis(handle.url, { maxRetriesPerRequest: 1, lazyConnect: true });
      await client.connect();
      await client.set(key, 'still here');
      client.disconnect();

      await handle.kill();
      const refused = new Redis(handle.url, {
        maxRetriesPerRequest: 0,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      await expect(refused.connect()).rejects.toThrow();
      refused.disconnect();

      await handle.start();
      const again = new Redis(handle.url, { maxRetriesPerRequest: 1 });
      try {
        expect(await again.get(key)).toBe('still here');
      } finally {
        again.disconnect();
      }
    } finally {
      await handle.stop();
    }
  });
});
