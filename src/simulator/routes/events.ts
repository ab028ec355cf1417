// Events, alarms and event types: GET /systems/{id}/events, /systems/{id}/alarms and
// /systems/event_types. The events themselves come from model/events.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { intParam, stringParam } from '../context.js';
import { errorBody, sendError } from '../error-bodies.js';
import {
  EVENT_TYPES,
  alarmId,
  eventStatus,
  eventsBetween,
  raisesAlarm,
  type EventType,
} from '../model/events.js';

type EventsBody = operations['listSystemEvents']['responses'][200]['content']['application/json'];
type AlarmsBody = operations['listSystemAlarms']['responses'][200]['content']['application/json'];
type EventTypesBody = operations['listEventTypes']['responses'][200]['content']['application/json'];
type EventTypeBody = NonNullable<EventTypesBody['event_types']>[number];

const DAY = 86_400;
const WEEK = 7 * DAY;

// ------------------------------------------------------------------ parameters

interface Window {
  from: number;
  to: number;
}

/** Months back from `now` that start_time may reach (the spec: "cannot be older than 9 months"). */
function nineMonthsBefore(nowSec: number): number {
  const d = new Date(nowSec * 1000);
  return Math.floor(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() - 9,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ) / 1000,
  );
}

/**
 * start_time/end_time by the spec's rules: start required, not older than 9 months, end
 * defaults to min(start + 1 day, now), at most one week. `error` is the 422's `details`.
 */
export function eventWindow(query: unknown, nowSec: number): Window | { error: string } {
  const start = intParam(query, 'start_time');
  const end = intParam(query, 'end_time');
  if (start === undefined) return { error: 'start_time is required' };
  if (Number.isNaN(start)) return { error: 'start_time must be an integer (epoch seconds)' };
  if (end !== undefined && Number.isNaN(end)) return { error: 'end_time must be an integer (epoch seconds)' };
  if (start < nineMonthsBefore(nowSec)) return { error: 'start_time cannot be older than 9 months' };
  const to = end ?? Math.min(start + DAY, nowSec);
  if (to < start) return { error: 'end_time must be greater than start_time' };
  if (to - start > WEEK) return { error: 'Maximum 1 week of data can be retrieved in a single call' };
  return { from: start, to };
}

/** The window of the request, or undefined after answering the spec's 422. */
function windowOr422(ctx: SimContext, query: unknown, reply: FastifyReply): Window | undefined {
  const w = eventWindow(query, ctx.nowSec());
  if ('error' in w) {
    ctx.reply422(reply, w.error);
    return undefined;
  }
  return w;
}

// ------------------------------------------------------------------ routes

function eventTypeBody(t: EventType): EventTypeBody {
  return {
    event_type_id: t.id,
    event_type_key: t.key,
    stateful: t.stateful,
    event_name: t.name,
    event_description: t.description,
    recommended_action: t.action,
  };
}

export function registerEventRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/events', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = windowOr422(ctx, request.query, reply);
    if (!window) return reply;
    const now = ctx.nowSec();
    const body: EventsBody = {
      system_id: system.id,
      events: eventsBetween(ctx.fleet.seed, system, window.from, window.to, now).map((e) => {
        const status = eventStatus(e, now);
        return {
          status,
          event_type_id: e.type.id,
          event_start_time: e.start,
          // the schema has no null here: an open or transient event simply has no end time
          ...(status === 'Closed' && e.end !== null ? { event_end_time: e.end } : {}),
          serial_number: e.serial,
        };
      }),
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/alarms', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = windowOr422(ctx, request.query, reply);
    if (!window) return reply;
    const clearedParam = stringParam(request.query, 'cleared');
    if (clearedParam !== undefined && clearedParam !== 'true' && clearedParam !== 'false') {
      return ctx.reply422(reply, 'cleared must be true or false');
    }
    const wantCleared = clearedParam === 'true';
    const now = ctx.nowSec();
    const alarms = eventsBetween(ctx.fleet.seed, system, window.from, window.to, now)
      .filter((e) => raisesAlarm(e, now))
      .filter((e) => (e.end !== null && e.end <= now) === wantCleared)
      .map((e) => {
        const cleared = e.end !== null && e.end <= now;
        return {
          id: alarmId(ctx.fleet.seed, system, e),
          cleared,
          severity: e.type.severity,
          events: [
            {
              serial_number: e.serial,
              start_date: e.start,
              ...(cleared && e.end !== null ? { end_date: e.end } : {}),
            },
          ],
          event_type_id: e.type.id,
          alarm_start_time: e.start,
          alarm_end_time: cleared ? e.end : null,
        };
      });
    const body: AlarmsBody = { system_id: system.id, alarms };
    return body;
  });

  app.get('/api/v4/systems/event_types', async (request, reply) => {
    const raw = stringParam(request.query, 'event_type_id');
    if (raw === undefined || raw === '') {
      const body: EventTypesBody = { event_types: EVENT_TYPES.map(eventTypeBody) };
      return body;
    }
    const type = EVENT_TYPES.find((t) => String(t.id) === raw);
    // the operation documents no 422: an unknown or malformed id is "not found"
    if (!type) return sendError(reply, 404, errorBody(404, `Event type not found for {:id=>"${raw}"}`));
    const body: EventTypesBody = { event_types: [eventTypeBody(type)] };
    return body;
  });
}
