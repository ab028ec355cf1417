// The client against the simulator and a real Redis: typed requests, the pager, retries, bad
// bodies, plan restrictions.
import type { SchemaChargerSummaryResponse } from '../../src/enphase/api-types.js';
import { decideFault } from '../../src/simulator/faults.js';
import {
  ApiError,
  ApiKeyRefusedError,
  BadResponseError,
  PermanentAnswerError,
  PlanRestrictedError,
} from '../../src/enphase/errors/index.js';
import { apiKeyId } from '../../src/state/keys.js';
import { clockFrom, ORDINARY_INSTANT } from '../support/clock.js';
import { apiRequests, captureLog, clientFor, startWorld, type World } from './support.js';

/** A simulator seed for which the first `failures` faultable requests fail as asked and the next succeeds. */
function seedWhere(
  faults: Parameters<typeof decideFault>[0],
  pattern: Array<'fail' | 'ok'>,
  route: string,
): number {
  for (let seed = 1; seed < 10_000; seed += 1) {
    const failed = pattern.map((_, i) => {
      const decision = decideFault(faults, seed, i + 1, route);
      return decision.kind !== 'none' || decision.body !== null;
    });
    if (failed.every((f, i) => f === (pattern[i] === 'fail'))) return seed;
  }
  throw new Error('no seed found');
}

describe('Enphase client', () => {
  describe('on a healthy simulator with 250 systems', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld({ systems: 250 });
    });
    afterAll(() => world?.stop());
    beforeEach(() => world.sim.requestLog.clear());

    it('sends the key header and the bearer token, and returns the typed, validated body', async () => {
      const { client } = await clientFor(world);
      const id = world.sim.fleet.ids()[3]!;
      const system = await client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } });
      expect(system.system_id).toBe(id);
      expect(system.timezone).toEqual(expect.any(String));
      const log = apiRequests(world.sim);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ status: 200, route: '/api/v4/systems/{system_id}', systemId: id });
    });

    it('releases each request in the limiter’s window once answered: scored with its answer, not its in-flight deadline', async () => {
      const { client, config } = await clientFor(world);
      const key = world.keys.rateWindow(apiKeyId(config.enphase.apiKey!));
      await world.redis.del(key);
      const id = world.sim.fleet.ids()[5]!;
      await client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } });
      // A 404 is a failure, and released as well.
      await client
        .get('/api/v4/systems/{system_id}/summary', { pathParams: { system_id: 2 } })
        .catch(() => {});
      // The release is not awaited by the client; a command on the same connection runs after it.
      const [seconds, micros] = await world.redis.time();
      const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const scores = (await world.redis.zrange(key, '0', '-1', 'WITHSCORES')).filter((_, i) => i % 2 === 1);
      expect(scores).toHaveLength(2);
      // In flight they would score about 40 s ahead (request timeout + 10 s).
      for (const score of scores) expect(Number(score)).toBeLessThanOrEqual(nowMs);
    });

    it('pages through 250 systems in 3 requests of size 100, yielding each page', async () => {
      const { client } = await clientFor(world);
      const sizes: number[] = [];
      const ids: number[] = [];
      for await (const page of client.systems()) {
        sizes.push(page.length);
        ids.push(...page.map((s) => s.system_id!));
      }
      expect(sizes).toEqual([100, 100, 50]);
      expect(ids).toEqual(world.sim.fleet.ids());
      const log = apiRequests(world.sim);
      expect(log.map((e) => e.url)).toEqual([
        '/api/v4/systems?page=1&size=100',
        '/api/v4/systems?page=2&size=100',
        '/api/v4/systems?page=3&size=100',
      ]);
    });

    it('stops after a full last page using total (200 systems of a 200-fleet search: 2 requests)', async () => {
      const { client } = await clientFor(world);
      const wanted = world.sim.fleet.ids().slice(0, 200);
      let count = 0;
      for await (const page of client.searchSystems({ ids: wanted })) count += page.length;
      expect(count).toBe(200);
      expect(apiRequests(world.sim)).toHaveLength(2);
    });

    it('does not retry a 404 and names system and endpoint in the ApiError', async () => {
      const { client } = await clientFor(world);
      const error = await client
        .get('/api/v4/systems/{system_id}/summary', { pathParams: { system_id: 1 } }, { dataset: 'system' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 404, retryable: false, systemId: 1, dataset: 'system' });
      expect((error as ApiError).endpoint).toBe('/api/v4/systems/{system_id}/summary');
      expect(apiRequests(world.sim)).toHaveLength(1);
    });
  });

  describe('retries', () => {
    const route = '/api/v4/systems/{system_id}';
    let world: World | undefined;
    afterEach(async () => {
      await world?.stop();
      world = undefined;
    });

    it('retries 5xx (JSON and HTML error pages) with backoff, then succeeds', async () => {
      const faults = { errorRate: 0.6, only: [route] };
      const seed = seedWhere(faults, ['fail', 'fail', 'ok'], route);
      world = await startWorld({ seed, faults });
      const { client } = await clientFor(world);
      const id = world.sim.fleet.ids()[0]!;
      const system = await client.get(route, { pathParams: { system_id: id } });
      expect(system.system_id).toBe(id);
      const statuses = apiRequests(world.sim).map((e) => e.status);
      expect(statuses).toHaveLength(3);
      expect(statuses.slice(0, 2).every((s) => s >= 500)).toBe(true);
      expect(statuses[2]).toBe(200);
    });

    it('gives up after maxAttempts with a retryable ApiError', async () => {
      world = await startWorld({ faults: { errorRate: 1, only: [route] } });
      const { client } = await clientFor(world);
      const error = await client
        .get(route, { pathParams: { system_id: world.sim.fleet.ids()[0]! } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).retryable).toBe(true);
      expect((error as ApiError).status).toBeGreaterThanOrEqual(500);
      expect(apiRequests(world.sim)).toHaveLength(4); // maxAttempts of the test policy
    });

    it('retries a request that timed out, then succeeds', async () => {
      const faults = { timeoutRate: 0.5, only: [route] };
      const seed = seedWhere(faults, ['fail', 'ok'], route);
      world = await startWorld({ seed, faults });
      const { client } = await clientFor(world, { deps: { timeoutMs: 300 } });
      const id = world.sim.fleet.ids()[0]!;
      const system = await client.get(route, { pathParams: { system_id: id } });
      expect(system.system_id).toBe(id);
      expect(apiRequests(world.sim).map((e) => e.status)).toEqual([0, 200]);
    });
  });

  describe('bad bodies', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
    });
    afterAll(() => world?.stop());
    beforeEach(() => world.sim.requestLog.clear());

    it.each([
      ['malformed', { malformedRate: 1 }],
      ['truncated', { truncatedRate: 1 }],
    ])(
      'asks again for %s JSON, and gives up after maxAttempts with a BadResponseError',
      async (_name, faults) => {
        world.sim.setFaults(faults);
        try {
          const { client } = await clientFor(world);
          const id = world.sim.fleet.ids()[0]!;
          const error = await client
            .get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } }, { dataset: 'system' })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(BadResponseError);
          const bad = error as BadResponseError;
          expect(bad).toMatchObject({ systemId: id, dataset: 'system', status: 200, retryable: true });
          expect(bad.problems[0]).toMatch(/not valid JSON/);
          expect(bad.message).toContain(`system ${id}`);
          expect(apiRequests(world.sim)).toHaveLength(4); // maxAttempts of the test policy
        } finally {
          world.sim.setFaults({});
        }
      },
    );
  });

  describe('a body that does not parse once', () => {
    const route = '/api/v4/systems/{system_id}';
    let world: World | undefined;
    afterAll(async () => {
      await world?.stop();
    });

    it('is asked for again and the second, good answer is returned', async () => {
      const faults = { malformedRate: 0.5, only: [route] };
      const seed = seedWhere(faults, ['fail', 'ok'], route);
      world = await startWorld({ seed, faults });
      const { client } = await clientFor(world);
      const id = world.sim.fleet.ids()[0]!;
      const system = await client.get(route, { pathParams: { system_id: id } });
      expect(system.system_id).toBe(id);
      expect(apiRequests(world.sim)).toHaveLength(2);
    });
  });

  describe('plan restrictions', () => {
    let world: World;
    beforeAll(async () => {
      // A fixed instant: the 501 case asks for a window a day before "now".
      world = await startWorld({ now: clockFrom(ORDINARY_INSTANT) });
    });
    afterAll(() => world?.stop());

    it('turns a 401 that survives a refresh into PlanRestrictedError, remembered without a second request', async () => {
      const { client } = await clientFor(world, {
        env: { ENPHASE_API_KEY: 'sim-key-watt', ENPHASE_PLAN: 'watt' },
      });
      const system = world.sim.fleet.system(world.sim.fleet.ids()[0]!)!;
      const route = '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry';
      const call = () =>
        client.get(
          route,
          { pathParams: { system_id: system.id, serial_no: 'anything' } },
          { dataset: 'micro' },
        );
      world.sim.requestLog.clear();
      const first = await call().catch((e: unknown) => e);
      expect(first).toBeInstanceOf(PlanRestrictedError);
      expect(first).toMatchObject({ status: 401, endpoint: route, systemId: system.id, retryable: false });
      const log = world.sim.requestLog.entries();
      // 401, one refresh, 401 again with the fresh token.
      expect(log.map((e) => `${e.route} ${e.status}`)).toEqual([
        `${route} 401`,
        '/oauth/token 200',
        `${route} 401`,
      ]);

      const second = await call().catch((e: unknown) => e);
      expect(second).toBeInstanceOf(PlanRestrictedError);
      expect(world.sim.requestLog.entries()).toHaveLength(3);
      // Other endpoints of the same plan still work.
      await client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: system.id } });
      expect(world.sim.requestLog.entries()).toHaveLength(4);
    });
  });

  describe('refusals belong to the system that answered them', () => {
    const RGM = '/api/v4/systems/{system_id}/rgm_stats';
    const SUMMARY = '/api/v4/systems/{system_id}/summary';
    let world: World;
    let a: number;
    let b: number;
    beforeAll(async () => {
      world = await startWorld({ systems: 2 });
      [a, b] = world.sim.fleet.ids() as [number, number];
    });
    afterAll(() => world?.stop());
    beforeEach(() => world.sim.requestLog.clear());

    it('a 401 that survives a refresh restricts that system only; another system is still asked', async () => {
      world.sim.setSystemMisbehaviour(a, { unauthorized: [SUMMARY] });
      try {
        const { client } = await clientFor(world);
        const summary = (id: number) =>
          client.get(SUMMARY, { pathParams: { system_id: id } }, { dataset: 'system' });
        const refused = await summary(a).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(PlanRestrictedError);
        expect(refused).toMatchObject({ status: 401, systemId: a, retryable: false });
        expect((await summary(b)).system_id).toBe(b);
        // A again: skipped without a request; B again: asked.
        await expect(summary(a)).rejects.toThrow(PlanRestrictedError);
        await summary(b);
        expect(apiRequests(world.sim).map((e) => `${e.systemId} ${e.status}`)).toEqual([
          `${a} 401`,
          `${a} 401`,
          `${b} 200`,
          `${b} 200`,
        ]);
        expect(await client.restrictions.list()).toEqual([
          expect.objectContaining({ endpoint: SUMMARY, systemId: a, status: 401 }),
        ]);
      } finally {
        world.sim.setSystemMisbehaviour(a, undefined);
      }
    });

    it('a 501 is asked once, then remembered for that system with its status; others go on', async () => {
      world.sim.setSystemMisbehaviour(a, { notImplemented: [RGM] });
      try {
        const log = captureLog('info');
        const { client } = await clientFor(world, { deps: { logger: log.logger } });
        const end = Math.floor(world.now() / 1000 / 900) * 900 - 86_400;
        const rgm = (id: number) =>
          client.get(
            RGM,
            { pathParams: { system_id: id }, query: { start_at: end - 86_400, end_at: end } },
            { dataset: 'rgm' },
          );
        const error = await rgm(a).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PermanentAnswerError);
        expect(error).toMatchObject({
          status: 501,
          systemId: a,
          retryable: false,
          reason: 'Not Implemented',
        });
        await expect(rgm(a)).rejects.toThrow(PermanentAnswerError);
        await rgm(b);
        // One request for A in all (no retry, none after), B answered.
        expect(apiRequests(world.sim).map((e) => `${e.systemId} ${e.status}`)).toEqual([
          `${a} 501`,
          `${b} 200`,
        ]);
        expect(await client.restrictions.check({ endpoint: RGM, systemId: a })).toMatchObject({
          status: 501,
        });
        expect(await client.restrictions.check({ endpoint: RGM, systemId: b })).toBeUndefined();
        expect(log.lines().filter((l) => l.status === 501)).toEqual([
          expect.objectContaining({ level: 40, systemId: a }),
        ]);
      } finally {
        world.sim.setSystemMisbehaviour(a, undefined);
      }
    });

    it('a 422 for a window is not retried and is logged at error level once', async () => {
      const log = captureLog('info');
      const { client } = await clientFor(world, { deps: { logger: log.logger } });
      const route = '/api/v4/systems/{system_id}/telemetry/production_micro';
      const error = await client
        .get(route, { pathParams: { system_id: b }, query: { granularity: 'fortnight' as 'day' } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentAnswerError);
      expect(error).toMatchObject({ status: 422, systemId: b });
      expect(apiRequests(world.sim)).toHaveLength(1);
      expect(log.lines().filter((l) => l.level === 50)).toEqual([
        expect.objectContaining({ status: 422, endpoint: route }),
      ]);
    });

    it('a 401 on the systems list with a fresh token names the API key as the credential refused', async () => {
      const { client } = await clientFor(world, { env: { ENPHASE_API_KEY: 'not-a-key' } });
      const error = await (async () => {
        for await (const page of client.systems()) void page;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiKeyRefusedError);
      expect((error as Error).message).toMatch(/refused the API key.*ENPHASE_API_KEY/);
      expect((error as Error).message).not.toContain('not-a-key');
      // Not remembered as a restriction: the next start with a good key is not blocked.
      expect(await client.restrictions.list()).toEqual([]);
    });
  });

  describe('content types the spec declares', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld({ systems: 30 });
    });
    afterAll(() => world?.stop());

    it('asks the EV charger routes for application/octet-stream and parses the JSON inside', async () => {
      const { client } = await clientFor(world);
      const ev = world.sim.fleet
        .ids()
        .map((id) => world.sim.fleet.system(id)!)
        .find((system) => system.evChargerSerials.length > 0);
      expect(ev).toBeDefined();
      // Typed unknown (the spec gives no schema for an octet-stream): the JSON it holds.
      const devices = (await client.get('/api/v4/systems/{system_id}/ev_charger/devices', {
        pathParams: { system_id: ev!.id },
      })) as SchemaChargerSummaryResponse;
      expect(devices.devices?.ev_chargers?.map((c) => c.serial_number)).toEqual(ev!.evChargerSerials);

      // The simulator honours Accept as the spec's server would: JSON only is refused.
      const { access_token } = world.sim.issueTokenPair();
      const refused = await fetch(`${world.sim.url}/api/v4/systems/${ev!.id}/ev_charger/devices`, {
        headers: { key: 'sim-key', authorization: `Bearer ${access_token}`, accept: 'application/json' },
      });
      expect(refused.status).toBe(406);
      expect(await refused.json()).toMatchObject({ code: 406 });
      const accepted = await fetch(`${world.sim.url}/api/v4/systems/${ev!.id}/ev_charger/devices`, {
        headers: { key: 'sim-key', authorization: `Bearer ${access_token}` },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.headers.get('content-type')).toBe('application/octet-stream');
      expect(JSON.parse(await accepted.text())).toMatchObject({ system_id: ev!.id });
    });
  });
});
