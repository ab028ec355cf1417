// Per-minute and per-month limits with the spec's 429 body, paging of the systems list, the
// request log and the /__sim admin routes.
import { manualClock, startApi, type Api } from './helpers.js';

const START = Date.UTC(2026, 5, 30, 23, 59, 0);
const clock = manualClock(START);
let api: Api;

beforeAll(async () => {
  api = await startApi({
    systems: 250,
    now: clock.now,
    rateWindowMs: 10_000,
    accessTokenTtlSec: 365 * 86_400,
    limits: {
      partner: { perMinute: 1_000, perMonth: null },
      kilowatt: { perMinute: 3, perMonth: 5 },
      watt: { perMinute: 100, perMonth: 2 },
    },
  });
});
afterAll(async () => api?.sim.close());
beforeEach(() => {
  clock.set(START);
  api.sim.requestLog.clear();
});

test('the per-minute limit answers 429 with period, period_start, period_end and limit, then lets in again', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    statuses.push((await api.get('/api/v4/systems/100001', { key: 'sim-key-kilowatt' })).status);
    clock.advance(1_000);
  }
  const limited = await api.get('/api/v4/systems/100001', { key: 'sim-key-kilowatt' });
  expect(statuses).toEqual([200, 200, 200]);
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual({
    message: 'Too Many Requests',
    details: 'Usage limit exceeded for plan Kilowatt',
    code: 429,
    period: 'minute',
    period_start: Math.floor(START / 1000),
    period_end: Math.ceil((START + 10_000) / 1000),
    limit: 3,
  });
  // The oldest request leaves the rolling window at period_end: one more fits then.
  clock.set((limited.body as { period_end: number }).period_end * 1000);
  expect((await api.get('/api/v4/systems/100001', { key: 'sim-key-kilowatt' })).status).toBe(200);
});

test('the per-month quota answers 429 (period month) until the next calendar month (UTC)', async () => {
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt' })).status).toBe(200);
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt' })).status).toBe(200);
  const over = await api.get('/api/v4/systems', { key: 'sim-key-watt' });
  expect(over.status).toBe(429);
  expect(over.body).toMatchObject({
    code: 429,
    period: 'month',
    period_start: Date.UTC(2026, 5, 1) / 1000,
    period_end: Date.UTC(2026, 6, 1) / 1000,
    limit: 2,
    details: 'Usage limit exceeded for plan Watt',
  });
  clock.set(Date.UTC(2026, 6, 1, 0, 0, 1));
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt' })).status).toBe(200);
});

test('requests with a bad key are not counted; requests with a bad token are', async () => {
  clock.set(Date.UTC(2026, 7, 15));
  for (let i = 0; i < 5; i += 1) expect((await api.get('/api/v4/systems', { key: 'nope' })).status).toBe(401);
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt', token: 'bad' })).status).toBe(401);
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt' })).status).toBe(200);
  expect((await api.get('/api/v4/systems', { key: 'sim-key-watt' })).status).toBe(429);
});

test('250 systems page into 100 + 100 + 50, each system once, sortable both ways', async () => {
  const seen: number[] = [];
  for (const page of [1, 2, 3, 4]) {
    const res = await api.get(`/api/v4/systems?size=100&page=${page}`);
    const body = res.body as {
      total: number;
      count: number;
      current_page: number;
      size: number;
      items: string;
      systems: { system_id: number }[];
    };
    expect(body).toMatchObject({
      total: 250,
      current_page: page,
      size: 100,
      items: 'systems',
      count: [100, 100, 50, 0][page - 1],
    });
    seen.push(...body.systems.map((s) => s.system_id));
  }
  expect(new Set(seen).size).toBe(250);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  const desc = (await api.get('/api/v4/systems?size=3&sort_by=-id')).body as {
    systems: { system_id: number }[];
  };
  expect(desc.systems.map((s) => s.system_id)).toEqual([seen[249], seen[248], seen[247]]);
  expect((await api.get('/api/v4/systems')).body).toMatchObject({ size: 10, count: 10 });
  for (const bad of ['size=101', 'size=0', 'page=0', 'sort_by=name', 'page=x']) {
    const res = await api.get(`/api/v4/systems?${bad}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ message: 'Unprocessable Entity', code: 422 });
  }
});

test('search filters by ids, name and status, and needs a `system` object', async () => {
  const byIds = await api.post('/api/v4/systems/search?size=5', {
    system: { ids: [100250, 100003, 999] },
    sort_by: '-id',
  });
  expect((byIds.body as { systems: { system_id: number }[] }).systems.map((s) => s.system_id)).toEqual([
    100250, 100003,
  ]);
  const name = api.sim.fleet.system(100007)!.name;
  const byName = (await api.post('/api/v4/systems/search', { system: { name: name.toUpperCase() } }))
    .body as { systems: { name: string }[] };
  expect(byName.systems.map((s) => s.name)).toContain(name);
  const missing = await api.post('/api/v4/systems/search', { sort_by: 'id' });
  expect(missing.status).toBe(422);
  expect(missing.body).toEqual({
    message: 'Unprocessable Entity',
    details: 'system is missing at Json body location',
    code: 422,
  });
});

test('the request log counts each call by route template, status and system; the admin routes expose it', async () => {
  await api.get('/api/v4/systems/100001');
  await api.get('/api/v4/systems/100002/summary');
  await api.get('/api/v4/systems/100002/summary');
  await api.get('/api/v4/systems/1');
  await api.get('/api/v4/systems', { key: 'nope' });
  const log = api.sim.requestLog;
  expect(log.count()).toBe(5);
  expect(log.count({ route: '/api/v4/systems/{system_id}/summary' })).toBe(2);
  expect(log.count({ route: '/api/v4/systems/{system_id}', status: 404 })).toBe(1);
  expect(log.count({ systemId: 100002 })).toBe(2);
  expect(log.count({ status: 401 })).toBe(1);
  const entries = log.entries();
  expect(entries[0]).toMatchObject({
    method: 'GET',
    route: '/api/v4/systems/{system_id}',
    url: '/api/v4/systems/100001',
    status: 200,
    apiKeyId: 'sim-key',
  });
  expect(entries[4]!.apiKeyId).toBeUndefined();

  await fetch(`${api.sim.url}/api/v4/systems?key=sim-key&size=2`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  expect(log.entries()[5]!.url).toBe('/api/v4/systems?size=2');

  const viaHttp = (await (
    await fetch(
      `${api.sim.url}/__sim/requests?route=${encodeURIComponent('/api/v4/systems/{system_id}/summary')}`,
    )
  ).json()) as {
    count: number;
  };
  expect(viaHttp.count).toBe(2);
  expect((await fetch(`${api.sim.url}/__sim/requests`, { method: 'DELETE' })).status).toBe(204);
  expect(log.count()).toBe(0);
  const pair = (await (await fetch(`${api.sim.url}/__sim/tokens`, { method: 'POST' })).json()) as {
    access_token: string;
  };
  expect((await api.get('/api/v4/systems/100001', { token: pair.access_token })).status).toBe(200);
  // Admin calls are neither logged nor counted.
  expect(log.count()).toBe(1);
});

test('live_data answers 429 in its own error shape, with the period in error.details', async () => {
  clock.set(Date.UTC(2026, 8, 10, 12));
  for (let i = 0; i < 3; i += 1)
    expect((await api.get('/api/v4/systems/100001', { key: 'sim-key-kilowatt' })).status).toBe(200);
  const res = await api.get('/api/v4/systems/100001/live_data', { key: 'sim-key-kilowatt' });
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    error: {
      code: 429,
      message: 'Too Many Requests',
      status: 'TOO_MANY_REQUESTS',
      details: [{ period: 'minute', limit: 3 }],
    },
    type: 'request_exceeded_error',
  });
  const details = (res.body as { error: { details: { period_end: number }[] } }).error.details[0]!;
  expect(details.period_end).toBe(Math.ceil((Date.UTC(2026, 8, 10, 12) + 10_000) / 1000));
});
