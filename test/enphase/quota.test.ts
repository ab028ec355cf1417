// The monthly ledger and the API's 429s, against the simulator and a real Redis.
import { QuotaExhaustedError } from '../../src/enphase/errors/index.js';
import { monthOf, nextMonthStart } from '../../src/state/quota-ledger.js';
import { clockFrom, ORDINARY_INSTANT } from '../support/clock.js';
import { apiRequests, captureLog, clientFor, startWorld, type World } from './support.js';

describe('quota and 429 handling', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  const systemCall = (
    w: World,
    client: Awaited<ReturnType<typeof clientFor>>['client'],
    systemId = w.sim.fleet.ids()[0]!,
  ) => client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: systemId } });

  it('counts every request sent, by endpoint and in total, exactly as the simulator counts them', async () => {
    world = await startWorld({
      now: clockFrom(ORDINARY_INSTANT),
      faults: { errorRate: 0.3, only: ['/api/v4/systems/{system_id}'] },
    });
    const { client } = await clientFor(world);
    const w = world;
    for (let i = 0; i < 8; i += 1) await systemCall(w, client).catch(() => undefined);
    await systemCall(w, client, 1).catch(() => undefined); // a 404 counts too
    for await (const page of client.systems({ size: 2 })) void page;
    const usage = await client.quota.usage();
    const api = apiRequests(world.sim);
    expect(api.some((e) => e.status >= 500)).toBe(true); // failures were sent, and counted
    expect(usage.total).toBe(api.length);
    expect(usage.byEndpoint['/api/v4/systems/{system_id}']).toBe(
      api.filter((e) => e.route === '/api/v4/systems/{system_id}').length,
    );
    expect(usage.byEndpoint['/api/v4/systems']).toBe(3); // 5 systems, pages of 2
    expect(usage.month).toBe(monthOf(world!.now()));
  });

  it('stops at quota minus reserve: throws QuotaExhaustedError in one-shot mode, without sending', async () => {
    world = await startWorld({ now: clockFrom(ORDINARY_INSTANT) });
    const { client } = await clientFor(world, {
      env: {
        ENPHASE_PLAN: 'custom',
        ENPHASE_RATE_PER_MINUTE: '100',
        ENPHASE_QUOTA_PER_MONTH: '10',
        ENPHASE_QUOTA_RESERVE: '3',
      },
      deps: { onQuotaExhausted: 'throw' },
    });
    const w = world;
    for (let i = 0; i < 7; i += 1) await systemCall(w, client);
    const error = await systemCall(w, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect((error as QuotaExhaustedError).retryAt).toBe(nextMonthStart(world!.now()));
    expect(apiRequests(world.sim)).toHaveLength(7);
    expect((await client.quota.usage()).total).toBe(7);
  });

  it('waits for the next month in service mode instead of sending', async () => {
    world = await startWorld({ now: clockFrom(ORDINARY_INSTANT) });
    const waits: number[] = [];
    const controller = new AbortController();
    const { client } = await clientFor(world, {
      env: {
        ENPHASE_PLAN: 'custom',
        ENPHASE_RATE_PER_MINUTE: '100',
        ENPHASE_QUOTA_PER_MONTH: '2',
        ENPHASE_QUOTA_RESERVE: '0',
      },
      deps: {
        signal: controller.signal,
        sleep: async (ms) => {
          waits.push(ms);
          controller.abort(new Error('stop'));
          throw new Error('stop');
        },
      },
    });
    const w = world;
    await systemCall(w, client);
    await systemCall(w, client);
    await expect(systemCall(w, client)).rejects.toThrow('stop');
    expect(waits).toHaveLength(1);
    const untilNextMonth = nextMonthStart(world!.now()) - world!.now();
    expect(Math.abs(waits[0]! - untilNextMonth)).toBeLessThan(5_000);
    expect(apiRequests(world.sim)).toHaveLength(2);
  });

  it('on a 429 for the minute waits until period_end and goes on', async () => {
    world = await startWorld({
      now: clockFrom(ORDINARY_INSTANT),
      rateWindowMs: 1_000,
      faults: { burst429: { every: 1_000, length: 2 } },
    });
    const { client } = await clientFor(world);
    const started = Date.now();
    const system = await systemCall(world, client);
    expect(system.system_id).toBe(world.sim.fleet.ids()[0]);
    const api = apiRequests(world.sim);
    expect(api.map((e) => e.status)).toEqual([429, 429, 200]);
    // The first 429 said period_end = ceil((now + 1 s) / 1 s): the retry came no earlier.
    const periodEnd = Math.ceil((api[0]!.at + 1_000) / 1000) * 1000;
    expect(api[1]!.at).toBeGreaterThanOrEqual(periodEnd - 5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('on a 429 for the month blocks the key until period_end, logs it once, sends nothing more', async () => {
    world = await startWorld({
      now: clockFrom(ORDINARY_INSTANT),
      limits: { watt: { perMinute: 100, perMonth: 3 } },
    });
    const captured = captureLog('info');
    const { client } = await clientFor(world, {
      env: { ENPHASE_API_KEY: 'sim-key-watt', ENPHASE_PLAN: 'watt' }, // the client believes 1,000/month
      deps: { onQuotaExhausted: 'throw', logger: captured.logger },
    });
    const w = world;
    for (let i = 0; i < 3; i += 1) await systemCall(w, client);
    const first = await systemCall(w, client).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(QuotaExhaustedError);
    const retryAt = (first as QuotaExhaustedError).retryAt;
    expect(retryAt).toBe(nextMonthStart(world!.now())); // the simulator's period_end
    expect(apiRequests(world.sim).map((e) => e.status)).toEqual([200, 200, 200, 429]);

    // Every later call, from this client or another process's, is refused without a request.
    const { client: other } = await clientFor(world, {
      seed: false,
      env: { ENPHASE_API_KEY: 'sim-key-watt', ENPHASE_PLAN: 'watt' },
      deps: { onQuotaExhausted: 'throw', logger: captured.logger },
    });
    await expect(systemCall(w, client)).rejects.toThrow(QuotaExhaustedError);
    await expect(systemCall(w, other)).rejects.toThrow(QuotaExhaustedError);
    expect(apiRequests(world.sim)).toHaveLength(4);
    expect((await other.quota.usage()).blockedUntil).toBe(retryAt); // visible to `status`
    const monthLines = captured
      .lines()
      .filter((l) => String(l.msg).includes('monthly quota of this API key'));
    expect(monthLines).toHaveLength(1);
  });
});
