// The request gate (src/enphase/gate.ts): restriction, month ledger and rate limiter asked in one
// script. What it must keep from the separate steps it replaced: a refused request takes nothing
// (no limiter slot, no count), a sent request is counted exactly once, the limiter's bound holds
// across clients, and the Lua restriction rule agrees with the TypeScript one.
import { Redis } from 'ioredis';
import {
  PlanRestrictedError,
  PermanentAnswerError,
  QuotaExhaustedError,
} from '../../src/enphase/errors/index.js';
import { apiKeyId } from '../../src/state/keys.js';
import { restrictionField } from '../../src/state/restrictions.js';
import { clockFrom, ORDINARY_INSTANT } from '../support/clock.js';
import { apiRequests, clientFor, startWorld, type World } from './support.js';

const SYSTEM = '/api/v4/systems/{system_id}';
const SUMMARY = '/api/v4/systems/{system_id}/summary';

describe('request gate', () => {
  let world: World;
  const extra: Redis[] = [];
  beforeAll(async () => {
    world = await startWorld({ systems: 10, now: clockFrom(ORDINARY_INSTANT) });
  });
  afterAll(async () => {
    for (const r of extra) r.disconnect();
    await world?.stop();
  });
  beforeEach(async () => {
    world.sim.requestLog.clear();
    const keyId = apiKeyId('sim-key');
    await world.redis.del(
      world.keys.rateWindow(keyId),
      world.keys.planRestricted(keyId),
      world.keys.quotaBlockedUntil(keyId),
      world.keys.quotaLedger(keyId, new Date(world.now()).toISOString().slice(0, 7)),
    );
  });

  const keyId = apiKeyId('sim-key');
  const windowSize = () => world.redis.zcard(world.keys.rateWindow(keyId));
  const ledgerTotal = async (client: Awaited<ReturnType<typeof clientFor>>['client']) =>
    (await client.quota.usage()).total;

  it('a restricted endpoint costs no limiter slot and no quota, with the token in memory (the gate) and without (the first call)', async () => {
    const [a, b] = world.sim.fleet.ids();
    const { client } = await clientFor(world);
    await client.restrictions.remember({ endpoint: SUMMARY, systemId: a! }, 403, 'not in plan');
    // First call of a fresh client: no token in memory, so the restriction is asked for on its own.
    await expect(client.get(SUMMARY, { pathParams: { system_id: a! } })).rejects.toThrow(PlanRestrictedError);
    expect(await windowSize()).toBe(0);
    expect(await ledgerTotal(client)).toBe(0);
    // System b is asked (and counted once): the token is now in memory.
    await client.get(SUMMARY, { pathParams: { system_id: b! } });
    expect(await windowSize()).toBe(1);
    expect(await ledgerTotal(client)).toBe(1);
    // Now the gate's own check refuses a: still nothing taken, nothing sent.
    await expect(client.get(SUMMARY, { pathParams: { system_id: a! } })).rejects.toThrow(PlanRestrictedError);
    expect(await windowSize()).toBe(1);
    expect(await ledgerTotal(client)).toBe(1);
    expect(apiRequests(world.sim).map((e) => e.systemId)).toEqual([b]);
  });

  it('a permanent answer remembered by another client stops this client’s next call, without sending', async () => {
    const [a] = world.sim.fleet.ids();
    const { client } = await clientFor(world);
    await client.get(SYSTEM, { pathParams: { system_id: a! } }); // token in memory
    const { client: other } = await clientFor(world, { seed: false });
    await other.restrictions.remember({ endpoint: SUMMARY, systemId: a! }, 501, 'Not Implemented');
    const error = await client.get(SUMMARY, { pathParams: { system_id: a! } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentAnswerError);
    expect((error as PermanentAnswerError).reason).toBe('Not Implemented');
    expect(apiRequests(world.sim)).toHaveLength(1);
    expect(await ledgerTotal(client)).toBe(1);
  });

  it('reads restrictions by the same rule as the TypeScript check: expired, malformed or another system’s do not stop a request', async () => {
    const [a, b] = world.sim.fleet.ids();
    const { client } = await clientFor(world);
    await client.get(SYSTEM, { pathParams: { system_id: b! } }); // token in memory: the gate checks
    const hash = world.keys.planRestricted(keyId);
    const field = restrictionField({ endpoint: SUMMARY, systemId: a! });
    const now = world.now();
    // expired; not JSON; `until` not a number; JSON null
    const cases: string[] = [
      JSON.stringify({ until: now - 1, status: 403, reason: 'x', at: now - 10 }),
      '{until: soon',
      JSON.stringify({ until: String(now + 60_000), status: 403, reason: 'x', at: now }),
      'null',
    ];
    for (const raw of cases) {
      await world.redis.hset(hash, field, raw);
      expect(await client.restrictions.check({ endpoint: SUMMARY, systemId: a! })).toBeUndefined();
      await expect(client.get(SUMMARY, { pathParams: { system_id: a! } })).resolves.toBeDefined();
    }
    // A restriction in force for b does not touch a (and the other way round).
    await client.restrictions.remember({ endpoint: SUMMARY, systemId: b! }, 403, 'not in plan');
    await world.redis.hdel(hash, field);
    await expect(client.get(SUMMARY, { pathParams: { system_id: a! } })).resolves.toBeDefined();
    await expect(client.get(SUMMARY, { pathParams: { system_id: b! } })).rejects.toThrow(PlanRestrictedError);
    expect(apiRequests(world.sim)).toHaveLength(1 + cases.length + 1);
    expect(await ledgerTotal(client)).toBe(1 + cases.length + 1);
    expect(await windowSize()).toBe(1 + cases.length + 1);
  });

  it('counts each sent request once, however many calls run at once, and every slot is released', async () => {
    const ids = world.sim.fleet.ids();
    const { client } = await clientFor(world);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client.get(SYSTEM, { pathParams: { system_id: ids[i % ids.length]! } }),
      ),
    );
    const usage = await client.quota.usage();
    expect(apiRequests(world.sim)).toHaveLength(40);
    expect(usage.total).toBe(40);
    expect(usage.byEndpoint[SYSTEM]).toBe(40);
    // Every member released: scored with its answer (now or earlier), none with an in-flight deadline.
    await world.redis.ping(); // after the releases, which the client does not await
    const [seconds, micros] = await world.redis.time();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const scores = (await world.redis.zrange(world.keys.rateWindow(keyId), 0, -1, 'WITHSCORES')).filter(
      (_, i) => i % 2 === 1,
    );
    expect(scores).toHaveLength(40);
    for (const s of scores) expect(Number(s)).toBeLessThanOrEqual(redisNow);
  });

  it('a request the month refuses (budget spent, or a 429 block) holds no limiter slot', async () => {
    const { client } = await clientFor(world, {
      env: {
        ENPHASE_PLAN: 'custom',
        ENPHASE_RATE_PER_MINUTE: '100',
        ENPHASE_QUOTA_PER_MONTH: '3',
        ENPHASE_QUOTA_RESERVE: '0',
      },
      deps: { onQuotaExhausted: 'throw' },
    });
    const [a] = world.sim.fleet.ids();
    for (let i = 0; i < 3; i += 1) await client.get(SYSTEM, { pathParams: { system_id: a! } });
    await expect(client.get(SYSTEM, { pathParams: { system_id: a! } })).rejects.toThrow(QuotaExhaustedError);
    expect(await windowSize()).toBe(3);
    expect(await ledgerTotal(client)).toBe(3);

    const { client: roomy } = await clientFor(world, { seed: false, deps: { onQuotaExhausted: 'throw' } });
    await roomy.quota.blockUntil(world.now() + 3_600_000);
    await expect(roomy.get(SYSTEM, { pathParams: { system_id: a! } })).rejects.toThrow(QuotaExhaustedError);
    expect(await windowSize()).toBe(3);
    expect(await ledgerTotal(roomy)).toBe(3);
    expect(apiRequests(world.sim)).toHaveLength(3);
  });

  it('a request waiting for a limiter slot is not counted until it is admitted', async () => {
    const windowMs = 600;
    const { client } = await clientFor(world, {
      env: { ENPHASE_PLAN: 'custom', ENPHASE_RATE_PER_MINUTE: '1', ENPHASE_QUOTA_PER_MONTH: '1000' },
      deps: { rateWindowMs: windowMs, rateMarginMs: 10 },
    });
    const [a] = world.sim.fleet.ids();
    await client.get(SYSTEM, { pathParams: { system_id: a! } });
    const started = Date.now();
    const second = client.get(SYSTEM, { pathParams: { system_id: a! } });
    await new Promise((r) => setTimeout(r, windowMs / 3));
    expect(await ledgerTotal(client)).toBe(1); // waiting: nothing counted, nothing sent
    expect(apiRequests(world.sim)).toHaveLength(1);
    await second;
    expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs / 2);
    expect(await ledgerTotal(client)).toBe(2);
    expect(apiRequests(world.sim)).toHaveLength(2);
  });

  it('holds the limit across two clients on separate connections: never more than N in any window', async () => {
    const windowMs = 800;
    const limit = 3;
    const env = {
      ENPHASE_PLAN: 'custom',
      ENPHASE_RATE_PER_MINUTE: String(limit),
      ENPHASE_QUOTA_PER_MONTH: '100000',
    };
    const connect = () => {
      const r = new Redis(world.redisHandle.url, { maxRetriesPerRequest: 1 });
      extra.push(r);
      return r;
    };
    const ids = world.sim.fleet.ids();
    const { client: one } = await clientFor(world, {
      env,
      deps: { redis: connect(), rateWindowMs: windowMs },
    });
    const { client: two } = await clientFor(world, {
      seed: false,
      env,
      deps: { redis: connect(), rateWindowMs: windowMs },
    });
    const calls = [one, two].flatMap((client) =>
      Array.from({ length: 5 }, (_, i) => client.get(SYSTEM, { pathParams: { system_id: ids[i]! } })),
    );
    await Promise.all(calls);
    const times = apiRequests(world.sim)
      .map((e) => e.at)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(10);
    expect(await ledgerTotal(one)).toBe(10);
    // The simulator stamps a request when it answers, so allow its processing jitter; without the
    // shared window, the two clients' first six would land within a few milliseconds.
    for (let i = 0; i + limit < times.length; i += 1) {
      expect(times[i + limit]! - times[i]!).toBeGreaterThanOrEqual(windowMs - 150);
    }
  });
});
