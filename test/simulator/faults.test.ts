// Fault injection, each kind observable over HTTP, deterministic per seed; and determinism of
// the data itself (same seed → same bytes).
import { decideFault } from '../../src/simulator/faults.js';
import { parseFaultSpec, startSimulator } from '../../src/simulator/index.js';
import { manualClock, startApi, type Api } from './helpers.js';

const NOW = Date.UTC(2026, 5, 20, 19, 7, 42);
const clock = manualClock(NOW);
let api: Api;
const PATH = '/api/v4/systems/100001/telemetry/production_micro';
const ROUTE = '/api/v4/systems/{system_id}/telemetry/production_micro';

beforeAll(async () => {
  api = await startApi({ systems: 3, now: clock.now });
});
afterAll(async () => api?.sim.close());
afterEach(() => api.sim.setFaults({}));

test('errorRate answers 500/502/503', async () => {
  api.sim.setFaults({ errorRate: 1 });
  const statuses = new Set<number>();
  for (let i = 0; i < 12; i += 1) statuses.add((await api.get(PATH)).status);
  expect([...statuses].every((s) => [500, 502, 503].includes(s))).toBe(true);
  expect(statuses.size).toBeGreaterThan(1);
});

test('latencyMs delays the answer', async () => {
  api.sim.setFaults({ latencyMs: 150 });
  const t0 = Date.now();
  expect((await api.get(PATH)).status).toBe(200);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
});

test('timeoutRate leaves the request hanging until the client gives up', async () => {
  api.sim.setFaults({ timeoutRate: 1 });
  const started = Date.now();
  await expect(
    fetch(`${api.sim.url}${PATH}`, {
      headers: { key: 'sim-key', authorization: `Bearer ${api.token}` },
      signal: AbortSignal.timeout(300),
    }),
  ).rejects.toThrow();
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(api.sim.requestLog.entries().at(-1)).toMatchObject({ route: ROUTE, status: 0 });
});

test('malformed and truncated bodies do not parse; a truncated body is a prefix of the real one', async () => {
  const good = (await api.get(PATH)).text;
  api.sim.setFaults({ malformedRate: 1 });
  const malformed = await api.get(PATH);
  expect(malformed.status).toBe(200);
  expect(() => JSON.parse(malformed.text)).toThrow();
  api.sim.setFaults({ truncatedRate: 1 });
  const truncated = await api.get(PATH);
  expect(() => JSON.parse(truncated.text)).toThrow();
  expect(good.startsWith(truncated.text)).toBe(true);
  expect(truncated.text.length).toBeLessThan(good.length);
});

test('schema drift adds unknown fields and nulls or drops some values, but stays JSON', async () => {
  const good = (await api.get(PATH)).body as Record<string, unknown>;
  api.sim.setFaults({ driftRate: 1 });
  const drifted = await api.get(PATH);
  const body = JSON.parse(drifted.text) as Record<string, unknown>;
  expect(body.sim_drift_field).toBe('unexpected');
  expect(drifted.text).not.toBe(JSON.stringify(good));
});

test('burst429 answers `length` 429s (period minute) every `every` requests', async () => {
  api.sim.setFaults({ burst429: { every: 4, length: 2 } });
  const statuses: number[] = [];
  let body: unknown;
  for (let i = 0; i < 8; i += 1) {
    const res = await api.get(PATH);
    statuses.push(res.status);
    if (res.status === 429) body = res.body;
  }
  expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  // The same pattern every 4 requests: two 429s in a row (cyclically), then two answers.
  for (let i = 0; i < 4; i += 1) expect(statuses[i + 4]).toBe(statuses[i]);
  const first = statuses.slice(0, 4).map((st) => st === 429);
  expect(first.filter(Boolean)).toHaveLength(2);
  expect([0, 1, 2, 3].some((k) => first[k] && first[(k + 1) % 4])).toBe(true);
  expect(body).toMatchObject({ message: 'Too Many Requests', code: 429, period: 'minute', limit: 300 });
});

test('rate429 answers that fraction 429 (period minute) at random, leaving the other decisions as they were', async () => {
  const decisions = (rate429: number) =>
    Array.from({ length: 2_000 }, (_, i) => decideFault({ errorRate: 0.1, rate429 }, 11, i + 1, ROUTE));
  const with429 = decisions(0.05);
  const random = with429.filter((d) => d.kind === 'random429').length;
  expect(random).toBeGreaterThan(60);
  expect(random).toBeLessThan(140);
  // Not periodic: no fixed gap between them.
  const at = with429.flatMap((d, i) => (d.kind === 'random429' ? [i] : []));
  expect(new Set(at.slice(1).map((n, i) => n - at[i]!)).size).toBeGreaterThan(5);
  // Every request it leaves alone is decided as without it.
  const without = decisions(0);
  expect(
    with429.every((d, i) => d.kind === 'random429' || JSON.stringify(d) === JSON.stringify(without[i])),
  ).toBe(true);
  api.sim.setFaults({ rate429: 1 });
  const res = await api.get(PATH);
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ message: 'Too Many Requests', code: 429, period: 'minute' });
  expect(api.sim.requestLog.entries().at(-1)?.injected).toBe('fault:random429');
  api.sim.setFaults({});
});

test('`only` restricts faults to the named routes; POST /__sim/faults switches them at run time', async () => {
  const res = await fetch(`${api.sim.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ errorRate: 1, only: [ROUTE] }),
  });
  expect(res.status).toBe(200);
  expect((await api.get(PATH)).status).toBeGreaterThanOrEqual(500);
  expect((await api.get('/api/v4/systems/100001')).status).toBe(200);
});

test('faults are deterministic for a seed: the same request sequence fails the same way', async () => {
  const run = async (seed: number): Promise<string> => {
    const sim = await startSimulator({
      systems: 2,
      seed,
      now: clock.now,
      faults: { errorRate: 0.3, malformedRate: 0.2 },
    });
    const token = sim.issueTokenPair().access_token;
    const out: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const r = await fetch(`${sim.url}/api/v4/systems/100001`, {
        headers: { key: 'sim-key', authorization: `Bearer ${token}` },
      });
      const text = await r.text();
      let ok = true;
      try {
        JSON.parse(text);
      } catch {
        ok = false;
      }
      out.push(`${r.status}${ok ? '' : 'x'}`);
    }
    await sim.close();
    return out.join(',');
  };
  const a = await run(5);
  expect(await run(5)).toBe(a);
  expect(a).toMatch(/50[023]/);
  expect(a).toMatch(/200x/);
  expect(await run(6)).not.toBe(a);
});

test('parseFaultSpec reads the CLI syntax and names bad parts', () => {
  expect(
    parseFaultSpec(
      'error=0.1,latency=200,timeout=0.01,malformed=0.05,truncated=0.02,drift=0.1,burst429=100:5,rate429=0.02,only=/a|/b',
    ),
  ).toEqual({
    errorRate: 0.1,
    latencyMs: 200,
    timeoutRate: 0.01,
    malformedRate: 0.05,
    truncatedRate: 0.02,
    driftRate: 0.1,
    burst429: { every: 100, length: 5 },
    rate429: 0.02,
    only: ['/a', '/b'],
  });
  expect(parseFaultSpec('')).toEqual({});
  expect(() => parseFaultSpec('error=2')).toThrow(/error/);
  expect(() => parseFaultSpec('latency=-1')).toThrow(/latency/);
  expect(() => parseFaultSpec('burst429=5')).toThrow(/burst429/);
  expect(() => parseFaultSpec('gremlins=1')).toThrow(/unknown fault "gremlins"/);
});

test('the same seed gives the same bytes; another seed gives other data', async () => {
  const paths = [
    '/api/v4/systems?size=5',
    '/api/v4/systems/100002/devices',
    '/api/v4/systems/100002/summary',
    '/api/v4/systems/100002/telemetry/production_micro',
    '/api/v4/systems/100002/telemetry/consumption_meter?granularity=week&start_at=1781200000',
    '/api/v4/systems/100002/energy_lifetime?start_date=2026-05-01&production=all',
    '/api/v4/systems/100002/rgm_stats?start_at=1781500000',
  ];
  const capture = async (seed: number): Promise<string[]> => {
    const sim = await startSimulator({ systems: 3, seed, now: () => NOW });
    const token = sim.issueTokenPair().access_token;
    const bodies: string[] = [];
    for (const path of paths) {
      const r = await fetch(`${sim.url}${path}`, {
        headers: { key: 'sim-key', authorization: `Bearer ${token}` },
      });
      expect(r.status).toBe(200);
      bodies.push(await r.text());
    }
    await sim.close();
    return bodies;
  };
  const a = await capture(1);
  expect(await capture(1)).toEqual(a);
  const b = await capture(2);
  for (let i = 0; i < paths.length; i += 1) expect(b[i]).not.toBe(a[i]);
});
