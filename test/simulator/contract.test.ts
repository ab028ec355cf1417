// The simulator's contract test: every GET endpoint of openapi/enphase-v4-openapi.yaml (and
// POST /systems/search), with several parameter combinations and systems of every kind, answers
// with a status the spec documents for that operation and a body that validates against the
// spec's schema for that status — in strict mode, so a field the spec does not know is an error
// too. Also the 401, 422 and 429 bodies. The list of endpoints to cover is computed from the
// spec: a new endpoint in the spec fails the coverage check until a case exercises it.
import { DateTime } from 'luxon';
import { listOperations, matchRoute, validateResponse } from '../../src/enphase/response-validator.js';
import { startSimulator, type RunningSimulator, type SystemProfile } from '../../src/simulator/index.js';

// A fixed clock: a June afternoon (UTC), summer in the north and winter in the south.
const NOW = Date.UTC(2026, 5, 17, 13, 7, 42);
const NOW_SEC = Math.floor(NOW / 1000);
const DAY = 86_400;
/** The spec taken literally: no unknown fields, no nulls the spec does not allow. */
const STRICT = { unknownProperties: 'reject', nullsInItems: 'reject' } as const;

type Query = Record<string, string | number | boolean>;
interface Case {
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: unknown;
  /** 200: must succeed; 'documented': any status the spec documents for the operation. */
  expect: number | 'documented';
}
interface Outcome {
  c: Case;
  template: string | undefined;
  status: number;
  body: unknown;
}

let sim: RunningSimulator;
let accessToken: string;

beforeAll(async () => {
  // The clock stands still, so the rolling minute never ends: lift the partner plan's limit.
  sim = await startSimulator({
    systems: 12,
    seed: 7,
    now: () => NOW,
    limits: { partner: { perMinute: 1_000_000, perMonth: null } },
  });
  accessToken = sim.issueTokenPair().access_token;
});

afterAll(async () => {
  await sim?.close();
});

function describeCase(c: Case): string {
  const q = c.query ? `?${new URLSearchParams(stringify(c.query)).toString()}` : '';
  const h = c.headers ? ` headers=${JSON.stringify(c.headers)}` : '';
  const b = c.body !== undefined ? ` body=${JSON.stringify(c.body)}` : '';
  return `${c.method} ${c.path}${q}${h}${b}`;
}

function stringify(q: Query): Record<string, string> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]));
}

/** Reads the first server-sent event's JSON (`data:` line) and hangs up. */
async function firstEvent(res: Response): Promise<unknown> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!text.includes('\n\n')) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const data = text
    .split('\n\n')[0]!
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .join('\n');
  return JSON.parse(data) as unknown;
}

async function call(c: Case, auth: { key?: string; token?: string | null } = {}): Promise<Outcome> {
  const url = new URL(sim.url + c.path);
  for (const [k, v] of Object.entries(stringify(c.query ?? {}))) url.searchParams.set(k, v);
  const headers: Record<string, string> = { key: auth.key ?? 'sim-key', ...(c.headers ?? {}) };
  const token = auth.token === undefined ? accessToken : auth.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: c.method,
    headers,
    ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
  });
  const template = matchRoute(c.method, c.path)?.template;
  let body: unknown;
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    // The spec's schema describes one event as {data: <the event's JSON>}: the SSE `data:` field.
    body = { data: await firstEvent(res) };
  } else {
    const text = await res.text();
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  return { c, template, status: res.status, body };
}

/** The violations of one outcome; empty when the answer is as the spec says. */
function violations(o: Outcome): string[] {
  const where = describeCase(o.c);
  if (!o.template) return [`${where}: no operation of the spec matches this path`];
  if (typeof o.c.expect === 'number' && o.status !== o.c.expect) {
    return [
      `${where}: status ${o.status}, expected ${o.c.expect}; body ${JSON.stringify(o.body).slice(0, 300)}`,
    ];
  }
  const r = validateResponse(o.c.method, o.template, o.status, o.body, STRICT);
  return r.ok ? [] : r.errors.map((e) => `${where} → ${o.status}: ${e}`);
}

// ------------------------------------------------------------------ the cases

function ymd(tSec: number, zone: string, format = 'yyyy-MM-dd'): string {
  return DateTime.fromSeconds(tSec, { zone }).toFormat(format);
}

function pick(systems: SystemProfile[], what: string, f: (s: SystemProfile) => boolean): SystemProfile {
  const s = systems.find(f);
  if (!s) throw new Error(`the simulated fleet has no system ${what}; the contract test needs one`);
  return s;
}

function buildCases(systems: SystemProfile[]): Case[] {
  const encharge = pick(systems, 'with an IQ Battery', (s) => s.batteries.some((b) => b.type === 'encharge'));
  const acb = pick(systems, 'with an AC Battery', (s) => s.batteries.some((b) => b.type === 'acb'));
  const plain = pick(
    systems,
    'without battery or consumption meter',
    (s) => s.batteries.length === 0 && !s.consumptionMeter,
  );
  const noMeter = pick(systems, 'without production meter', (s) => !s.productionMeter);
  const ev = pick(systems, 'with an EV charger', (s) => s.evChargerSerials.length > 0);
  const noEv = pick(systems, 'without EV charger', (s) => s.evChargerSerials.length === 0);
  const kinds = [...new Set([encharge, acb, plain, noMeter, ev])];
  const cases: Case[] = [];
  const get = (path: string, query: Query | undefined, expect: Case['expect'] = 200): void => {
    cases.push({ method: 'GET', path, ...(query ? { query } : {}), expect });
  };
  const sys = (s: SystemProfile, rest: string): string => `/api/v4/systems/${s.id}${rest}`;
  const startAt = NOW_SEC - 2 * DAY;

  // system lists
  get('/api/v4/systems', undefined);
  get('/api/v4/systems', { page: 2, size: 5 });
  get('/api/v4/systems', { size: 100, sort_by: '-id' });
  get('/api/v4/systems', { page: 99, size: 10 }, 'documented');
  get('/api/v4/systems', { size: 101 }, 'documented');
  get('/api/v4/systems', { sort_by: 'name' }, 'documented');
  cases.push({ method: 'POST', path: '/api/v4/systems/search', body: {}, expect: 'documented' });
  cases.push({
    method: 'POST',
    path: '/api/v4/systems/search',
    query: { page: 1, size: 3 },
    body: { sort_by: '-id', system: { ids: [encharge.id, plain.id] } },
    expect: 200,
  });
  cases.push({
    method: 'POST',
    path: '/api/v4/systems/search',
    body: { system: { statuses: ['normal'] } },
    expect: 200,
  });
  get('/api/v4/systems/retrieve_system_id', { serial_num: encharge.envoySerial });
  get('/api/v4/systems/retrieve_system_id', { serial_num: '999999999999' }, 'documented');
  get('/api/v4/systems/retrieve_system_id', undefined, 'documented');
  get('/api/v4/systems/inverters_summary_by_envoy_or_site', { site_id: encharge.id });
  get('/api/v4/systems/inverters_summary_by_envoy_or_site', {
    envoy_serial_number: plain.envoySerial,
    page: 1,
    size: 5,
  });
  get('/api/v4/systems/inverters_summary_by_envoy_or_site', undefined, 'documented');
  get('/api/v4/systems/event_types', undefined);
  get('/api/v4/systems/event_types', { event_type_id: 28 });
  get('/api/v4/systems/event_types', { event_type_id: 12345 }, 'documented');
  get('/api/v4/systems/99', undefined, 'documented'); // unknown system: 404

  for (const s of kinds) {
    const zone = s.place.timezone;
    get(sys(s, ''), undefined);
    get(sys(s, '/summary'), undefined);
    get(sys(s, '/summary'), { summary_date: ymd(NOW_SEC - 3 * DAY, zone) }, 'documented');
    get(sys(s, '/devices'), undefined);
    get(sys(s, '/latest_telemetry'), undefined);

    // events and alarms: default end, explicit week, bad windows
    get(sys(s, '/events'), { start_time: NOW_SEC - 3 * DAY });
    get(sys(s, '/events'), { start_time: NOW_SEC - 60 * DAY, end_time: NOW_SEC - 53 * DAY });
    get(sys(s, '/events'), undefined, 'documented');
    get(sys(s, '/alarms'), { start_time: NOW_SEC - 7 * DAY, end_time: NOW_SEC });
    get(sys(s, '/alarms'), { start_time: NOW_SEC - 30 * DAY, end_time: NOW_SEC - 23 * DAY, cleared: true });
    get(sys(s, '/alarms'), { start_time: NOW_SEC - 400 * DAY }, 'documented');

    // lifetime series
    const lifetimes = [
      '/energy_lifetime',
      '/consumption_lifetime',
      '/battery_lifetime',
      '/energy_import_lifetime',
      '/energy_export_lifetime',
    ];
    // the whole lifetime (the default window) is costly to compute: two systems suffice
    const fullHistory = s === encharge || s === plain;
    for (const l of lifetimes) {
      if (fullHistory && l !== '/energy_lifetime') get(sys(s, l), undefined, 'documented');
      get(
        sys(s, l),
        { start_date: ymd(NOW_SEC - 40 * DAY, zone), end_date: ymd(NOW_SEC - DAY, zone) },
        'documented',
      );
    }
    if (fullHistory) {
      get(sys(s, '/energy_lifetime'), undefined);
      get(sys(s, '/energy_lifetime'), { production: 'all' });
    }
    get(sys(s, '/energy_lifetime'), { start_date: ymd(NOW_SEC - 10 * DAY, zone), production: 'all' });

    // meter data
    get(sys(s, '/rgm_stats'), undefined, s.productionMeter ? 200 : 'documented');
    get(sys(s, '/rgm_stats'), { start_at: startAt, end_at: startAt + DAY }, 'documented');
    get(sys(s, '/rgm_stats'), { start_at: NOW_SEC - 10 * DAY }, 'documented');
    get(sys(s, '/rgm_stats'), { start_at: NOW_SEC - 3 * 365 * DAY }, 'documented');
    get(sys(s, '/production_meter_readings'), undefined, 'documented');
    get(sys(s, '/production_meter_readings'), { end_at: NOW_SEC - DAY }, 'documented');

    // site telemetry: defaults, explicit start, each granularity, start_date
    const telemetry = [
      '/telemetry/production_micro',
      '/telemetry/production_meter',
      '/telemetry/battery',
      '/telemetry/consumption_meter',
      '/energy_import_telemetry',
      '/energy_export_telemetry',
    ];
    for (const t of telemetry) {
      get(sys(s, t), undefined, 'documented');
      get(sys(s, t), { start_at: startAt }, 'documented');
      get(sys(s, t), { start_date: ymd(startAt, zone) }, 'documented');
      if (s !== encharge && s !== plain) continue; // every variant on two systems is enough
      for (const granularity of ['5mins', '15mins', 'day', 'week'])
        get(sys(s, t), { start_at: startAt, granularity }, 'documented');
      get(sys(s, t), { start_at: NOW_SEC - 3 * 365 * DAY }, 'documented');
    }
    get(sys(s, '/telemetry/production_micro'), undefined);
    get(sys(s, '/telemetry/production_micro'), { start_at: startAt + 7 * 60, granularity: 'day' });

    // device telemetry
    const micro = s.micros[0];
    if (micro) {
      get(sys(s, `/devices/micros/${micro.serial}/telemetry`), undefined);
      get(sys(s, `/devices/micros/${micro.serial}/telemetry`), { start_at: startAt, granularity: 'day' });
      get(
        sys(s, `/devices/micros/${micro.serial}/telemetry`),
        { start_at: startAt, granularity: 'week' },
        'documented',
      );
    }
    for (const b of s.batteries) {
      const kind = b.type === 'acb' ? 'acbs' : 'encharges';
      get(sys(s, `/devices/${kind}/${b.serial}/telemetry`), undefined);
      get(
        sys(s, `/devices/${kind}/${b.serial}/telemetry`),
        { start_at: startAt, granularity: 'week' },
        'documented',
      );
    }
    get(sys(s, '/devices/encharges/000000000000/telemetry'), undefined, 'documented');

    // configuration
    const hasEncharge = s.batteries.some((b) => b.type === 'encharge');
    for (const c of ['battery_settings', 'storm_guard', 'grid_status']) {
      get(`/api/v4/systems/config/${s.id}/${c}`, undefined, hasEncharge ? 200 : 'documented');
    }
    get(`/api/v4/systems/config/${s.id}/load_control`, undefined);

    // live data: one event of the stream
    cases.push({
      method: 'GET',
      path: sys(s, '/live_data'),
      headers: { duration: '30' },
      expect: 'documented',
    });
  }
  cases.push({ method: 'GET', path: sys(encharge, '/live_data'), expect: 200 });
  cases.push({
    method: 'GET',
    path: sys(encharge, '/live_data'),
    headers: { duration: '10' },
    expect: 'documented',
  });
  cases.push({
    method: 'GET',
    path: sys(encharge, '/live_data'),
    headers: { duration: 'abc' },
    expect: 'documented',
  });
  cases.push({ method: 'GET', path: '/api/v4/systems/99/live_data', expect: 'documented' });

  // EV charger
  const serial = ev.evChargerSerials[0]!;
  const zone = ev.place.timezone;
  get(sys(ev, '/ev_charger/devices'), undefined);
  get(sys(noEv, '/ev_charger/devices'), undefined);
  get(sys(ev, '/ev_charger/events'), undefined);
  get(sys(ev, '/ev_charger/events'), { offset: 3, limit: 5, serial_num: serial });
  get(sys(ev, '/ev_charger/events'), { limit: 0 }, 'documented');
  get(sys(ev, `/ev_charger/${serial}/sessions`), undefined);
  get(sys(ev, `/ev_charger/${serial}/sessions`), { offset: 10, limit: 3 });
  get(sys(ev, `/ev_charger/${serial}/schedules`), undefined);
  get(sys(ev, `/ev_charger/${serial}/lifetime`), { start_date: ymd(NOW_SEC - 10 * DAY, zone, 'yyyyMMdd') });
  get(sys(ev, `/ev_charger/${serial}/lifetime`), {
    start_date: ymd(NOW_SEC - 10 * DAY, zone, 'yyyyMMdd'),
    end_date: ymd(NOW_SEC - 4 * DAY, zone, 'yyyyMMdd'),
  });
  get(sys(ev, `/ev_charger/${serial}/lifetime`), { start_date: '2026-01-01' }, 'documented');
  get(sys(ev, `/ev_charger/${serial}/telemetry`), undefined);
  get(sys(ev, `/ev_charger/${serial}/telemetry`), {
    granularity: 'week',
    start_date: ymd(NOW_SEC - 9 * DAY, zone, 'yyyyMMdd'),
  });
  get(sys(ev, `/ev_charger/${serial}/telemetry`), { start_at: startAt });
  get(sys(ev, `/ev_charger/${serial}/telemetry`), { granularity: '5mins' }, 'documented');
  get(sys(noEv, `/ev_charger/000000000000/sessions`), undefined, 'documented');
  return cases;
}

// ------------------------------------------------------------------ the tests

describe('simulator contract (openapi/enphase-v4-openapi.yaml)', () => {
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    const cases = buildCases(sim.fleet.systems());
    // a few at a time: the server is real, the machine small
    for (let i = 0; i < cases.length; i += 8) {
      outcomes.push(...(await Promise.all(cases.slice(i, i + 8).map((c) => call(c)))));
    }
  });

  it('answers every case with a documented status and a body valid against the spec (strict)', () => {
    expect(outcomes.length).toBeGreaterThan(250);
    expect(outcomes.flatMap(violations)).toEqual([]);
  });

  it('exercises every GET endpoint of the spec (and POST /systems/search) with a 200', () => {
    const wanted = listOperations()
      .filter(
        (op) => op.method === 'GET' || (op.method === 'POST' && op.template === '/api/v4/systems/search'),
      )
      .map((op) => `${op.method} ${op.template}`);
    expect(wanted.length).toBeGreaterThanOrEqual(38);
    const ok = new Set(outcomes.filter((o) => o.status === 200).map((o) => `${o.c.method} ${o.template}`));
    expect(wanted.filter((w) => !ok.has(w))).toEqual([]);
  });

  it('answers 401 with the spec body on every endpoint when the bearer token is missing or invalid', async () => {
    const templates = new Map<string, Case>();
    for (const o of outcomes)
      if (o.template && o.status === 200) templates.set(`${o.c.method} ${o.template}`, o.c);
    const results = await Promise.all(
      [...templates.values()].flatMap((c) => [call(c, { token: null }), call(c, { token: 'not-a-token' })]),
    );
    const wrong = results.filter((r) => r.status !== 401).map((r) => `${describeCase(r.c)}: ${r.status}`);
    expect(wrong).toEqual([]);
    expect(results.flatMap((r) => violations({ ...r, c: { ...r.c, expect: 401 } }))).toEqual([]);
  });

  it('answers 401 with the spec body for an unknown API key', async () => {
    const c: Case = { method: 'GET', path: `/api/v4/systems/${sim.fleet.ids()[0]}/summary`, expect: 401 };
    const r = await call(c, { key: 'no-such-key' });
    expect(violations(r)).toEqual([]);
    expect(r.body).toMatchObject({ message: 'Not Authorized', code: 401 });
  });

  it('answers 422 with the spec body for bad parameters', () => {
    const unprocessable = outcomes.filter((o) => o.status === 422);
    expect(unprocessable.length).toBeGreaterThan(5);
    for (const o of unprocessable)
      expect(o.body).toMatchObject({ message: 'Unprocessable Entity', code: 422 });
  });
});

describe('simulator contract: 429 bodies', () => {
  // The spec lists `period`, `period_start`, `period_end` and `limit` in the 429 body of some
  // operations only (the config ones); elsewhere its 429 schema has message/details/code. The
  // simulator sends the full body everywhere (as Enphase does), so: strict validation where the
  // spec lists the fields, tolerant validation (extra fields allowed) elsewhere.
  it('per-minute and per-month limits answer 429 with period, period_start, period_end and limit', async () => {
    const limited = await startSimulator({
      systems: 2,
      seed: 7,
      now: () => NOW,
      limits: { watt: { perMinute: 2, perMonth: 1000 }, kilowatt: { perMinute: 100, perMonth: 3 } },
    });
    try {
      const token = limited.issueTokenPair().access_token;
      const id = limited.fleet.ids()[0]!;
      const hit = async (
        key: string,
        path: string,
      ): Promise<{ status: number; body: Record<string, unknown> }> => {
        const res = await fetch(limited.url + path, { headers: { key, authorization: `Bearer ${token}` } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const detail = `/api/v4/systems/${id}`;
      const config = `/api/v4/systems/config/${id}/battery_settings`;
      const minute = [
        await hit('sim-key-watt', detail),
        await hit('sim-key-watt', detail),
        await hit('sim-key-watt', config),
      ];
      expect(minute.map((r) => r.status)).toEqual([200, 200, 429]);
      const month = [];
      for (let i = 0; i < 4; i += 1) month.push(await hit('sim-key-kilowatt', detail));
      expect(month.map((r) => r.status)).toEqual([200, 200, 200, 429]);

      const configTemplate = '/api/v4/systems/config/{system_id}/battery_settings';
      expect(validateResponse('GET', configTemplate, 429, minute[2]!.body, STRICT)).toEqual({ ok: true });
      expect(validateResponse('GET', '/api/v4/systems/{system_id}', 429, month[3]!.body)).toEqual({
        ok: true,
      });
      for (const [r, period, limit] of [
        [minute[2]!, 'minute', 2],
        [month[3]!, 'month', 3],
      ] as const) {
        expect(r.body).toMatchObject({ message: 'Too Many Requests', code: 429, period, limit });
        expect(Number(r.body.period_end)).toBeGreaterThan(Number(r.body.period_start));
        expect(Number(r.body.period_end)).toBeGreaterThanOrEqual(NOW_SEC);
      }
    } finally {
      await limited.close();
    }
  });
});
