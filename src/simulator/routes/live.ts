// Live status: GET /systems/{id}/live_data (a server-sent-event stream) and
// GET /systems/{id}/latest_telemetry (each device's last reported power).
//
// Both read the model at the simulated `now`: PV from the micros' 5-minute truth, household load
// (plus the EV charger while it charges) and battery flows from the 15-minute truth, grid as the
// balance of the three. Instantaneous power is taken as the interval's mean power.
//
// live_data: the spec describes one event as `{data: {...}}`, i.e. the SSE `data:` field carries
// `{data: {...powers}, timestamp_epoch, timestamp_utc, type: 'response'}`. One event per second
// (wall clock) for `duration` seconds (header, 30–900, default 30). Its errors are not the usual
// `{message, details, code}` but `{error: {code, details, message, status}, timestamp_epoch, ...}`,
// with codes of its own (461–473): an unknown system is 468, not 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { liveErrorBody, liveTimestamps, sendError, type LiveErrorCode } from '../error-bodies.js';
import { SALT, hash32, stringCode, unit } from '../model/hash.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';
import { batterySettings, gridState } from './config.js';
import { evPowerAt } from './ev-charger.js';
import { eventsBetween } from './events.js';

type LatestBody = operations['getLatestSystemTelemetry']['responses'][200]['content']['application/json'];
type LatestDevice = NonNullable<LatestBody['devices']>[string][number];

const FIVE_MIN = 300;
const QUARTER = 900;
const DAY = 86_400;
const LIVE_SALT = stringCode('live');
const EVENT_EVERY_MS = 1_000;

export interface LivePowers {
  pvW: number;
  /** Household load including EV charging; null without a consumption meter (nothing measures it). */
  consumptionW: number | null;
  /** Positive discharging, negative charging (the spec's sign); null without battery. */
  batteryW: number | null;
  socPct: number | null;
  /** Positive import, negative export; null without a consumption meter. */
  gridW: number | null;
}

/** The system's powers at `tSec` from the model (with a little per-second flicker on PV and load). */
export function livePowers(ctx: SimContext, system: SystemProfile, tSec: number): LivePowers {
  const model = ctx.fleet.model(system.id);
  const seed = ctx.fleet.seed;
  const flicker = (k: number): number => 1 + 0.02 * (unit(seed, LIVE_SALT, system.id, tSec, k) - 0.5);
  const fiveEnd = Math.floor(tSec / FIVE_MIN) * FIVE_MIN + FIVE_MIN;
  const quarterEnd = Math.floor(tSec / QUARTER) * QUARTER + QUARTER;
  const pvW = Math.round(model.microSumWh(fiveEnd) * 12 * flicker(1));
  const evW = system.evChargerSerials.reduce((sum, serial) => sum + evPowerAt(seed, system, serial, tSec), 0);
  const loadW = Math.round(model.loadWh(quarterEnd) * 4 * flicker(2)) + evW;
  let batteryW: number | null = null;
  let socPct: number | null = null;
  if (system.batteries.length > 0) {
    const b = model.batteryPooled(quarterEnd);
    batteryW = Math.round((b.dischargeWh - b.chargeWh) * 4);
    socPct = Math.round(b.socPct);
  }
  const measured = system.consumptionMeter !== null;
  return {
    pvW,
    consumptionW: measured ? loadW : null,
    batteryW,
    socPct,
    gridW: measured ? loadW - pvW - (batteryW ?? 0) : null,
  };
}

// ------------------------------------------------------------------ live_data

function liveError(reply: FastifyReply, code: LiveErrorCode, nowMs: number): FastifyReply {
  return sendError(reply, code, liveErrorBody(code, nowMs));
}

/** Why a system cannot stream (the spec's 472/473), or undefined when it can. */
export function liveUnavailable(
  ctx: SimContext,
  system: SystemProfile,
  nowSec: number,
): 472 | 473 | undefined {
  // "site must have an active production meter; with a battery, also a consumption meter"
  if (!system.productionMeter || nowSec < system.productionMeter.startAt) return 472;
  if (system.batteries.length > 0 && !system.consumptionMeter) return 472;
  const offline = eventsBetween(ctx.fleet.seed, system, nowSec - 5 * DAY, nowSec, nowSec).some(
    (e) => e.type.key === 'envoy_no_report' && e.end !== null && e.end > nowSec,
  );
  return offline ? 473 : undefined;
}

export function liveEvent(ctx: SimContext, system: SystemProfile, nowMs: number): Record<string, unknown> {
  const nowSec = Math.floor(nowMs / 1000);
  const p = livePowers(ctx, system, nowSec);
  const hasEncharge = system.batteries.some((b) => b.type === 'encharge');
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
  if (hasEncharge) data.battery_mode = batterySettings(ctx.fleet.seed, system).mode;
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
  const p = livePowers(ctx, system, reportedAt);
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
  const capacity = system.batteries.reduce((sum, b) => sum + b.capacityWh, 0);
  for (const [kind, key, label] of [
    ['encharge', 'encharges', 'Encharge'],
    ['acb', 'acbs', 'ACB'],
  ] as const) {
    const list = system.batteries
      .map((b, n) => ({ b, n }))
      .filter(({ b }) => b.type === kind)
      .map(({ b, n }) => {
        const power = Math.round(((p.batteryW ?? 0) * b.capacityWh) / capacity);
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
    const unavailable = liveUnavailable(ctx, system, ctx.nowSec());
    if (unavailable) return liveError(reply, unavailable, ctx.now());

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
