// Site-level telemetry: production_micro (5 min), production_meter, consumption_meter and
// battery (15 min), energy import/export (15 min, nested arrays). Intervals are labelled by their
// end; only intervals some device has reported appear; devices_reporting says how many.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { meterLegs, splitOverLegs } from '../model/split-phase.js';
import type { SystemProfile } from '../model/profile.js';
import type { SystemModel } from '../model/system-model.js';
import type { TelemetryRules, TelemetryWindow } from '../windows.js';
import {
  collectIntervals,
  intervalEnds,
  intervalsHeader,
  systemMeta,
  telemetryWindowOr422,
} from './shared.js';

type Body<Op extends keyof operations> = operations[Op] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export const FIVE_MIN_RULES: TelemetryRules = { intervalSec: 300, allowed: ['5mins', '15mins', 'day'] };
export const QUARTER_RULES: TelemetryRules = { intervalSec: 900, allowed: ['15mins', 'day', 'week'] };
export const GRID_RULES: TelemetryRules = { intervalSec: 900, allowed: ['15mins', 'day'] };

interface TelemetryCall {
  system: SystemProfile;
  window: TelemetryWindow;
  model: SystemModel;
  now: number;
}

/** A site telemetry route: the system (or 404) and its window under `rules` (or 422), then `answer`. */
function telemetryRoute(
  app: FastifyInstance,
  ctx: SimContext,
  path: string,
  rules: TelemetryRules,
  answer: (call: TelemetryCall) => unknown,
): void {
  app.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = telemetryWindowOr422(ctx, request, reply, system, rules);
    if (!window) return reply;
    return answer({ system, window, model: ctx.fleet.model(system.id), now: ctx.nowSec() });
  });
}

export function registerTelemetryRoutes(app: FastifyInstance, ctx: SimContext): void {
  const base = '/api/v4/systems/:system_id';
  telemetryRoute(
    app,
    ctx,
    `${base}/telemetry/production_micro`,
    FIVE_MIN_RULES,
    ({ system, window, model, now }) => {
      const body: Body<'getProductionMicroTelemetry'> = {
        system_id: system.id,
        ...intervalsHeader(window, system.micros.length),
        intervals: collectIntervals(window, 300, (endAt) => {
          const v = model.productionMicro(endAt, now);
          return v && { end_at: endAt, devices_reporting: v.devicesReporting, powr: v.powr, enwh: v.enwh };
        }),
        meta: systemMeta(ctx, system),
      };
      return body;
    },
  );

  telemetryRoute(
    app,
    ctx,
    `${base}/telemetry/production_meter`,
    QUARTER_RULES,
    ({ system, window, model, now }) => {
      const body: Body<'getProductionMeterTelemetry'> = {
        system_id: system.id,
        ...intervalsHeader(window, system.productionMeter ? 1 : 0),
        intervals: collectIntervals(window, 900, (endAt) => {
          const v = model.productionMeter(endAt, now);
          return v && { end_at: endAt, devices_reporting: v.devicesReporting, wh_del: v.enwh };
        }),
      };
      return body;
    },
  );

  telemetryRoute(
    app,
    ctx,
    `${base}/telemetry/consumption_meter`,
    QUARTER_RULES,
    ({ system, window, model, now }) => {
      const body: Body<'getConsumptionMeterTelemetry'> = {
        system_id: system.id,
        ...intervalsHeader(window, system.consumptionMeter ? 1 : 0),
        intervals: collectIntervals(window, 900, (endAt) => {
          const v = model.consumption(endAt, now);
          return v && { end_at: endAt, devices_reporting: v.devicesReporting, enwh: v.enwh };
        }),
        meta: systemMeta(ctx, system),
      };
      return body;
    },
  );

  telemetryRoute(app, ctx, `${base}/telemetry/battery`, QUARTER_RULES, ({ system, window, model, now }) => {
    let lastSoc: number | undefined;
    const intervals = collectIntervals(window, 900, (endAt) => {
      const v = model.battery(endAt, now);
      if (!v) return undefined;
      lastSoc = v.socPct;
      return {
        end_at: endAt,
        charge: { enwh: v.chargeWh, devices_reporting: v.devicesReporting },
        discharge: { enwh: v.dischargeWh, devices_reporting: v.devicesReporting },
        soc: { percent: v.socPct, devices_reporting: v.devicesReporting },
      };
    });
    const body: Body<'getBatteryTelemetry'> = {
      system_id: system.id,
      ...intervalsHeader(window, system.batteries.length),
      intervals,
      ...(lastSoc !== undefined ? { last_reported_aggregate_soc: `${lastSoc}%` } : {}),
    };
    return body;
  });

  for (const direction of ['import', 'export'] as const) {
    telemetryRoute(
      app,
      ctx,
      `${base}/energy_${direction}_telemetry`,
      GRID_RULES,
      ({ system, window, model, now }) => {
        const legs = meterLegs(system);
        const inner: { end_at: number; value: number }[][] = Array.from({ length: legs }, () => []);
        for (const endAt of intervalEnds(window.start, window.end, 900)) {
          const v = model.grid(endAt, now);
          if (!v) continue;
          splitOverLegs(direction === 'import' ? v.importWh : v.exportWh, legs).forEach((value, leg) =>
            inner[leg]!.push({ end_at: endAt, value }),
          );
        }
        const field = direction === 'import' ? 'wh_imported' : 'wh_exported';
        return {
          system_id: system.id,
          granularity: window.granularity,
          total_devices: system.consumptionMeter ? 1 : 0,
          // The grid endpoints document start_at/end_at only, start_date or not.
          start_at: window.start,
          end_at: window.end,
          items: 'intervals',
          intervals:
            inner[0]!.length === 0
              ? []
              : inner.map((leg) => leg.map((i) => ({ end_at: i.end_at, [field]: i.value }))),
          meta: systemMeta(ctx, system),
        };
      },
    );
  }
}
