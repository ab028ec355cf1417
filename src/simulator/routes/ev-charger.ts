// The EV charger GETs: devices, events, sessions, schedules, daily lifetime and 15-minute
// telemetry (GET /api/v4/systems/{system_id}/ev_charger/...). Start/stop charging are out of scope.
//
// The charging model is a pure function of (seed, system, charger, local day): on about half of
// the days the car is plugged in in the evening (local time), charges 4–30 kWh at the charger's
// power, and stays plugged in for a while after. Every figure the endpoints give comes from that
// one schedule, so daily lifetime values are the sums of the day's 15-minute telemetry, sessions
// carry the same energy, and events mark the same start and stop times.
//
// The spec declares their 200 body as application/octet-stream (holding JSON): a request whose
// Accept header does not allow it gets 406 (content-negotiation.ts).
//
// These operations document 400/401/403/500 only (no 404, no 422): an unknown system, charger or
// bad parameter answers 400 with the spec's ErrorResponse(DetailArray) body, `code` a string.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type {
  SchemaChargeSessionDetail,
  SchemaChargeSessionDetailsResponse,
  SchemaChargerSummaryResponse,
  SchemaEventDetail,
  SchemaEvEventsResponse,
  SchemaEvIntervalEnergyResponse,
  SchemaSchedulesBodyResponse,
} from '../../enphase/api-types.js';
import { declaredMediaType } from '../content-negotiation.js';
import type { SimContext } from '../context.js';
import { evErrorBody, sendError } from '../error-bodies.js';
import { intParam, stringParam } from '../context.js';
import { stringCode, unit } from '../model/hash.js';
import type { SystemProfile } from '../model/profile.js';
import { addDays, localDate, localMidnight, startOfLocalDay } from '../model/local-time.js';

const EV_SALT = stringCode('ev-charger');
const DAY = 86_400;
const INTERVAL = 900;
const PLUG_IN_PROBABILITY = 0.5;
/** Miles a typical EV drives per kWh (for `miles_added`), and the tariff per kWh (for `cost`). */
const MILES_PER_KWH = 3.5;
const PRICE_PER_KWH = 0.25;

export interface ChargingSession {
  serial: string;
  /** Plug-in, epoch s. Charging starts at once. */
  start: number;
  /** End of charging, epoch s. */
  chargeEnd: number;
  /** Unplug, epoch s (≥ chargeEnd). */
  end: number;
  powerW: number;
  energyWh: number;
}

/** Charger power by system: a 16 A, 32 A or 40 A circuit at 240 V. */
export function chargerPowerW(seed: number, system: SystemProfile, serial: string): number {
  const options = [3_840, 7_680, 9_600];
  return options[Math.floor(unit(seed, EV_SALT, system.id, stringCode(serial), 1) * options.length)] ?? 7_680;
}

const installedCache = new Map<string, number>();

/** The day (epoch s of local midnight) the charger was installed: after the system, never before. */
export function chargerInstalledAt(seed: number, system: SystemProfile, serial: string): number {
  const key = `${seed}:${system.id}:${serial}`;
  let at = installedCache.get(key);
  if (at === undefined) {
    const days = Math.floor(unit(seed, EV_SALT, system.id, stringCode(serial), 2) * 120);
    at = startOfLocalDay(system.operationalAt + days * DAY, system.place.timezone);
    if (installedCache.size > 10_000) installedCache.clear();
    installedCache.set(key, at);
  }
  return at;
}

interface LocalDay {
  iso: string;
  midnight: number;
  next: number;
}

/** The local days (YYYY-MM-DD, midnight, next midnight) from the day of `from` to the day of `to`. */
function localDays(system: SystemProfile, from: number, to: number): LocalDay[] {
  const zone = system.place.timezone;
  const out: LocalDay[] = [];
  let iso = localDate(from, zone);
  let midnight = localMidnight(iso, zone);
  while (midnight <= to) {
    const nextIso = addDays(iso, 1);
    const next = localMidnight(nextIso, zone);
    out.push({ iso, midnight, next });
    iso = nextIso;
    midnight = next;
  }
  return out;
}

/** The session of one local day, if the car is plugged in that day. */
function sessionOnDay(
  seed: number,
  system: SystemProfile,
  serial: string,
  day: LocalDay,
): ChargingSession | undefined {
  if (day.midnight < chargerInstalledAt(seed, system, serial)) return undefined;
  const dayNumber =
    Date.UTC(Number(day.iso.slice(0, 4)), Number(day.iso.slice(5, 7)) - 1, Number(day.iso.slice(8, 10))) /
    86_400_000;
  const u = (k: number): number => unit(seed, EV_SALT, system.id, stringCode(serial), 10 + k, dayNumber);
  if (u(0) >= PLUG_IN_PROBABILITY) return undefined;
  const powerW = chargerPowerW(seed, system, serial);
  const energyWh = Math.round(4_000 + 26_000 * u(1) * u(2)); // mostly short top-ups
  const start = day.midnight + 17 * 3600 + Math.floor(u(3) * 5 * 3600); // 17:00–22:00 local
  const chargeEnd = start + Math.round((energyWh / powerW) * 3600);
  const end = chargeEnd + Math.round(1800 + u(4) * 9 * 3600);
  return { serial, start, chargeEnd, end, powerW, energyWh };
}

/** Sessions that plugged in during [from, to] (epoch s), oldest first. */
export function sessionsBetween(
  seed: number,
  system: SystemProfile,
  serial: string,
  from: number,
  to: number,
): ChargingSession[] {
  return localDays(system, from, to)
    .map((d) => sessionOnDay(seed, system, serial, d))
    .filter((s): s is ChargingSession => s !== undefined && s.start >= from && s.start <= to);
}

/** Energy (Wh, unrounded) the given sessions delivered in [a, b) epoch s. */
function energyIn(sessions: readonly ChargingSession[], a: number, b: number): number {
  let wh = 0;
  for (const s of sessions) {
    const overlap = Math.min(b, s.chargeEnd) - Math.max(a, s.start);
    if (overlap > 0) wh += (s.powerW * overlap) / 3600;
  }
  return wh;
}

/** Sessions that may deliver energy in [a, b): charging lasts less than a day, so look 2 days back. */
function sessionsTouching(
  seed: number,
  system: SystemProfile,
  serial: string,
  a: number,
  b: number,
): ChargingSession[] {
  return sessionsBetween(seed, system, serial, a - 2 * DAY, b).filter((s) => s.chargeEnd > a);
}

/** The charger's power (W) at `tSec`: for the household load and live data. */
export function evPowerAt(seed: number, system: SystemProfile, serial: string, tSec: number): number {
  const s = sessionsTouching(seed, system, serial, tSec, tSec + 1).find(
    (x) => x.start <= tSec && tSec < x.chargeEnd,
  );
  return s ? s.powerW : 0;
}

/** 15-minute interval energies (Wh, integers) for intervals ending in (start, end]. */
export function intervalEnergies(
  seed: number,
  system: SystemProfile,
  serial: string,
  start: number,
  end: number,
): { end_at: number; consumption: number }[] {
  const sessions = sessionsTouching(seed, system, serial, start, end);
  const out: { end_at: number; consumption: number }[] = [];
  for (let t = start + INTERVAL; t <= end; t += INTERVAL) {
    out.push({ end_at: t, consumption: Math.round(energyIn(sessions, t - INTERVAL, t)) });
  }
  return out;
}

/**
 * Daily energies (Wh) for the local days from the day of `first` to the day of `last`: each the
 * sum of that day's rounded interval values, so a client summing telemetry gets exactly the
 * lifetime figure.
 */
export function dailyEnergies(
  seed: number,
  system: SystemProfile,
  serial: string,
  first: number,
  last: number,
): number[] {
  const days = localDays(system, first, last);
  const sessions = sessionsTouching(seed, system, serial, first, days.at(-1)?.next ?? first);
  return days.map((d) => {
    let sum = 0;
    for (let t = d.midnight + INTERVAL; t <= d.next; t += INTERVAL)
      sum += Math.round(energyIn(sessions, t - INTERVAL, t));
    return sum;
  });
}

// ------------------------------------------------------------------ request helpers

function badRequest(reply: FastifyReply, details: string | string[]): FastifyReply {
  return sendError(reply, 400, evErrorBody(400, details));
}

function evSystem(ctx: SimContext, request: FastifyRequest): SystemProfile | undefined {
  const raw = (request.params as Record<string, string | undefined>).system_id ?? '';
  return /^\d+$/.test(raw) ? ctx.fleet.system(Number(raw)) : undefined;
}

function evCharger(
  ctx: SimContext,
  request: FastifyRequest,
): { system: SystemProfile; serial: string } | undefined {
  const system = evSystem(ctx, request);
  const serial = (request.params as Record<string, string | undefined>).serial_no ?? '';
  return system && system.evChargerSerials.includes(serial) ? { system, serial } : undefined;
}

/** offset/limit paging (defaults 0 and 20); undefined when invalid. */
function paging(query: unknown): { offset: number; limit: number } | undefined {
  const offset = intParam(query, 'offset') ?? 0;
  const limit = intParam(query, 'limit') ?? 20;
  if (Number.isNaN(offset) || Number.isNaN(limit) || offset < 0 || limit < 1 || limit > 100) return undefined;
  return { offset, limit };
}

/** A YYYYMMDD date as local midnight (epoch s) in the system's zone; undefined when invalid. */
function parseDate(system: SystemProfile, text: string): number | undefined {
  if (!/^\d{8}$/.test(text)) return undefined;
  const d = DateTime.fromFormat(text, 'yyyyMMdd', { zone: system.place.timezone });
  return d.isValid ? d.startOf('day').toSeconds() : undefined;
}

function isoDate(system: SystemProfile, tSec: number): string {
  return DateTime.fromSeconds(tSec, { zone: system.place.timezone }).toFormat('yyyy-MM-dd');
}

function yesterdayMidnight(system: SystemProfile, nowSec: number): number {
  return DateTime.fromSeconds(nowSec, { zone: system.place.timezone })
    .startOf('day')
    .minus({ days: 1 })
    .toSeconds();
}

const historyCache = new Map<string, { day: string; sessions: ChargingSession[] }>();

/** Every session of the charger up to the end of today (local), oldest first; cached per day. */
function sessionHistory(
  seed: number,
  system: SystemProfile,
  serial: string,
  nowSec: number,
): ChargingSession[] {
  const key = `${seed}:${system.id}:${serial}`;
  const day = localDate(nowSec, system.place.timezone);
  const cached = historyCache.get(key);
  if (cached && cached.day === day) return cached.sessions;
  const sessions = sessionsBetween(
    seed,
    system,
    serial,
    chargerInstalledAt(seed, system, serial),
    nowSec + DAY,
  );
  if (historyCache.size >= 256) historyCache.delete(historyCache.keys().next().value!);
  historyCache.set(key, { day, sessions });
  return sessions;
}

/** Every completed session of the charger at `now`, newest first. */
function completedSessions(ctx: SimContext, system: SystemProfile, serial: string): ChargingSession[] {
  const now = ctx.nowSec();
  return sessionHistory(ctx.fleet.seed, system, serial, now)
    .filter((s) => s.end <= now)
    .reverse();
}

// ------------------------------------------------------------------ routes

export function registerEvChargerRoutes(app: FastifyInstance, ctx: SimContext): void {
  const seed = (): number => ctx.fleet.seed;

  app.get(
    '/api/v4/systems/:system_id/ev_charger/devices',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/devices'),
    async (request, reply) => {
      const system = evSystem(ctx, request);
      if (!system) return badRequest(reply, 'Invalid system_id');
      const chargers = system.evChargerSerials.map((serial) => ({
        id: `${serial}:${system.id}`,
        sku: 'IQ-EVSE-NA-1040-0110-0100',
        status: 'normal',
        serial_number: serial,
        name: 'IQ EV Charger',
        model: 'IQ-EVSE-40R',
        part_number: '800-00555 0303',
        firmware: 'v0.04.22',
        active: true,
      }));
      const body: SchemaChargerSummaryResponse = {
        items: 'devices',
        total_devices: chargers.length,
        system_id: system.id,
        devices: { ev_chargers: chargers },
      };
      return body;
    },
  );

  app.get(
    '/api/v4/systems/:system_id/ev_charger/events',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/events'),
    async (request, reply) => {
      const system = evSystem(ctx, request);
      if (!system) return badRequest(reply, ['Invalid system_id']);
      const page = paging(request.query);
      if (!page) return badRequest(reply, ['Invalid offset/limit']);
      const serialFilter = stringParam(request.query, 'serial_num');
      if (serialFilter !== undefined && !system.evChargerSerials.includes(serialFilter)) {
        return badRequest(reply, ['Invalid serial_num']);
      }
      const now = ctx.nowSec();
      const serials = serialFilter !== undefined ? [serialFilter] : system.evChargerSerials;
      const all: SchemaEventDetail[] = serials
        .flatMap((serial) =>
          completedSessions(ctx, system, serial).flatMap((s) => [
            // newest first: the stop of a session comes before its start
            {
              status: 'Info' as const,
              triggered_date: s.chargeEnd,
              cleared_date: s.chargeEnd,
              details: `Charging stopped on IQ EV Charger (SNo. ${serial}).`,
            },
            {
              status: 'Info' as const,
              triggered_date: s.start,
              cleared_date: s.start,
              details: `Charging started on IQ EV Charger (SNo. ${serial}).`,
            },
          ]),
        )
        .filter((e) => (e.triggered_date ?? 0) <= now)
        .sort((a, b) => (b.triggered_date ?? 0) - (a.triggered_date ?? 0));
      const body: SchemaEvEventsResponse = {
        count: all.length,
        events: all.slice(page.offset, page.offset + page.limit),
        system_id: system.id,
      };
      return body;
    },
  );

  app.get(
    '/api/v4/systems/:system_id/ev_charger/:serial_no/sessions',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/{serial_no}/sessions'),
    async (request, reply) => {
      const found = evCharger(ctx, request);
      if (!found) return badRequest(reply, ['Invalid system_id or serial_no']);
      const page = paging(request.query);
      if (!page) return badRequest(reply, ['Invalid offset/limit']);
      const sessions = completedSessions(ctx, found.system, found.serial);
      const body: SchemaChargeSessionDetailsResponse = {
        count: sessions.length,
        system_id: found.system.id,
        sessions: sessions
          .slice(page.offset, page.offset + page.limit)
          .map((s): SchemaChargeSessionDetail => ({
            start_time: s.start,
            end_time: s.end,
            duration: s.end - s.start,
            energy_added: Math.round(s.energyWh / 10) / 100, // kWh, 2 decimals
            charge_time: s.chargeEnd - s.start,
            miles_added: Math.round((s.energyWh / 1000) * MILES_PER_KWH * 10) / 10,
            cost: Math.round((s.energyWh / 1000) * PRICE_PER_KWH * 100) / 100,
          })),
      };
      return body;
    },
  );

  app.get(
    '/api/v4/systems/:system_id/ev_charger/:serial_no/schedules',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/{serial_no}/schedules'),
    async (request, reply) => {
      const found = evCharger(ctx, request);
      if (!found) return badRequest(reply, 'Invalid system_id or serial_no');
      const u = (k: number): number =>
        unit(seed(), EV_SALT, found.system.id, stringCode(found.serial), 50 + k);
      const offPeakStart = 22 + Math.floor(u(1) * 3); // 22:00–00:00
      const hour = (h: number): string => `${h % 24}:00`;
      const body: SchemaSchedulesBodyResponse = {
        system_id: found.system.id,
        charger_schedules: [
          {
            schedules: [
              {
                days: [1, 2, 3, 4, 5],
                start_time: hour(offPeakStart),
                end_time: hour(offPeakStart + 7),
                charging_level: 100,
              },
              { days: [6, 7], start_time: hour(10), end_time: hour(15), charging_level: 80 },
            ],
            type: 'Custom',
            is_active: u(2) < 0.5,
            reminder_flag: u(3) < 0.5,
            reminder_timer: 10,
          },
        ],
      };
      return body;
    },
  );

  app.get(
    '/api/v4/systems/:system_id/ev_charger/:serial_no/lifetime',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/{serial_no}/lifetime'),
    async (request, reply) => {
      const found = evCharger(ctx, request);
      if (!found) return badRequest(reply, ['Invalid system_id or serial_no']);
      const { system, serial } = found;
      const now = ctx.nowSec();
      const yesterday = yesterdayMidnight(system, now);
      const startText = stringParam(request.query, 'start_date');
      const endText = stringParam(request.query, 'end_date');
      const first = startText === undefined ? yesterday : parseDate(system, startText);
      const last = endText === undefined ? yesterday : parseDate(system, endText);
      if (first === undefined || last === undefined || last < first) {
        return badRequest(reply, ['Invalid start_date/end_date']);
      }
      // the last day reported is yesterday (local): today is not complete, so a range starting
      // today answers an empty series (not an error: a client re-fetching recent days asks that)
      const body = {
        system_id: system.id,
        start_date: isoDate(system, first),
        consumption: dailyEnergies(seed(), system, serial, first, Math.min(last, yesterday)),
      };
      return body;
    },
  );

  app.get(
    '/api/v4/systems/:system_id/ev_charger/:serial_no/telemetry',
    declaredMediaType('/api/v4/systems/{system_id}/ev_charger/{serial_no}/telemetry'),
    async (request, reply) => {
      const found = evCharger(ctx, request);
      if (!found) return badRequest(reply, ['Invalid system_id or serial_no']);
      const { system, serial } = found;
      const granularity = stringParam(request.query, 'granularity') ?? 'day';
      if (granularity !== 'day' && granularity !== 'week') return badRequest(reply, ['Invalid granularity']);
      const now = ctx.nowSec();
      const startDateText = stringParam(request.query, 'start_date');
      const startAt = intParam(request.query, 'start_at');
      let start: number;
      if (startAt !== undefined) {
        if (Number.isNaN(startAt) || startAt > now) return badRequest(reply, ['Invalid start_at']);
        start = Math.floor(startAt / INTERVAL) * INTERVAL; // rounded down to the 15-minute mark
      } else if (startDateText !== undefined) {
        const d = parseDate(system, startDateText);
        if (d === undefined || d > now) return badRequest(reply, ['Invalid start_date']);
        start = d;
      } else {
        start = yesterdayMidnight(system, now);
      }
      const span = granularity === 'week' ? 7 * DAY : DAY;
      const end = Math.min(start + span, Math.floor(now / INTERVAL) * INTERVAL);
      const intervals = intervalEnergies(seed(), system, serial, start, end);
      const body: SchemaEvIntervalEnergyResponse = {
        granularity,
        consumption: intervals,
        system_id: system.id,
        // "If start_date parameter is passed in the url, then start_date field will appear"
        ...(startAt === undefined && startDateText !== undefined
          ? { start_date: isoDate(system, start), end_date: isoDate(system, end) }
          : { start_at: start, end_at: end }),
      };
      return body;
    },
  );
}
