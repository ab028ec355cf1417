// Live status: GET /systems/{id}/live_data (a server-sent-event stream) and
// GET /systems/{id}/latest_telemetry (each device's last reported power).
//
// Both read the system's powers at the simulated `now` from model/live-power.ts.
//
// live_data: the spec describes one event as `{data: {...}}`, i.e. the SSE `data:` field carries
// `{data: {...powers}, timestamp_epoch, timestamp_utc, type: 'response'}`. One event per second
// (wall clock) for `duration` seconds (header, 30–900, default 30). Its errors are not the usual
// `{message, details, code}` but `{error: {code, details, message, status}, timestamp_epoch, ...}`
// (error-bodies.ts), with codes of its own (461–473): an unknown system is 468, not 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { liveErrorBody, liveTimestamps, sendError, type LiveErrorCode } from '../error-bodies.js';
import { batterySettings, gridState, hasEncharge } from '../model/config.js';
import { SALT, hash32 } from '../model/hash.js';
import { batteryPowersW, livePowers, liveUnavailable } from '../model/live-power.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';

type LatestBody = operations['getLatestSystemTelemetry']['responses'][200]['content']['application/json'];
type LatestDevice = NonNullable<LatestBody['devices']>[string][number];

const EVENT_EVERY_MS = 1_000;

// ------------------------------------------------------------------ live_data

function liveError(reply: FastifyReply, code: LiveErrorCode, nowMs: number): FastifyReply {
  return sendError(reply, code, liveErrorBody(code, nowMs));
}

/** The spec's code for a system that cannot stream. */
const UNAVAILABLE_CODE = { unsupported: 472, 'gateway offline': 473 } as const;

export function liveEvent(ctx: SimContext, system: SystemProfile, nowMs: number): Record<string, unknown> {
  const nowSec = Math.floor(nowMs / 1000);
  const p = livePowers(ctx.fleet, system, nowSec);
  const data: Record<string, unknown> = {
    system_id: system.id,
    envoy_serial_number: [system.envoySerial],
    pv_power: p.pvW,
    generator_power: 0,
    grid_status: gridState(ctx.fleet.seed, system, nowSec),
  };
  if (p.consumptionW !== null) data.consumption_power = p.consumptionW;
  if (p.gridW !== null) data.grid_power = p.gridW;
  if (p.batteryW !== null) data.battery_power = p.batteryW;
  if (p.socPct !== null) data.battery_soc = p.socPct;
  if (hasEncharge(system)) data.battery_mode = batterySettings(ctx.fleet.seed, system).mode;
  return { data, ...liveTimestamps(nowMs), type: 'response' };
}

function parseDuration(request: FastifyRequest): number | 461 | 462 | 463 {
  const raw = request.headers.duration;
  if (raw === undefined) return 30;
  const text = Array.isArray(raw) ? (raw[0] ?? '') : raw;
  if (!/^\d+$/.test(text.trim())) return 463;
  const n = Number(text);
  if (n < 30) return 461;
  if (n > 900) return 462;
  return n;
}

// ------------------------------------------------------------------ latest_telemetry

function deviceId(seed: number, system: SystemProfile, kind: number, n: number): number {
  return 1_000_000_000 + (hash32(seed, SALT.profile, system.id, 900 + kind, n) % 100_000_000);
}

function operationalMode(powerW: number): string {
  return powerW > 0 ? 'Discharging' : powerW < 0 ? 'Charging' : 'Idle';
}

/** Each meter's channels (1 reports; 2 and 3 are unused single-phase channels, nulls) and batteries. */
export function latestTelemetry(ctx: SimContext, system: SystemProfile, nowSec: number): LatestBody {
  const seed = ctx.fleet.seed;
  const reportedAt = lastReportAt(system, nowSec);
  const p = livePowers(ctx.fleet, system, reportedAt);
  const devices: Record<string, LatestDevice[]> = {};
  const meter = (kind: number, name: string, power: number): LatestDevice[] =>
    [1, 2, 3].map((channel) => ({
      id: deviceId(seed, system, kind, 0),
      name,
      channel,
      last_report_at: channel === 1 ? reportedAt : null,
      power: channel === 1 ? power : null,
    }));
  const meters: LatestDevice[] = [];
  if (system.productionMeter && reportedAt >= system.productionMeter.startAt)
    meters.push(...meter(1, 'production', p.pvW));
  if (system.consumptionMeter && p.consumptionW !== null)
    meters.push(...meter(2, 'consumption', p.consumptionW));
  if (meters.length > 0) devices.meters = meters;
  const batteryW = batteryPowersW(system, p.batteryW ?? 0);
  for (const [kind, key, label] of [
    ['encharge', 'encharges', 'Encharge'],
    ['acb', 'acbs', 'ACB'],
  ] as const) {
    const list = system.batteries
      .map((b, n) => ({ b, n }))
      .filter(({ b }) => b.type === kind)
      .map(({ b, n }) => {
        const power = batteryW[n]!;
        return {
          id: deviceId(seed, system, 3, n),
          name: `${label} ${b.serial}`,
          channel: 1,
          last_report_at: reportedAt,
          power,
          operational_mode: operationalMode(power),
        };
      });
    if (list.length > 0) devices[key] = list;
  }
  return { system_id: system.id, items: 'devices', devices };
}

// ------------------------------------------------------------------ routes

export function registerLiveRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/latest_telemetry', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    return latestTelemetry(ctx, system, ctx.nowSec());
  });

  app.get('/api/v4/systems/:system_id/live_data', async (request, reply) => {
    const raw = (request.params as Record<string, string | undefined>).system_id ?? '';
    const system = /^\d+$/.test(raw) ? ctx.fleet.system(Number(raw)) : undefined;
    if (!system) return liveError(reply, 468, ctx.now());
    const duration = parseDuration(request);
    if (duration === 461 || duration === 462 || duration === 463)
      return liveError(reply, duration, ctx.now());
    const unavailable = liveUnavailable(ctx.fleet, system, ctx.nowSec());
    if (unavailable) return liveError(reply, UNAVAILABLE_CODE[unavailable], ctx.now());

    const stream = new PassThrough();
    const deadline = Date.now() + duration * 1000;
    const emit = (): void => {
      stream.write(`data: ${JSON.stringify(liveEvent(ctx, system, ctx.now()))}\n\n`);
      if (Date.now() + EVENT_EVERY_MS > deadline) finish();
    };
    const timer = setInterval(emit, EVENT_EVERY_MS);
    const finish = (): void => {
      clearInterval(timer);
      if (!stream.writableEnded) stream.end();
    };
    // the client hung up (the usual end: it read what it wanted) or the server is closing
    reply.raw.on('close', finish);
    emit();
    return reply.code(200).header('cache-control', 'no-cache').type('text/event-stream').send(stream);
  });
}
