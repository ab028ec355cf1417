// The client against the simulator and a real Redis: typed requests, the pager, retries, bad
// bodies, plan restrictions.
import { decideFault } from '../../src/simulator/faults.js';
import { ApiError, BadResponseError, PlanRestrictedError } from '../../src/enphase/errors/index.js';
import { apiRequests, clientFor, startWorld, type World } from './support.js';

/** A simulator seed for which the first `failures` faultable requests fail as asked and the next succeeds. */
function seedWhere(
  faults: Parameters<typeof decideFault>[0],
  pattern: Array<'fail' | 'ok'>,
  route: string,
): number {
  for (let seed = 1; seed < 10_000; seed += 1) {
    const kinds = pattern.map((_, i) => decideFault(faults, seed, i + 1, route).kind);
    if (kinds.every((k, i) => (pattern[i] === 'ok' ? k === 'none' : k !== 'none'))) return seed;
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
    ])('turns %s JSON into a BadResponseError, not retried', async (_name, faults) => {
      world.sim.setFaults(faults);
      try {
        const { client } = await clientFor(world);
        const id = world.sim.fleet.ids()[0]!;
        const error = await client
          .get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } }, { dataset: 'system' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadResponseError);
        const bad = error as BadResponseError;
        expect(bad).toMatchObject({ systemId: id, dataset: 'system', status: 200, retryable: false });
        expect(bad.problems[0]).toMatch(/not valid JSON/);
        expect(bad.message).toContain(`system ${id}`);
        expect(apiRequests(world.sim)).toHaveLength(1);
      } finally {
        world.sim.setFaults({});
      }
    });
  });

  describe('plan restrictions', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
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
});
