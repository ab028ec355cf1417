// energy_daily (a month, incl. Sydney over its DST end), the snapshots (system, latest, config),
// events and the EV charger, each against values computed from the simulator's model — not from
// the HTTP responses — with the requests made equal to the extractor's requestCount.
import type { DailyKind } from '../../src/simulator/model/daily.js';
import { lastReportAt } from '../../src/simulator/model/reporting.js';
import {
  batterySettings,
  gridState,
  loadControl,
  stormAlertActive,
  stormGuardEnabled,
} from '../../src/simulator/model/config.js';
import { dailyEnergies, intervalEnergies, sessionsBetween } from '../../src/simulator/model/ev-charging.js';
import { alarmId, eventStatus, eventsBetween, raisesAlarm } from '../../src/simulator/model/events.js';
import { livePowers } from '../../src/simulator/model/live-power.js';
import { EXTRACTORS } from '../../src/datasets/index.js';
import { minimumRequests } from '../../src/extractors/windows.js';
import type { DataPoint } from '../../src/normalize/point.js';
import {
  DAY,
  ID,
  addDays,
  allIntegers,
  byKey,
  extract,
  localDateOf,
  midnight,
  startExtractWorld,
  type ExtractWorld,
} from './support.js';

let w: ExtractWorld;
beforeAll(async () => {
  w = await startExtractWorld();
});
afterAll(() => w?.stop());

const seed = (): number => w.world.sim.fleet.seed;
const minute = (t: number): number => Math.floor(t / 60) * 60;

/** The energy_daily points the model gives for the local days first..last of system `id`. */
function dailyTruth(id: number, first: string, last: string): DataPoint[] {
  const profile = w.profile(id);
  const zone = profile.place.timezone;
  const fleet = w.world.sim.fleet;
  const meterStart = profile.productionMeter
    ? addDays(localDateOf(profile.productionMeter.startAt, zone), 1)
    : undefined;
  const out: DataPoint[] = [];
  const add = (date: string, kind: string, wh: number): void => {
    out.push({
      measurement: 'energy_daily',
      tags: { system_id: String(id), kind },
      fields: { energy_wh: wh },
      time: midnight(date, zone),
    });
  };
  const daily = (kind: DailyKind, date: string): number => fleet.daily(id, kind, date, w.clock.ms);
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const micro = daily('production_micro', date);
    add(date, 'production_micro', micro);
    if (meterStart !== undefined && date >= meterStart) {
      const meter = daily('production_meter', date);
      add(date, 'production_meter', meter);
      add(date, 'production', meter);
    } else add(date, 'production', micro);
    if (profile.consumptionMeter) {
      add(date, 'consumption', daily('consumption', date));
      add(date, 'import', daily('import', date));
      add(date, 'export', daily('export', date));
    }
    if (profile.batteries.length > 0) {
      add(date, 'battery_charge', daily('battery_charge', date));
      add(date, 'battery_discharge', daily('battery_discharge', date));
    }
  }
  return out;
}

describe('energy_daily', () => {
  it.each([
    ['Los Angeles (every endpoint)', ID.la, 5],
    ['Berlin (no consumption meter, no battery: energy_lifetime only)', ID.berlin, 1],
    ['Kolkata (+05:30, AC Batteries)', ID.kolkata, 5],
  ])('a month of %s equals the model day by day', async (_name, id, requests) => {
    const info = await w.info(id);
    const zone = info.timeZone;
    const today = localDateOf(w.now(), zone);
    const first = addDays(today, -30);
    const result = await extract(w, 'energy_daily', info, midnight(first, zone), midnight(today, zone));
    expect(byKey(result.points)).toEqual(byKey(dailyTruth(id, first, addDays(today, -1))));
    expect(allIntegers(result.points, ['energy_wh'])).toBe(true);
    expect(result.requests).toBe(requests);
    expect(result.requests).toBe(
      EXTRACTORS.energy_daily.requestCount(info, midnight(first, zone), midnight(today, zone), w.now()),
    );
    expect(result.windows).toHaveLength(1);
    expect(result.windows[0]!.loadedUntil).toBe(midnight(today, zone));
  });

  it('stamps Sydney days at local midnight across the DST end (a 25-hour day), never today', async () => {
    const info = await w.info(ID.sydney);
    const zone = 'Australia/Sydney';
    expect(info.timeZone).toBe(zone);
    // Asked up to the end of tomorrow: today and tomorrow are not final and are not written.
    const result = await extract(
      w,
      'energy_daily',
      info,
      midnight('2026-03-20', zone),
      midnight('2026-04-12', zone),
    );
    expect(byKey(result.points)).toEqual(byKey(dailyTruth(ID.sydney, '2026-03-20', '2026-04-09')));
    const stamps = [...new Set(result.points.map((p) => p.time))].sort((a, b) => a - b);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    // 2026-04-05 runs from 00:00 AEDT (+11) to 00:00 AEST (+10): 25 hours; every other day 24.
    expect(gaps.filter((g) => g === 25 * 3600)).toHaveLength(1);
    expect(stamps[stamps.indexOf(midnight('2026-04-05', zone)) + 1]! - midnight('2026-04-05', zone)).toBe(
      25 * 3600,
    );
    expect(gaps.every((g) => g === DAY || g === 25 * 3600)).toBe(true);
    expect(new Date(midnight('2026-04-06', zone) * 1000).toISOString()).toBe('2026-04-05T14:00:00.000Z');
    expect(result.requests).toBe(5);
  });
});

describe('snapshots', () => {
  it('system: the detail and the summary, stamped with the minute of the extract', async () => {
    const info = await w.info(ID.la);
    const profile = w.profile(ID.la);
    const result = await extract(w, 'system', info, w.now() - DAY, w.now());
    expect(result.requests).toBe(2);
    expect(EXTRACTORS.system.requestCount(info, 0, 0, w.now())).toBe(2);
    expect(result.routes).toEqual(['/api/v4/systems/{system_id}', '/api/v4/systems/{system_id}/summary']);
    expect(result.windows).toHaveLength(1);
    expect(result.windows[0]!.loadedUntil).toBe(w.now());
    expect(result.points.every((p) => p.measurement === 'system' && p.time === minute(w.now()))).toBe(true);
    expect(result.points.every((p) => p.tags.system_id === String(ID.la))).toBe(true);
    const fields = Object.assign({}, ...result.points.map((p) => p.fields)) as Record<string, unknown>;
    expect(fields).toMatchObject({
      name: profile.name,
      public_name: profile.publicName,
      timezone: profile.place.timezone,
      city: profile.place.city,
      country: profile.place.country,
      postal_code: profile.place.postalCode,
      operational_at: profile.operationalAt,
      attachment_type: profile.attachmentType,
      reference: profile.reference,
      modules: profile.micros.length,
      last_report_at: lastReportAt(profile, w.now()),
    });
  });

  it('latest: each meter and battery at its last report, with the model power', async () => {
    const info = await w.info(ID.la);
    const profile = w.profile(ID.la);
    const result = await extract(w, 'latest', info, 0, 0);
    expect(result.requests).toBe(1);
    const at = lastReportAt(profile, w.now());
    const p = livePowers(w.world.sim.fleet, profile, at);
    const capacity = profile.batteries.reduce((s, b) => s + b.capacityWh, 0);
    const want = [
      { kind: 'production', power_w: p.pvW },
      { kind: 'consumption', power_w: p.consumptionW! },
      ...profile.batteries.map((b) => {
        const power = Math.round((p.batteryW! * b.capacityWh) / capacity);
        return {
          kind: 'encharge',
          power_w: power,
          operational_mode: power > 0 ? 'Discharging' : power < 0 ? 'Charging' : 'Idle',
        };
      }),
    ];
    const got = result.points.map((pt) => ({ kind: pt.tags.kind, ...pt.fields }));
    expect(got.sort((a, b) => String(a.kind).localeCompare(String(b.kind)))).toEqual(
      want.sort((a, b) => a.kind.localeCompare(b.kind)),
    );
    expect(result.points.every((pt) => pt.time === at && /^\d+$/.test(pt.tags.device_id ?? ''))).toBe(true);
    expect(
      result.points.filter((pt) => pt.tags.kind !== 'encharge').every((pt) => pt.tags.channel === '1'),
    ).toBe(true);
  });

  it('config: battery settings, storm guard, grid status and load control of an IQ Battery system (4 requests)', async () => {
    const info = await w.info(ID.la);
    const profile = w.profile(ID.la);
    const result = await extract(w, 'config', info, 0, 0);
    expect(result.requests).toBe(4);
    expect(EXTRACTORS.config.requestCount(info, 0, 0, w.now())).toBe(4);
    const s = batterySettings(seed(), profile);
    const config = Object.assign(
      {},
      ...result.points.filter((p) => p.measurement === 'config').map((p) => p.fields),
    );
    expect(config).toEqual({
      battery_mode: s.mode,
      reserve_soc_pct: s.reserveSoc,
      energy_independence: s.energyIndependence ? 'enabled' : 'disabled',
      charge_from_grid: s.chargeFromGrid ? 'enabled' : 'disabled',
      battery_shutdown_level_pct: s.shutdownLevel,
      storm_guard_status: stormGuardEnabled(seed(), profile) ? 'enabled' : 'disabled',
      storm_alert: String(stormAlertActive(seed(), profile, w.now())),
      grid_state: gridState(seed(), profile, w.now()),
      grid_last_report_at: lastReportAt(profile, w.now()),
    });
    const loads = result.points.filter((p) => p.measurement === 'load_control');
    expect(loads.map((p) => ({ name: p.tags.name, ...p.fields }))).toEqual(
      loadControl(seed(), profile).map((l) => ({
        name: l.name,
        load_name: l.load_name,
        owner_can_override: l.owner_can_override,
        mode: l.mode,
        soc_low_pct: l.soc_low,
        soc_high_pct: l.soc_high,
        status: l.status,
        essential_start_s: l.essential_start_time,
        essential_end_s: l.essential_end_time,
      })),
    );
    expect(result.points.every((p) => p.time === minute(w.now()))).toBe(true);
  });

  it('config of a system without IQ Batteries asks load control only (1 request)', async () => {
    const info = await w.info(ID.berlin);
    const result = await extract(w, 'config', info, 0, 0);
    expect(result.routes).toEqual(['/api/v4/systems/config/{system_id}/load_control']);
    expect(EXTRACTORS.config.requestCount(info, 0, 0, w.now())).toBe(1);
  });
});

describe('events', () => {
  it('four weeks of events and alarms (open and cleared), labelled with their event types', async () => {
    const info = await w.info(ID.la);
    const profile = w.profile(ID.la);
    const now = w.now();
    const from = now - 28 * DAY;
    const result = await extract(w, 'events', info, from, now);
    expect(result.requests).toBe(13); // event_types + 4 weeks × (events + alarms ×2)
    expect(result.requests).toBe(EXTRACTORS.events.requestCount(info, from, now, now));
    const events = eventsBetween(seed(), profile, from, now, now).filter((e) => e.start < now);
    expect(events.length).toBeGreaterThan(0);
    const want: DataPoint[] = events.map((e) => {
      const status = eventStatus(e, now);
      return {
        measurement: 'events',
        tags: { system_id: String(ID.la), event_type_id: String(e.type.id), serial: e.serial },
        fields: {
          status,
          ...(status === 'Closed' ? { end_time: e.end! } : {}),
          event_type_key: e.type.key,
          event_name: e.type.name,
        },
        time: e.start,
      };
    });
    for (const e of events.filter((x) => raisesAlarm(x, now))) {
      const cleared = e.end !== null && e.end <= now;
      want.push({
        measurement: 'alarms',
        tags: { system_id: String(ID.la), alarm_id: alarmId(seed(), profile, e) },
        fields: {
          event_type_id: e.type.id,
          severity: e.type.severity,
          cleared,
          ...(cleared ? { end_time: e.end! } : {}),
          serials: e.serial,
          event_count: 1,
          event_type_key: e.type.key,
          event_name: e.type.name,
        },
        time: e.start,
      });
    }
    expect(want.some((p) => p.measurement === 'alarms')).toBe(true);
    expect(byKey(result.points)).toEqual(byKey(want));
  });

  it('plans one window per week: 1 + 3 requests per window', () => {
    const info = {
      id: 1,
      timeZone: 'UTC',
      operationalAt: 0,
      devices: { micros: [], encharges: [], acbs: [], evChargers: [] },
    };
    const now = w.now();
    expect(EXTRACTORS.events.requestCount(info, now - 30 * DAY, now, now)).toBe(
      1 + 3 * minimumRequests(now - 30 * DAY, now, 7 * DAY),
    );
    expect(EXTRACTORS.events.requestCount(info, now, now, now)).toBe(0);
  });
});

describe('ev_charger', () => {
  it('a week of 15-minute energy, the charger, its sessions and its daily energy', async () => {
    const info = await w.info(ID.la);
    const profile = w.profile(ID.la);
    const zone = info.timeZone;
    const [serial] = profile.evChargerSerials;
    expect(info.devices.evChargers).toEqual([serial]);
    const now = w.now();
    const to = Math.floor(now / 900) * 900;
    const from = to - 7 * DAY;
    const result = await extract(w, 'ev_charger', info, from, to);

    const tags = { system_id: String(ID.la), serial: serial! };
    const want: DataPoint[] = [];
    for (let t = from; t < to; t += 900) {
      const [iv] = intervalEnergies(seed(), profile, serial!, t, t + 900);
      want.push({ measurement: 'ev_charger_energy', tags, fields: { energy_wh: iv!.consumption }, time: t });
    }
    // Sessions that started up to 2 days before the range and have ended since are included.
    const sessions = sessionsBetween(seed(), profile, serial!, from - 2 * DAY, to).filter(
      (s) => s.end <= now && s.start < to,
    );
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      want.push({
        measurement: 'ev_charger_session',
        tags,
        fields: {
          end_time: s.end,
          duration_s: s.end - s.start,
          charge_time_s: s.chargeEnd - s.start,
          // The simulator sends energy_added in kWh with 2 decimals; the point has whole Wh.
          energy_added_wh: Math.round(s.energyWh / 10) * 10,
          miles_added: Math.round((s.energyWh / 1000) * 3.5 * 10) / 10,
          cost: Math.round((s.energyWh / 1000) * 0.25 * 100) / 100,
        },
        time: s.start,
      });
    }
    const firstDay = localDateOf(from, zone);
    const lastDay = addDays(localDateOf(now, zone), -1);
    const days = dailyEnergies(seed(), profile, serial!, midnight(firstDay, zone), midnight(lastDay, zone));
    days.forEach((wh, i) =>
      want.push({
        measurement: 'ev_charger_daily',
        tags,
        fields: { energy_wh: wh },
        time: midnight(addDays(firstDay, i), zone),
      }),
    );
    const got = result.points.filter((p) => p.measurement !== 'ev_charger');
    expect(byKey(got)).toEqual(byKey(want));
    expect(
      allIntegers(
        got.filter((p) => p.measurement !== 'ev_charger_session'),
        ['energy_wh'],
      ),
    ).toBe(true);

    const [device] = result.points.filter((p) => p.measurement === 'ev_charger');
    expect(device).toMatchObject({ tags, time: minute(now), fields: { active: true, status: 'normal' } });

    // 7 day windows + devices + 1 page of sessions + 1 lifetime request.
    expect(result.requests).toBe(10);
    expect(result.requests).toBe(EXTRACTORS.ev_charger.requestCount(info, from, to, now));
    expect(result.windows).toHaveLength(7);
    expect(result.windows.at(-1)!.loadedUntil).toBe(to);
    // The sessions and daily energy come with the last window: no window before it may move the
    // watermark past the range's start, or a run cut short would never fetch them for its days.
    expect(result.windows.slice(0, -1).map((x) => x.loadedUntil)).toEqual(Array(6).fill(from));
  });
});
