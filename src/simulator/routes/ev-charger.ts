// The EV charger GETs: devices, events, sessions, schedules, daily lifetime and 15-minute
// telemetry (GET /api/v4/systems/{system_id}/ev_charger/...). Start/stop charging are out of scope.
// Every figure comes from the charging model (model/ev-charging.ts).
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
import {
  chargerSchedule,
  chargingEvents,
  completedSessions,
  dailyEnergies,
  intervalEnergies,
  sessionValue,
} from '../model/ev-charging.js';
import type { SystemProfile } from '../model/profile.js';

const DAY = 86_400;
const INTERVAL = 900;

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
      const serials = serialFilter !== undefined ? [serialFilter] : system.evChargerSerials;
      const all = chargingEvents(seed(), system, serials, ctx.nowSec()).map((e): SchemaEventDetail => ({
        status: 'Info',
        triggered_date: e.at,
        cleared_date: e.at,
        details: `Charging ${e.kind} on IQ EV Charger (SNo. ${e.serial}).`,
      }));
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
      const sessions = completedSessions(seed(), found.system, found.serial, ctx.nowSec());
      const body: SchemaChargeSessionDetailsResponse = {
        count: sessions.length,
        system_id: found.system.id,
        sessions: sessions
          .slice(page.offset, page.offset + page.limit)
          .map((s): SchemaChargeSessionDetail => {
            const value = sessionValue(s.energyWh);
            return {
              start_time: s.start,
              end_time: s.end,
              duration: s.end - s.start,
              energy_added: Math.round(s.energyWh / 10) / 100, // kWh, 2 decimals
              charge_time: s.chargeEnd - s.start,
              miles_added: Math.round(value.miles * 10) / 10,
              cost: Math.round(value.cost * 100) / 100,
            };
          }),
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
      const schedule = chargerSchedule(seed(), found.system, found.serial);
      const offPeakStart = schedule.offPeakStartHour;
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
            is_active: schedule.active,
            reminder_flag: schedule.reminder,
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
