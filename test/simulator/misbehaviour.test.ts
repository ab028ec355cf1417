// Per-system misbehaviour knobs (docs/simulator.md "Per-system misbehaviour"): each knob does
// what it says over HTTP, every body meant to be spec-valid passes the strict OpenAPI validation,
// knob-free systems answer byte for byte what a simulator without knobs answers, knobs combine
// with the random faults, and the request log tells which answers were made up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/commands/errors.js';
import { readMisbehaviourFile } from '../../src/commands/simulator.js';
import { validateResponse } from '../../src/enphase/response-validator.js';
import {
  DEVICES_ROUTE,
  HOSTILE_NAME,
  HOSTILE_STRINGS,
  IMPLAUSIBLE,
  MICRO_TELEMETRY_ROUTE,
  parseMisbehaviour,
  startSimulator,
  variantOf,
  type MisbehaviourOptions,
  type SystemProfile,
} from '../../src/simulator/index.js';
import { manualClock, startApi, type Api } from './helpers.js';

const NOW = Date.UTC(2026, 5, 20, 19, 7, 42);
const STRICT = { unknownProperties: 'reject', nullsInItems: 'reject' } as const;
const YESTERDAY_SEC = Math.floor(NOW / 1000) - 86_400;

const HOSTILE = 100001; // LA: everything, one Encharge, an EV charger
const IMPLAUSIBLE_ID = 100002; // Sydney: meters and two Encharges
const FOREIGN = 100003; // Berlin, cellular; also a time zone that is not an IANA name
const REFUSING = 100004; // Kolkata, ACB
const MALFORMED = 100005; // Phoenix, bare; also no time zone at all
const HEALTHY = [100006, 100007, 100008];

const RGM = '/api/v4/systems/{system_id}/rgm_stats';
const ENERGY_LIFETIME = '/api/v4/systems/{system_id}/energy_lifetime';

const KNOBS: MisbehaviourOptions = {
  [HOSTILE]: { hostileNames: true },
  [IMPLAUSIBLE_ID]: { implausible: true },
  [FOREIGN]: { timezone: 'qui', foreignIdentity: true },
  [REFUSING]: { unauthorized: [MICRO_TELEMETRY_ROUTE], notImplemented: [RGM, ENERGY_LIFETIME] },
  [MALFORMED]: { malformed: [DEVICES_ROUTE], timezone: null },
};

const clock = manualClock(NOW);
let bad: Api;
let plain: Api;

beforeAll(async () => {
  [bad, plain] = await Promise.all([
    startApi({ systems: 8, seed: 7, now: clock.now, misbehaviour: KNOBS }),
    startApi({ systems: 8, seed: 7, now: clock.now }),
  ]);
});
afterAll(async () => Promise.all([bad?.sim.close(), plain?.sim.close()]));
afterEach(() => {
  bad.sim.setFaults({});
  bad.sim.setMisbehaviour(KNOBS);
});

/** GET on the knob simulator; the body must follow the spec strictly for that route and status. */
async function getValid(path: string, template: string): Promise<{ status: number; body: unknown }> {
  const res = await bad.get(path);
  expect(validateResponse('GET', template, res.status, res.body, STRICT)).toEqual({ ok: true });
  return res;
}

/** Whether the knob simulator's answer to `path` is JSON. */
async function parses(path: string): Promise<boolean> {
  const text = (await bad.get(path)).text;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => v as Obj;
const list = (v: unknown): Obj[] => v as Obj[];

/** Every per-system GET the simulator answers (live_data, a stream, left out). */
function systemPaths(s: SystemProfile): string[] {
  const base = `/api/v4/systems/${s.id}`;
  const cfg = `/api/v4/systems/config/${s.id}`;
  const week = `start_at=${YESTERDAY_SEC - 6 * 86_400}&granularity=week`;
  const paths = [
    base,
    `${base}/summary`,
    `${base}/devices`,
    `${base}/telemetry/production_micro`,
    `${base}/telemetry/production_micro?start_at=${YESTERDAY_SEC}`,
    `${base}/telemetry/production_meter?${week}`,
    `${base}/telemetry/consumption_meter?${week}`,
    `${base}/telemetry/battery?${week}`,
    `${base}/energy_import_telemetry?start_at=${YESTERDAY_SEC}`,
    `${base}/energy_export_telemetry?start_at=${YESTERDAY_SEC}`,
    `${base}/rgm_stats?start_at=${YESTERDAY_SEC}`,
    `${base}/production_meter_readings`,
    `${base}/energy_lifetime?production=all&start_date=2026-05-01`,
    `${base}/consumption_lifetime?start_date=2026-05-01`,
    `${base}/battery_lifetime?start_date=2026-05-01`,
    `${base}/energy_import_lifetime?start_date=2026-05-01`,
    `${base}/energy_export_lifetime?start_date=2026-05-01`,
    `${base}/events?start_time=${YESTERDAY_SEC - 30 * 86_400}`,
    `${base}/alarms`,
    `${base}/latest_telemetry`,
    `${base}/ev_charger/devices`,
    `${base}/ev_charger/events`,
    `${cfg}/battery_settings`,
    `${cfg}/storm_guard`,
    `${cfg}/grid_status`,
    `${cfg}/load_control`,
    `/api/v4/systems/inverters_summary_by_envoy_or_site?site_id=${s.id}`,
    `${base}/devices/micros/${s.micros[0]!.serial}/telemetry?start_at=${YESTERDAY_SEC}`,
  ];
  for (const b of s.batteries) paths.push(`${base}/devices/${b.type}s/${b.serial}/telemetry?${week}`);
  for (const serial of s.evChargerSerials) {
    for (const what of ['sessions', 'schedules', 'lifetime', 'telemetry'])
      paths.push(`${base}/ev_charger/${serial}/${what}`);
  }
  return paths;
}

async function sameAnswers(paths: string[]): Promise<void> {
  for (const path of paths) {
    const [a, b] = await Promise.all([bad.get(path), plain.get(path)]);
    expect({ path, status: a.status, text: a.text }).toEqual({ path, status: b.status, text: b.text });
  }
}

describe('knob-free systems', () => {
  test('answer byte for byte what a simulator without knobs answers, on every route', async () => {
    for (const id of HEALTHY) await sameAnswers(systemPaths(bad.sim.fleet.system(id)!));
  });

  test('a system answers unchanged on the routes its knobs do not touch', async () => {
    const refusing = bad.sim.fleet.system(REFUSING)!;
    const touched = ['/rgm_stats', '/energy_lifetime', '/devices/micros/'];
    await sameAnswers(systemPaths(refusing).filter((p) => !touched.some((t) => p.includes(t))));
    await sameAnswers([`/api/v4/systems/${MALFORMED}/summary`, `/api/v4/systems/${FOREIGN}/devices`]);
  });

  test('their entries of the systems list and of search are unchanged', async () => {
    const entries = async (api: Api): Promise<Obj[]> => [
      ...list(obj((await api.get('/api/v4/systems?size=100')).body).systems),
      ...list(obj((await api.post('/api/v4/systems/search', { system: {} })).body).systems),
    ];
    const [withKnobs, without] = await Promise.all([entries(bad), entries(plain)]);
    const healthy = (l: Obj[]): Obj[] => l.filter((e) => HEALTHY.includes(e.system_id as number));
    expect(healthy(withKnobs)).toHaveLength(6);
    expect(healthy(withKnobs)).toEqual(healthy(without));
  });
});

describe('time zone', () => {
  test("'qui' in the systems list, search and system detail; the model keeps its real zone", async () => {
    const listBody = (await getValid('/api/v4/systems?size=100', '/api/v4/systems')).body;
    const search = await bad.post('/api/v4/systems/search', { system: { ids: [FOREIGN] } });
    expect(validateResponse('POST', '/api/v4/systems/search', 200, search.body, STRICT)).toEqual({
      ok: true,
    });
    const detail = (await getValid(`/api/v4/systems/${FOREIGN}`, '/api/v4/systems/{system_id}')).body;
    const inList = list(obj(listBody).systems).find((e) => e.system_id === FOREIGN)!;
    expect(inList.timezone).toBe('qui');
    expect(list(obj(search.body).systems)[0]!.timezone).toBe('qui');
    expect(obj(detail).timezone).toBe('qui');
    expect(bad.sim.fleet.system(FOREIGN)!.place.timezone).toBe('Europe/Berlin');
    // windows are still computed in the real zone: local midnight in Berlin
    const micro = obj((await bad.get(`/api/v4/systems/${FOREIGN}/telemetry/production_micro`)).body);
    expect(micro.start_at).toBe(Date.UTC(2026, 5, 19, 22) / 1000);
  });

  test('null leaves the field out of the list, search and detail', async () => {
    const listBody = (await getValid('/api/v4/systems?size=100', '/api/v4/systems')).body;
    const search = await bad.post('/api/v4/systems/search', { system: { ids: [MALFORMED] } });
    const detail = (await getValid(`/api/v4/systems/${MALFORMED}`, '/api/v4/systems/{system_id}')).body;
    for (const entry of [
      list(obj(listBody).systems).find((e) => e.system_id === MALFORMED)!,
      list(obj(search.body).systems)[0]!,
      obj(detail),
    ]) {
      expect(entry.system_id).toBe(MALFORMED);
      expect('timezone' in entry).toBe(false);
    }
  });
});

describe('refusals', () => {
  const microPath = (id: number): string =>
    `/api/v4/systems/${id}/devices/micros/${bad.sim.fleet.system(id)!.micros[0]!.serial}/telemetry`;

  test('401 on micro telemetry for that system only, with the spec body, after a refresh too', async () => {
    const first = await getValid(microPath(REFUSING), MICRO_TELEMETRY_ROUTE);
    expect(first).toMatchObject({
      status: 401,
      body: { message: 'Not Authorized', details: 'Not authorized to access requested resource', code: 401 },
    });
    // a refreshed token does not help: it is a plan restriction, not an expired token
    const pair = bad.sim.issueTokenPair();
    const refreshed = await fetch(
      `${bad.sim.url}/oauth/token?grant_type=refresh_token&refresh_token=${pair.refresh_token}`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}` },
      },
    );
    const fresh = ((await refreshed.json()) as { access_token: string }).access_token;
    const again = await bad.get(microPath(REFUSING), { token: fresh });
    expect(again.status).toBe(401);
    // other systems, and this system's other device routes, answer
    expect((await bad.get(microPath(HEALTHY[0]!))).status).toBe(200);
    const acb = bad.sim.fleet.system(REFUSING)!.batteries[0]!;
    expect((await bad.get(`/api/v4/systems/${REFUSING}/devices/acbs/${acb.serial}/telemetry`)).status).toBe(
      200,
    );
  });

  test('501 with the spec body on the chosen routes of that system only', async () => {
    for (const [path, template] of [
      [`/api/v4/systems/${REFUSING}/rgm_stats`, RGM],
      [`/api/v4/systems/${REFUSING}/energy_lifetime`, ENERGY_LIFETIME],
    ] as const) {
      const res = await getValid(path, template);
      expect(res).toMatchObject({ status: 501, body: { reason: '501', message: ['Not Implemented'] } });
    }
    expect((await bad.get(`/api/v4/systems/${REFUSING}/energy_import_lifetime`)).status).toBe(200);
    expect((await bad.get(`/api/v4/systems/${HEALTHY[0]}/rgm_stats`)).status).toBe(200);
  });

  test('every request to a refused route gets the refusal, even with random faults on', async () => {
    bad.sim.setFaults({ errorRate: 1, burst429: { every: 2, length: 1 } });
    for (let i = 0; i < 6; i += 1) {
      expect((await bad.get(`/api/v4/systems/${REFUSING}/rgm_stats`)).status).toBe(501);
      expect((await bad.get(microPath(REFUSING))).status).toBe(401);
    }
    // the faults still hit the routes that are not refused
    const other = new Set<number>();
    for (let i = 0; i < 4; i += 1) other.add((await bad.get(`/api/v4/systems/${REFUSING}/summary`)).status);
    expect([...other].every((s) => [429, 500, 502, 503].includes(s))).toBe(true);
  });
});

describe('implausible values', () => {
  const base = `/api/v4/systems/${IMPLAUSIBLE_ID}`;

  test('intervals: low every third interval, high the next, the rest the truth; spec-valid', async () => {
    const path = `${base}/telemetry/production_micro?start_at=${YESTERDAY_SEC}`;
    const template = '/api/v4/systems/{system_id}/telemetry/production_micro';
    const got = list(obj((await getValid(path, template)).body).intervals);
    const truth = list(obj((await plain.get(path)).body).intervals);
    expect(got).toHaveLength(truth.length);
    const seen = new Set<string>();
    got.forEach((interval, i) => {
      const variant = variantOf((interval.end_at as number) / 300);
      seen.add(String(variant));
      if (variant === 'low')
        expect(interval).toEqual({
          end_at: truth[i]!.end_at,
          enwh: IMPLAUSIBLE.lowEnergyWh,
          powr: IMPLAUSIBLE.lowPowerW,
          devices_reporting: IMPLAUSIBLE.count,
        });
      else if (variant === 'high')
        expect(interval).toEqual({
          ...truth[i],
          enwh: IMPLAUSIBLE.highEnergyWh,
          powr: IMPLAUSIBLE.highPowerW,
        });
      else expect(interval).toEqual(truth[i]);
    });
    expect(seen).toEqual(new Set(['low', 'high', 'null']));
  });

  test('an interval answers the same whatever window covers it', async () => {
    const day = list(
      obj((await bad.get(`${base}/telemetry/production_meter?start_at=${YESTERDAY_SEC}`)).body).intervals,
    );
    const target = day[5]!;
    const single = list(
      obj(
        (
          await bad.get(
            `${base}/telemetry/production_meter?start_at=${(target.end_at as number) - 900}&granularity=15mins`,
          )
        ).body,
      ).intervals,
    );
    expect(single).toEqual([target]);
  });

  test('battery telemetry, devices, grid, rgm, lifetimes, latest and battery settings: spec-valid and out of bounds', async () => {
    const week = `start_at=${YESTERDAY_SEC - 6 * 86_400}&granularity=week`;
    const s = bad.sim.fleet.system(IMPLAUSIBLE_ID)!;
    const cases: [string, string][] = [
      [`${base}/telemetry/battery?${week}`, '/api/v4/systems/{system_id}/telemetry/battery'],
      [
        `${base}/telemetry/consumption_meter?${week}`,
        '/api/v4/systems/{system_id}/telemetry/consumption_meter',
      ],
      [
        `${base}/energy_import_telemetry?start_at=${YESTERDAY_SEC}`,
        '/api/v4/systems/{system_id}/energy_import_telemetry',
      ],
      [
        `${base}/energy_export_telemetry?start_at=${YESTERDAY_SEC}`,
        '/api/v4/systems/{system_id}/energy_export_telemetry',
      ],
      [`${base}/rgm_stats?start_at=${YESTERDAY_SEC}`, RGM],
      [
        `${base}/devices/micros/${s.micros[0]!.serial}/telemetry?start_at=${YESTERDAY_SEC}`,
        MICRO_TELEMETRY_ROUTE,
      ],
      [
        `${base}/devices/encharges/${s.batteries[0]!.serial}/telemetry?${week}`,
        '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry',
      ],
      [`${base}/energy_lifetime?production=all&start_date=2026-05-01`, ENERGY_LIFETIME],
      [`${base}/battery_lifetime?start_date=2026-05-01`, '/api/v4/systems/{system_id}/battery_lifetime'],
      [`${base}/latest_telemetry`, '/api/v4/systems/{system_id}/latest_telemetry'],
      [
        `/api/v4/systems/config/${IMPLAUSIBLE_ID}/battery_settings`,
        '/api/v4/systems/config/{system_id}/battery_settings',
      ],
    ];
    const bodies = new Map<string, string>();
    for (const [path, template] of cases) {
      const res = await getValid(path, template);
      expect(res.status).toBe(200);
      bodies.set(template, JSON.stringify(res.body));
    }
    const has = (template: string, fragment: string): void =>
      expect(bodies.get(template)).toContain(fragment);
    has(
      '/api/v4/systems/{system_id}/telemetry/battery',
      `"soc":{"percent":${IMPLAUSIBLE.percent},"devices_reporting":-3}`,
    );
    has('/api/v4/systems/{system_id}/telemetry/battery', `"charge":{"enwh":${IMPLAUSIBLE.highEnergyWh}`);
    has('/api/v4/systems/{system_id}/telemetry/consumption_meter', `"devices_reporting":-3,"enwh":-4242`);
    has('/api/v4/systems/{system_id}/energy_import_telemetry', `"wh_imported":-4242`);
    has(RGM, `"wh_del":-4242,"curr_w":${IMPLAUSIBLE.lowPowerW}`);
    has(MICRO_TELEMETRY_ROUTE, `"powr":${IMPLAUSIBLE.highPowerW},"enwh":${IMPLAUSIBLE.highEnergyWh}`);
    has(
      '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry',
      `"soc":{"percent":${IMPLAUSIBLE.percent}}`,
    );
    // 2026-05-01 is epoch day 20574 (n % 3 = 0): the first day of every series is low, the next high
    expect(variantOf(Date.UTC(2026, 4, 1) / 86_400_000)).toBe('low');
    const lifetime = JSON.parse(bodies.get(ENERGY_LIFETIME)!) as Record<string, number[]>;
    for (const key of ['production', 'micro_production', 'meter_production'])
      expect(lifetime[key]!.slice(0, 2)).toEqual([IMPLAUSIBLE.lowEnergyWh, IMPLAUSIBLE.highEnergyWh]);

    const latest = JSON.parse(bodies.get('/api/v4/systems/{system_id}/latest_telemetry')!) as {
      devices: Record<string, Obj[]>;
    };
    const reporting = Object.values(latest.devices)
      .flat()
      .filter((d) => d.last_report_at !== null);
    expect(reporting.length).toBeGreaterThanOrEqual(4);
    reporting.forEach((d, k) => {
      expect(d.last_report_at).toBe(IMPLAUSIBLE.reportedAtSec[k % 2]);
      expect(d.power).toBe(IMPLAUSIBLE.lowPowerW);
    });
    const years = IMPLAUSIBLE.reportedAtSec.map((t) => new Date(t * 1000).toISOString().slice(0, 10));
    expect(years).toEqual(['1967-04-07', '1972-09-27']);
    expect(JSON.parse(bodies.get('/api/v4/systems/config/{system_id}/battery_settings')!)).toMatchObject({
      reserve_soc: 47_430_891,
      battery_shutdown_level: 47_430_891,
    });
  });
});

describe('foreign identity', () => {
  test('the summary names the next system; device telemetry the next micro', async () => {
    const summary = await getValid(
      `/api/v4/systems/${FOREIGN}/summary`,
      '/api/v4/systems/{system_id}/summary',
    );
    expect(obj(summary.body).system_id).toBe(FOREIGN + 1);
    const micros = bad.sim.fleet.system(FOREIGN)!.micros;
    const tele = await getValid(
      `/api/v4/systems/${FOREIGN}/devices/micros/${micros[2]!.serial}/telemetry?start_at=${YESTERDAY_SEC}`,
      MICRO_TELEMETRY_ROUTE,
    );
    expect(obj(tele.body)).toMatchObject({ system_id: FOREIGN + 1, serial_number: micros[3]!.serial });
    // routes not chosen keep the requested id
    expect(obj((await bad.get(`/api/v4/systems/${FOREIGN}/telemetry/production_micro`)).body).system_id).toBe(
      FOREIGN,
    );
  });

  test('a route list chooses the routes; the last system names the one before it', async () => {
    const last = 100008;
    bad.sim.setSystemMisbehaviour(last, { foreignIdentity: ['/api/v4/systems/{system_id}/rgm_stats'] });
    expect(obj((await bad.get(`/api/v4/systems/${last}/rgm_stats`)).body).system_id).toBe(last - 1);
    expect(obj((await bad.get(`/api/v4/systems/${last}/summary`)).body).system_id).toBe(last);
  });
});

describe('malformed device list', () => {
  const path = `/api/v4/systems/${MALFORMED}/devices`;

  test('answers 200 with a body no parser accepts until switched off at run time', async () => {
    const broken = await bad.get(path);
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.text) as unknown).toThrow();
    expect(bad.sim.requestLog.entries().at(-1)).toMatchObject({
      systemId: MALFORMED,
      injected: 'knob:malformed',
    });
    bad.sim.setSystemMisbehaviour(MALFORMED, { timezone: null });
    const healed = await bad.get(path);
    expect(healed.text).toBe((await plain.get(path)).text);
  });

  test('POST /__sim/misbehaviour replaces the knobs; GET shows them; a bad knob is a 400', async () => {
    const admin = (method: string, body?: unknown) =>
      fetch(`${bad.sim.url}/__sim/misbehaviour`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const bogus = await admin('POST', {
      [MALFORMED]: { malformed: ['/api/v4/systems/{system_id}/devicez'] },
    });
    expect(bogus.status).toBe(400);
    expect(((await bogus.json()) as { error: string }).error).toContain('unknown route template');
    expect(await parses(path)).toBe(false); // unchanged
    const ok = await admin('POST', { [REFUSING]: { notImplemented: [RGM] } });
    expect(ok.status).toBe(200);
    expect(await (await admin('GET')).json()).toEqual({ [REFUSING]: { notImplemented: [RGM] } });
    expect((await bad.get(path)).text).toBe((await plain.get(path)).text);
    const put = await fetch(`${bad.sim.url}/__sim/misbehaviour/${MALFORMED}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ malformed: [DEVICES_ROUTE] }),
    });
    expect(put.status).toBe(200);
    expect(await parses(path)).toBe(false);
    await fetch(`${bad.sim.url}/__sim/misbehaviour/${MALFORMED}`, { method: 'DELETE' });
    expect((await bad.get(path)).text).toBe((await plain.get(path)).text);
  });
});

describe('hostile names', () => {
  test('the list covers every hostile class; HOSTILE_NAME holds them all and ends in a backslash', () => {
    const classes: [string, { test(s: string): boolean }][] = [
      ['comma', /,/],
      ['space', / /],
      ['equals', /=/],
      ['double quote', /"/],
      ['single quote', /'/],
      ['newline', /\n/],
      ['tab', /\t/],
      ['trailing backslash', /\\$/],
      ['control U+0001', { test: (s: string) => s.includes('\u0001') }],
      ['control U+007F', { test: (s: string) => s.includes('\u007f') }],
      ['emoji', /\p{Extended_Pictographic}/u],
      ['combining accent', /\p{M}/u],
      ['right-to-left', /\p{Script=Hebrew}/u],
    ];
    for (const [name, re] of classes) {
      expect({ name, inName: re.test(HOSTILE_NAME) }).toEqual({ name, inName: true });
      expect({ name, alone: HOSTILE_STRINGS.slice(1).some((s) => re.test(s)) }).toEqual({
        name,
        alone: true,
      });
    }
    expect(new Set(HOSTILE_STRINGS).size).toBe(HOSTILE_STRINGS.length);
  });

  test('system names and addresses, relays, meters and EV chargers; every body spec-valid', async () => {
    const listBody = (await getValid('/api/v4/systems?size=100', '/api/v4/systems')).body;
    const detail = obj((await getValid(`/api/v4/systems/${HOSTILE}`, '/api/v4/systems/{system_id}')).body);
    for (const entry of [list(obj(listBody).systems).find((e) => e.system_id === HOSTILE)!, detail]) {
      expect(entry).toMatchObject({
        name: HOSTILE_NAME,
        public_name: HOSTILE_NAME,
        reference: HOSTILE_NAME,
        other_references: [HOSTILE_NAME],
        address: {
          city: HOSTILE_NAME,
          state: HOSTILE_NAME,
          postal_code: HOSTILE_NAME,
          country: HOSTILE_NAME,
        },
        timezone: 'US/Pacific',
      });
    }
    const relays = list(
      obj(
        (
          await getValid(
            `/api/v4/systems/config/${HOSTILE}/load_control`,
            '/api/v4/systems/config/{system_id}/load_control',
          )
        ).body,
      ).load_control_data,
    );
    expect(relays.map((r) => r.name)).toEqual(HOSTILE_STRINGS);
    expect(relays.every((r) => r.load_name === HOSTILE_NAME && r.mode !== undefined)).toBe(true);

    const latest = obj(
      (
        await getValid(
          `/api/v4/systems/${HOSTILE}/latest_telemetry`,
          '/api/v4/systems/{system_id}/latest_telemetry',
        )
      ).body,
    );
    const meterNames = new Set(list(obj(latest.devices).meters).map((m) => m.name));
    expect(meterNames).toEqual(new Set([`production ${HOSTILE_NAME}`, `consumption ${HOSTILE_NAME}`]));

    const devices = obj((await getValid(`/api/v4/systems/${HOSTILE}/devices`, DEVICES_ROUTE)).body)
      .devices as Record<string, Obj[]>;
    expect(
      Object.values(devices)
        .flat()
        .every((d) => (d.name as string).endsWith(` ${HOSTILE_NAME}`)),
    ).toBe(true);

    const chargers = await bad.get(`/api/v4/systems/${HOSTILE}/ev_charger/devices`);
    expect(list(obj(obj(chargers.body).devices).ev_chargers)[0]!.name).toBe(HOSTILE_NAME);
    const events = await bad.get(`/api/v4/systems/${HOSTILE}/ev_charger/events`);
    const details = list(obj(events.body).events).map((e) => e.details);
    expect(details.length).toBeGreaterThan(0);
    expect(details.every((d) => d === HOSTILE_NAME)).toBe(true);
  });
});

describe('faults and knobs together; the request log', () => {
  test('body knobs and random drift combine; malformed wins over drift', async () => {
    bad.sim.setFaults({ driftRate: 1 });
    const drifted = obj((await bad.get(`/api/v4/systems/${HOSTILE}`)).body);
    expect(drifted.sim_drift_field).toBe('unexpected');
    expect(Object.values(drifted)).toContain(HOSTILE_NAME);
    const devices = await bad.get(`/api/v4/systems/${MALFORMED}/devices`);
    expect(() => JSON.parse(devices.text) as unknown).toThrow();
    expect(bad.sim.requestLog.entries().at(-1)!.injected).toBe('knob:malformed');
    await bad.get(`/api/v4/systems/${HEALTHY[0]}/summary`);
    expect(bad.sim.requestLog.entries().at(-1)!.injected).toBe('fault:drift');
  });

  test('tally per system and route, repeats per URL, and who made each answer up', async () => {
    bad.sim.requestLog.clear();
    await bad.get(`/api/v4/systems/${REFUSING}/rgm_stats`);
    await bad.get(`/api/v4/systems/${REFUSING}/rgm_stats`);
    await bad.get(`/api/v4/systems/${REFUSING}/rgm_stats?start_at=${YESTERDAY_SEC}`);
    await bad.get(`/api/v4/systems/${HEALTHY[0]}/rgm_stats`);
    bad.sim.setFaults({ errorRate: 1 });
    await bad.get(`/api/v4/systems/${HEALTHY[0]}/summary`);
    const log = bad.sim.requestLog;
    expect(log.tally({ route: RGM })).toEqual([
      { systemId: REFUSING, route: RGM, statuses: { 501: 3 }, total: 3 },
      { systemId: HEALTHY[0], route: RGM, statuses: { 200: 1 }, total: 1 },
    ]);
    expect(log.repeats()).toEqual([
      { method: 'GET', url: `/api/v4/systems/${REFUSING}/rgm_stats`, statuses: [501, 501] },
    ]);
    expect(log.count({ injected: 'knob:notImplemented' })).toBe(3);
    expect(log.entries().at(-1)!.injected).toBe('fault:error');
    expect(
      log
        .entries()
        .filter((e) => e.status === 200)
        .every((e) => e.injected === undefined),
    ).toBe(true);
    const served = await fetch(`${bad.sim.url}/__sim/requests/tally?system_id=${REFUSING}`);
    expect(await served.json()).toEqual([{ systemId: REFUSING, route: RGM, statuses: { 501: 3 }, total: 3 }]);
    const repeats = await fetch(`${bad.sim.url}/__sim/requests/repeats?injected=knob:notImplemented`);
    expect(((await repeats.json()) as unknown[]).length).toBe(1);
  });
});

describe('configuration', () => {
  test('parseMisbehaviour names the bad part', () => {
    const routes = new Set([MICRO_TELEMETRY_ROUTE]);
    expect(() => parseMisbehaviour([])).toThrow('an object of system id');
    expect(() => parseMisbehaviour({ abc: {} })).toThrow('"abc" is not a system id');
    expect(() => parseMisbehaviour({ 1: { gremlins: true } })).toThrow('unknown knob "gremlins"');
    expect(() => parseMisbehaviour({ 1: { timezone: 3 } })).toThrow('1.timezone: a string or null');
    expect(() => parseMisbehaviour({ 1: { implausible: 'yes' } })).toThrow('1.implausible: true or false');
    expect(() => parseMisbehaviour({ 1: { notImplemented: '/x' } })).toThrow('a list of route templates');
    expect(() => parseMisbehaviour({ 1: { unauthorized: ['/api/v4/x'] } }, routes)).toThrow(
      'unknown route template "/api/v4/x"',
    );
    expect(parseMisbehaviour({ '7': { unauthorized: [MICRO_TELEMETRY_ROUTE] } }, routes)).toEqual(
      new Map([[7, { unauthorized: [MICRO_TELEMETRY_ROUTE] }]]),
    );
  });

  test('startSimulator refuses a knob naming a route it does not serve', async () => {
    await expect(
      startSimulator({ misbehaviour: { 100001: { notImplemented: ['/api/v4/systems/{system_id}/nope'] } } }),
    ).rejects.toThrow('misbehaviour 100001.notImplemented: unknown route template');
  });

  test('`enphase-etl simulator --misbehaviour <file>` reads the knobs; a bad file is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-knobs-'));
    try {
      const file = (name: string, text: string): string => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      const good = file('good.json', JSON.stringify({ 100004: { notImplemented: [RGM], timezone: 'qui' } }));
      expect(readMisbehaviourFile(good)).toEqual({ 100004: { notImplemented: [RGM], timezone: 'qui' } });
      const knob = file('knob.json', '{"100004": {"gremlins": true}}');
      expect(() => readMisbehaviourFile(knob)).toThrow(UsageError);
      expect(() => readMisbehaviourFile(knob)).toThrow('--misbehaviour: misbehaviour 100004: unknown knob');
      expect(() => readMisbehaviourFile(file('broken.json', '{'))).toThrow(
        /--misbehaviour: cannot read .*broken\.json/,
      );
      expect(() => readMisbehaviourFile(join(dir, 'missing.json'))).toThrow(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
