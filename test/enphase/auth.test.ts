// The token manager against the simulator's OAuth server and a real Redis.
import { AuthError } from '../../src/enphase/errors/index.js';
import { monthOf } from '../../src/state/quota-ledger.js';
import { apiKeyId } from '../../src/state/keys.js';
import { clockFrom, ORDINARY_INSTANT } from '../support/clock.js';
import { apiRequests, captureLog, clientFor, seedTokens, startWorld, type World } from './support.js';

describe('token manager', () => {
  let world: World;
  beforeAll(async () => {
    // Access tokens live 60 s here, so "shortly before expiry" is reachable by moving the clock.
    world = await startWorld({ accessTokenTtlSec: 60, now: clockFrom(ORDINARY_INSTANT) });
  });
  afterAll(() => world?.stop());
  beforeEach(() => world.sim.requestLog.clear());

  const oauthCalls = () => world.sim.requestLog.entries().filter((e) => e.route === '/oauth/token');
  const stored = (apiKey = 'sim-key') => world.redis.hgetall(world.keys.tokens(apiKeyId(apiKey)));
  const systemCall = (client: Awaited<ReturnType<typeof clientFor>>['client']) =>
    client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: world.sim.fleet.ids()[0]! } });

  it('refreshes shortly before expiry (from expires_in), stores the new pair, and never sends the old token', async () => {
    let offset = 0;
    const { client } = await clientFor(world, { deps: { now: () => world.now() + offset } });
    const before = await stored();
    await systemCall(client);
    expect(oauthCalls()).toHaveLength(0);

    offset = 55_000; // 5 s before expiry: inside the margin (a tenth of 60 s)
    await systemCall(client);
    expect(oauthCalls()).toHaveLength(1);
    const after = await stored();
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(Number(after.expires_in)).toBe(60);
    expect(apiRequests(world.sim).map((e) => e.status)).toEqual([200, 200]);
  });

  it('refreshes once on a 401 and repeats the request with the new token', async () => {
    const { client } = await clientFor(world, { seed: false });
    const pair = world.sim.issueTokenPair();
    await seedTokens(world, 'sim-key', {
      access_token: 'revoked-access-token',
      refresh_token: pair.refresh_token,
      expires_in: 3600,
    });
    await systemCall(client);
    expect(apiRequests(world.sim).map((e) => e.status)).toEqual([401, 200]);
    expect(oauthCalls()).toHaveLength(1);
    expect((await stored()).refresh_token).not.toBe(pair.refresh_token);
  });

  it('turns a refused refresh token into an AuthError that says to run `enphase-etl auth`, remembered across clients', async () => {
    await world.redis.del(world.keys.quotaLedger(apiKeyId('sim-key'), monthOf(world.now())));
    const { client } = await clientFor(world, { seed: false });
    await seedTokens(world, 'sim-key', {
      access_token: 'expired',
      refresh_token: 'revoked-refresh-token',
      expires_in: 3600,
    });
    const error = await systemCall(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toMatch(/enphase-etl auth/);
    expect(oauthCalls()).toHaveLength(1);

    // Another process (a new client) does not ask the token endpoint again, nor the API.
    const { client: other } = await clientFor(world, { seed: false });
    world.sim.requestLog.clear();
    await expect(systemCall(other)).rejects.toThrow(AuthError);
    expect(world.sim.requestLog.entries()).toHaveLength(0);
    // Nothing unsent was counted: the ledger holds the one request that did go out (the 401).
    expect((await other.quota.usage()).total).toBe(1);
  });

  it('imports the environment pair when Redis has none, keeps Redis when the env is unchanged, re-imports when it changes', async () => {
    const key = world.keys.tokens(apiKeyId('sim-key'));
    await world.redis.del(key);
    const first = world.sim.issueTokenPair();
    const env = { ENPHASE_ACCESS_TOKEN: first.access_token, ENPHASE_REFRESH_TOKEN: first.refresh_token };
    const a = (await clientFor(world, { seed: false, env })).client;
    await systemCall(a);
    expect((await stored()).access_token).toBe(first.access_token);
    // Expiry of an imported access token is unknown: it is used until a 401, not assumed.
    expect((await stored()).expires_at).toBeUndefined();

    await a.tokens.refreshNow(); // rotates: Redis now holds a newer pair than the environment
    const rotated = await stored();
    const b = (await clientFor(world, { seed: false, env })).client;
    await systemCall(b);
    expect((await stored()).refresh_token).toBe(rotated.refresh_token);

    const second = world.sim.issueTokenPair(); // the user re-authorised and edited .env
    const c = (
      await clientFor(world, {
        seed: false,
        env: { ENPHASE_ACCESS_TOKEN: second.access_token, ENPHASE_REFRESH_TOKEN: second.refresh_token },
      })
    ).client;
    await systemCall(c);
    expect((await stored()).refresh_token).toBe(second.refresh_token);
  });

  it('writes no token, secret or API key to the log through refreshes, 401s, retries and auth errors', async () => {
    const captured = captureLog('trace');
    const secrets: string[] = ['sim-secret', 'sim-key-kilowatt'];
    const pair = world.sim.issueTokenPair();
    secrets.push(pair.refresh_token);
    await seedTokens(world, 'sim-key-kilowatt', {
      access_token: 'stale-access-token-xyz',
      refresh_token: pair.refresh_token,
      expires_in: 3600,
    });
    secrets.push('stale-access-token-xyz');
    const { client } = await clientFor(world, {
      seed: false,
      env: { ENPHASE_API_KEY: 'sim-key-kilowatt', ENPHASE_PLAN: 'kilowatt' },
      deps: { logger: captured.logger },
    });
    await systemCall(client); // 401 → refresh → 200
    await client.tokens.refreshNow();
    world.sim.setFaults({ errorRate: 1 });
    await expect(systemCall(client)).rejects.toThrow(/answered 5\d\d/);
    world.sim.setFaults({});
    await client
      .get('/api/v4/systems/{system_id}/summary', { pathParams: { system_id: 1 } })
      .catch(() => undefined);
    const now = await stored('sim-key-kilowatt');
    secrets.push(now.access_token!, now.refresh_token!);
    await world.redis.hset(
      world.keys.tokens(apiKeyId('sim-key-kilowatt')),
      'refresh_token',
      'refused-refresh-token-abc',
      'access_token',
      'x-expired',
    );
    secrets.push('refused-refresh-token-abc');
    const { client: next } = await clientFor(world, {
      seed: false,
      env: { ENPHASE_API_KEY: 'sim-key-kilowatt', ENPHASE_PLAN: 'kilowatt' },
      deps: { logger: captured.logger },
    });
    await expect(systemCall(next)).rejects.toThrow(AuthError);
    expect(captured.text()).toMatch(/refresh token was refused/);

    const text = captured.text();
    expect(captured.lines().length).toBeGreaterThan(5);
    expect(text).toMatch(/refreshed the Enphase access token/);
    expect(text).toMatch(/retrying/);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer|Basic /);
  });
});
