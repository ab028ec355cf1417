/* eslint-disable @typescript-eslint/no-explicit-any -- the tests inspect response bodies as untyped JSON, as a client would */
// Behaviour of the simulator's events, config, EV charger and live routes, over real HTTP with a
// controllable clock: determinism, the spec's parameter rules, and consistency between endpoints
// (alarms ↔ events, grid status ↔ outage events, EV lifetime ↔ EV telemetry ↔ sessions).
import { startSimulator, type RunningSimulator, type SystemProfile } from '../../src/simulator/index.js';
import { EVENT_TYPES, eventsBetween } from '../../src/simulator/model/events.js';

const DAY = 86_400;
const START = Date.UTC(2026, 5, 17, 13, 7, 42);

let clock = START;
let sim: RunningSimulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({
    systems: 30,
    seed: 11,
    now: () => clock,
    limits: { partner: { perMinute: 1_000_000, perMonth: null } },
    accessTokenTtlSec: 10 * 365 * DAY, // tests move the clock by days
  });
  token = sim.issueTokenPair().access_token;
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  clock = START;
});

const nowSec = (): number => Math.floor(clock / 1000);

async function get(
  path: string,
  query: Record<string, string | number | boolean> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const url = new URL(sim.url + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await fetch(url, { headers: { key: 'sim-key', authorization: `Bearer ${token}`, ...headers } });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

function systems(f: (s: SystemProfile) => boolean): SystemProfile[] {
  return sim.fleet.systems().filter(f);
}
const hasEncharge = (s: SystemProfile): boolean => s.batteries.some((b) => b.type === 'encharge');

describe('events and alarms', () => {
  it('are deterministic: two simulators with the same seed answer the same, another seed differs', async () => {
    const other = await startSimulator({ systems: 30, seed: 11, now: () => START });
    const third = await startSimulator({ systems: 30, seed: 12, now: () => START });
    try {
      const bodies = async (s: RunningSimulator): Promise<string> => {
        const t = s.issueTokenPair().access_token;
        const out: unknown[] = [];
        for (const id of s.fleet.ids().slice(0, 10)) {
          const url = `${s.url}/api/v4/systems/${id}/events?start_time=${nowSec() - 7 * DAY}&end_time=${nowSec()}`;
          const res = await fetch(url, { headers: { key: 'sim-key', authorization: `Bearer ${t}` } });
          out.push(await res.json());
        }
        return JSON.stringify(out);
      };
      const a = await bodies(sim);
      expect(await bodies(other)).toBe(a);
      expect(await bodies(third)).not.toBe(a);
    } finally {
      await other.close();
      await third.close();
    }
  });

  it('come a few per month per system, and only for devices the system has', () => {
    const now = nowSec();
    let total = 0;
    for (const s of sim.fleet.systems()) {
      const from = Math.max(now - 180 * DAY, s.operationalAt);
      const events = eventsBetween(sim.fleet.seed, s, from, now, now);
      total += (events.length / (now - from)) * 30 * DAY;
      for (const e of events) {
        if (e.type.device === 'battery') expect(hasEncharge(s)).toBe(true);
        if (e.type.device === 'ev') expect(s.evChargerSerials).toContain(e.serial);
        if (e.type.device === 'micro') expect(s.micros.map((m) => m.serial)).toContain(e.serial);
      }
    }
    const perMonth = total / sim.fleet.size;
    expect(perMonth).toBeGreaterThan(1.5);
    expect(perMonth).toBeLessThan(8);
  });

  it('have a status that matches their end time and type; the window bounds the start times', async () => {
    const statuses = new Set<string>();
    const stateful = new Map(EVENT_TYPES.map((t) => [t.id, t.stateful]));
    for (const s of sim.fleet.systems()) {
      for (const back of [7, 14, 21, 28]) {
        const from = nowSec() - back * DAY;
        const to = from + 7 * DAY;
        const { status, body } = await get(`/api/v4/systems/${s.id}/events`, {
          start_time: from,
          end_time: to,
        });
        expect(status).toBe(200);
        expect(body.system_id).toBe(s.id);
        for (const e of body.events) {
          statuses.add(e.status);
          expect(e.event_start_time).toBeGreaterThanOrEqual(from);
          expect(e.event_start_time).toBeLessThanOrEqual(Math.min(to, nowSec()));
          if (e.status === 'Closed') {
            expect(e.event_end_time).toBeGreaterThan(e.event_start_time);
            expect(e.event_end_time).toBeLessThanOrEqual(nowSec());
          } else {
            expect(e.event_end_time).toBeUndefined();
          }
          expect(e.status === 'Info').toBe(!stateful.get(e.event_type_id));
        }
      }
    }
    // with 30 systems over four weeks every status occurs
    expect([...statuses].sort()).toEqual(['Closed', 'Info', 'Open']);
  });

  it('apply the spec parameter rules: required start, default end of one day, 1-week and 9-month limits', async () => {
    const id = sim.fleet.ids()[0];
    const path = `/api/v4/systems/${id}/events`;
    expect(await get(path)).toEqual({
      status: 422,
      body: { message: 'Unprocessable Entity', details: 'start_time is required', code: 422 },
    });
    expect((await get(path, { start_time: 'yesterday' })).status).toBe(422);
    expect((await get(path, { start_time: nowSec() - 300 * DAY })).status).toBe(422);
    expect((await get(path, { start_time: nowSec() - 9 * DAY, end_time: nowSec() })).status).toBe(422);
    expect((await get(path, { start_time: nowSec() - DAY, end_time: nowSec() - 2 * DAY })).status).toBe(422);
    // default end_time = start + 1 day: a day-long window gives the same as the explicit one
    const start = nowSec() - 5 * DAY;
    const implicit = await get(path, { start_time: start });
    const explicit = await get(path, { start_time: start, end_time: start + DAY });
    expect(implicit).toEqual(explicit);
    expect((await get('/api/v4/systems/1/events', { start_time: start })).status).toBe(404);
  });

  it('an open event closes when the clock passes its end; its alarm clears with it', async () => {
    // an event of the last two months long enough to raise an alarm; stand the clock inside it
    const now = nowSec();
    let found:
      { system: SystemProfile; start: number; end: number; typeId: number; alarmAt: number } | undefined;
    for (const s of sim.fleet.systems()) {
      const e = eventsBetween(sim.fleet.seed, s, now - 60 * DAY, now, now).find(
        (x) =>
          x.end !== null && x.type.alarmAfterSec !== null && x.end - x.start > x.type.alarmAfterSec + 600,
      );
      if (e) {
        found = {
          system: s,
          start: e.start,
          end: e.end!,
          typeId: e.type.id,
          alarmAt: e.start + e.type.alarmAfterSec!,
        };
        break;
      }
    }
    expect(found).toBeDefined();
    const { system, start, end, typeId, alarmAt } = found!;
    clock = (alarmAt + 300) * 1000;
    const window = { start_time: start - 60, end_time: start + 60 };
    const before = await get(`/api/v4/systems/${system.id}/events`, window);
    expect(before.body.events).toContainEqual(
      expect.objectContaining({ event_type_id: typeId, status: 'Open' }),
    );
    const active = await get(`/api/v4/systems/${system.id}/alarms`, window);
    const alarm = active.body.alarms.find((a: any) => a.event_type_id === typeId);
    expect(alarm).toMatchObject({ cleared: false, alarm_end_time: null, alarm_start_time: start });

    clock = (end + 60) * 1000;
    const after = await get(`/api/v4/systems/${system.id}/events`, window);
    expect(after.body.events).toContainEqual(
      expect.objectContaining({ event_type_id: typeId, status: 'Closed', event_end_time: end }),
    );
    const stillActive = await get(`/api/v4/systems/${system.id}/alarms`, window);
    expect(stillActive.body.alarms.find((a: any) => a.id === alarm.id)).toBeUndefined();
    const cleared = await get(`/api/v4/systems/${system.id}/alarms`, { ...window, cleared: true });
    expect(cleared.body.alarms.find((a: any) => a.id === alarm.id)).toMatchObject({
      cleared: true,
      alarm_end_time: end,
      events: [{ start_date: start, end_date: end }],
    });
  });

  it('every alarm belongs to a stateful event of the same system, type and start', async () => {
    let alarms = 0;
    for (const s of sim.fleet.systems()) {
      const window = { start_time: nowSec() - 7 * DAY, end_time: nowSec() };
      const events = (await get(`/api/v4/systems/${s.id}/events`, window)).body.events;
      for (const cleared of [true, false]) {
        for (const a of (await get(`/api/v4/systems/${s.id}/alarms`, { ...window, cleared })).body.alarms) {
          alarms += 1;
          expect(a.cleared).toBe(cleared);
          expect(events).toContainEqual(
            expect.objectContaining({ event_type_id: a.event_type_id, event_start_time: a.alarm_start_time }),
          );
        }
      }
    }
    expect(alarms).toBeGreaterThan(0);
  });

  it('event_types lists every type, filters by id, and answers 404 for an unknown id', async () => {
    const all = await get('/api/v4/systems/event_types');
    expect(all.body.event_types.map((t: any) => t.event_type_id)).toEqual(EVENT_TYPES.map((t) => t.id));
    const one = await get('/api/v4/systems/event_types', { event_type_id: 28 });
    expect(one.body.event_types).toEqual([expect.objectContaining({ event_type_key: 'envoy_no_report' })]);
    expect(await get('/api/v4/systems/event_types', { event_type_id: 12345 })).toEqual({
      status: 404,
      body: { message: 'Not Found', details: 'Event type not found for {:id=>"12345"}', code: 404 },
    });
  });
});

describe('config GETs', () => {
  it('battery systems have settings; systems without an IQ Battery answer the spec 422', async () => {
    for (const s of sim.fleet.systems()) {
      for (const c of ['battery_settings', 'storm_guard', 'grid_status']) {
        const r = await get(`/api/v4/systems/config/${s.id}/${c}`);
        if (hasEncharge(s)) {
          expect(r.status).toBe(200);
          expect(r.body.system_id).toBe(s.id);
        } else {
          expect(r).toEqual({
            status: 422,
            body: { message: 'Unprocessable Entity', details: "System doesn't have encharges", code: 422 },
          });
        }
      }
      const lc = await get(`/api/v4/systems/config/${s.id}/load_control`);
      expect(lc.status).toBe(200);
      if (!hasEncharge(s)) expect(lc.body.load_control_data).toEqual([]);
    }
  });

  it('battery settings are plausible and stable; Full Backup keeps a 100 % reserve', async () => {
    const modes = new Set<string>();
    for (const s of systems(hasEncharge)) {
      const a = (await get(`/api/v4/systems/config/${s.id}/battery_settings`)).body;
      clock += 3 * DAY * 1000;
      expect((await get(`/api/v4/systems/config/${s.id}/battery_settings`)).body).toEqual(a);
      modes.add(a.battery_mode);
      expect(a.reserve_soc).toBeGreaterThanOrEqual(10);
      expect(a.reserve_soc).toBeLessThanOrEqual(100);
      if (a.battery_mode === 'Full Backup') expect(a.reserve_soc).toBe(100);
      expect(['enabled', 'disabled']).toContain(a.charge_from_grid);
    }
    expect(modes.size).toBeGreaterThan(1);
  });

  it('grid status is Off Grid exactly while a grid outage event is open', async () => {
    for (const s of systems(hasEncharge)) {
      const now = nowSec();
      const outage = eventsBetween(sim.fleet.seed, s, now - 5 * DAY, now, now).some(
        (e) => e.type.key === 'grid_outage' && e.end !== null && e.end > now,
      );
      const r = await get(`/api/v4/systems/config/${s.id}/grid_status`);
      expect(r.body.grid_state).toBe(outage ? 'Off Grid' : 'On Grid');
      expect(r.body.last_report_date).toBeLessThanOrEqual(now);
      expect(r.body.last_report_date).toBeGreaterThan(now - 6 * 3600 - 1);
    }
  });
});

describe('EV charger', () => {
  const evSystem = (): { system: SystemProfile; serial: string } => {
    const system = systems((s) => s.evChargerSerials.length > 0)[0]!;
    return { system, serial: system.evChargerSerials[0]! };
  };

  it('lists chargers; a system without one has none; unknown ids answer 400 with the spec body', async () => {
    const { system, serial } = evSystem();
    const devices = (await get(`/api/v4/systems/${system.id}/ev_charger/devices`)).body;
    expect(devices).toMatchObject({ total_devices: 1, system_id: system.id });
    expect(devices.devices.ev_chargers[0]).toMatchObject({
      serial_number: serial,
      id: `${serial}:${system.id}`,
    });
    const plain = systems((s) => s.evChargerSerials.length === 0)[0]!;
    expect((await get(`/api/v4/systems/${plain.id}/ev_charger/devices`)).body.total_devices).toBe(0);
    expect(await get(`/api/v4/systems/1/ev_charger/devices`)).toEqual({
      status: 400,
      body: { message: 'Bad request', code: '400', details: 'Invalid system_id' },
    });
    expect(await get(`/api/v4/systems/${system.id}/ev_charger/123/sessions`)).toEqual({
      status: 400,
      body: { message: 'Bad request', code: '400', details: ['Invalid system_id or serial_no'] },
    });
    expect((await get(`/api/v4/systems/${system.id}/ev_charger/events`, { limit: 0 })).status).toBe(400);
  });

  it('daily lifetime values are the sums of that day’s 15-minute telemetry', async () => {
    const { system, serial } = evSystem();
    const zone = system.place.timezone;
    const day = (back: number): string =>
      new Date((nowSec() - back * DAY) * 1000)
        .toLocaleDateString('en-CA', { timeZone: zone })
        .replaceAll('-', '');
    const lifetime = await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/lifetime`, {
      start_date: day(8),
      end_date: day(2),
    });
    expect(lifetime.status).toBe(200);
    expect(lifetime.body.consumption).toHaveLength(7);
    const sums: number[] = [];
    for (let back = 8; back >= 2; back -= 1) {
      const t = await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/telemetry`, {
        start_date: day(back),
      });
      expect(t.body.start_date).toBe(
        `${day(back).slice(0, 4)}-${day(back).slice(4, 6)}-${day(back).slice(6)}`,
      );
      sums.push(t.body.consumption.reduce((a: number, i: any) => a + i.consumption, 0));
    }
    expect(lifetime.body.consumption).toEqual(sums);
    const today = await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/lifetime`, {
      start_date: day(0),
      end_date: day(0),
    });
    expect(today).toMatchObject({ status: 200, body: { consumption: [] } });
    const reversed = { start_date: day(2), end_date: day(8) };
    expect((await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/lifetime`, reversed)).status).toBe(
      400,
    );
    // a car charges on about half the days: a week is neither all zero nor all charging
    expect(sums.some((s) => s === 0) || sums.every((s) => s > 0)).toBe(true);
    expect(sums.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('sessions carry the energy the telemetry shows while they charge', async () => {
    const { system, serial } = evSystem();
    const sessions = (await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/sessions`, { limit: 5 }))
      .body;
    expect(sessions.sessions).toHaveLength(5);
    expect(sessions.count).toBeGreaterThan(5);
    for (const s of sessions.sessions) {
      expect(s.end_time).toBeLessThanOrEqual(nowSec());
      expect(s.duration).toBe(s.end_time - s.start_time);
      expect(s.charge_time).toBeLessThanOrEqual(s.duration);
      const from = Math.floor(s.start_time / 900) * 900;
      const t = await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/telemetry`, { start_at: from });
      const wh = t.body.consumption
        .filter((i: any) => i.end_at <= Math.ceil((s.start_time + s.charge_time) / 900) * 900)
        .reduce((a: number, i: any) => a + i.consumption, 0);
      expect(Math.abs(wh - s.energy_added * 1000)).toBeLessThanOrEqual(10 + 0.01 * wh);
    }
  });

  it('pages sessions and events with offset/limit consistently', async () => {
    const { system, serial } = evSystem();
    for (const path of [`/ev_charger/${serial}/sessions`, '/ev_charger/events']) {
      const key = path.endsWith('sessions') ? 'sessions' : 'events';
      const all = (await get(`/api/v4/systems/${system.id}${path}`, { offset: 0, limit: 10 })).body;
      const a = (await get(`/api/v4/systems/${system.id}${path}`, { offset: 0, limit: 4 })).body;
      const b = (await get(`/api/v4/systems/${system.id}${path}`, { offset: 4, limit: 6 })).body;
      expect([...a[key], ...b[key]]).toEqual(all[key]);
      expect(a.count).toBe(all.count);
    }
  });

  it('telemetry: start_at rounds down to 15 minutes, end_at = min(now, start + 1 day), only past intervals', async () => {
    const { system, serial } = evSystem();
    const startAt = nowSec() - 10 * 3600 + 123;
    const t = (
      await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/telemetry`, { start_at: startAt })
    ).body;
    expect(t.start_at).toBe(Math.floor(startAt / 900) * 900);
    expect(t.end_at).toBe(Math.floor(nowSec() / 900) * 900);
    expect(t.consumption).toHaveLength((t.end_at - t.start_at) / 900);
    const week = (
      await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/telemetry`, {
        start_at: nowSec() - 20 * DAY,
        granularity: 'week',
      })
    ).body;
    expect(week.consumption).toHaveLength(672);
    expect(
      (await get(`/api/v4/systems/${system.id}/ev_charger/${serial}/telemetry`, { granularity: '5mins' }))
        .status,
    ).toBe(400);
  });
});

describe('live status', () => {
  async function firstEvents(path: string, n: number, headers: Record<string, string> = {}): Promise<any[]> {
    const res = await fetch(sim.url + path, {
      headers: { key: 'sim-key', authorization: `Bearer ${token}`, ...headers },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n\n').length <= n) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    return text
      .split('\n\n')
      .slice(0, n)
      .map((chunk) => JSON.parse(chunk.replace(/^data: /, '')));
  }

  it('streams events whose powers balance: grid = consumption − PV − battery', async () => {
    const s = systems((x) => hasEncharge(x) && x.consumptionMeter !== null && x.productionMeter !== null)[0]!;
    clock = Date.UTC(2026, 5, 17, 19, 0, 0); // evening in Europe, midday in the Americas
    const [first, second] = await firstEvents(`/api/v4/systems/${s.id}/live_data`, 2);
    for (const e of [first, second]) {
      expect(e.type).toBe('response');
      const d = e.data;
      expect(d.system_id).toBe(s.id);
      expect(d.grid_power).toBe(d.consumption_power - d.pv_power - d.battery_power);
      expect(d.battery_soc).toBeGreaterThanOrEqual(0);
      expect(d.battery_soc).toBeLessThanOrEqual(100);
      expect(d.pv_power).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers the spec codes 461/462/463/468/472 with its error body', async () => {
    const s = systems((x) => hasEncharge(x) && x.consumptionMeter !== null && x.productionMeter !== null)[0]!;
    const path = `/api/v4/systems/${s.id}/live_data`;
    expect((await get(path, {}, { duration: '10' })).body.error).toMatchObject({
      code: 461,
      status: 'INVALID_DURATION',
    });
    expect((await get(path, {}, { duration: '1000' })).status).toBe(462);
    expect((await get(path, {}, { duration: 'soon' })).status).toBe(463);
    const unknown = await get('/api/v4/systems/1/live_data');
    expect(unknown.status).toBe(468);
    expect(unknown.body).toMatchObject({ type: 'validation_error', error: { status: 'INVALID_SYSTEM_ID' } });
    const noMeter = systems((x) => x.productionMeter === null)[0]!;
    expect((await get(`/api/v4/systems/${noMeter.id}/live_data`)).status).toBe(472);
  });

  it('latest_telemetry: meters report on channel 1 (2 and 3 null), batteries share the battery power', async () => {
    for (const s of sim.fleet.systems().slice(0, 8)) {
      const r = await get(`/api/v4/systems/${s.id}/latest_telemetry`);
      expect(r.status).toBe(200);
      const meters: any[] = r.body.devices.meters ?? [];
      expect(
        meters
          .filter((m) => m.channel === 1)
          .map((m) => m.name)
          .sort(),
      ).toEqual(
        [s.productionMeter ? ['production'] : [], s.consumptionMeter ? ['consumption'] : []].flat().sort(),
      );
      for (const m of meters) {
        if (m.channel === 1) expect(m.last_report_at).toBeLessThanOrEqual(nowSec());
        else expect(m).toMatchObject({ last_report_at: null, power: null });
      }
      const batteries = [...(r.body.devices.encharges ?? []), ...(r.body.devices.acbs ?? [])];
      expect(batteries).toHaveLength(s.batteries.length);
      for (const b of batteries) {
        expect(b.operational_mode).toBe(b.power > 0 ? 'Discharging' : b.power < 0 ? 'Charging' : 'Idle');
      }
    }
  });
});
