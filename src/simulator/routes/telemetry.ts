// Site-level telemetry: production_micro (5 min), production_meter, consumption_meter and
// battery (15 min), energy import/export (15 min, nested arrays). Intervals are labelled by their
// end; only intervals some device has reported appear; devices_reporting says how many.
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { meterLegs, splitOverLegs } from '../model/split-phase.js';
import type { TelemetryRules } from '../windows.js';
import { intervalEnds, systemMeta, telemetryWindowOr422, windowFields } from './shared.js';

type Body<Op extends keyof operations> = operations[Op] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export const FIVE_MIN_RULES: TelemetryRules = { intervalSec: 300, allowed: ['5mins', '15mins', 'day'] };
export const QUARTER_RULES: TelemetryRules = { intervalSec: 900, allowed: ['15mins', 'day', 'week'] };
export const GRID_RULES: TelemetryRules = { intervalSec: 900, allowed: ['15mins', 'day'] };

export function registerTelemetryRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/telemetry/production_micro', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = telemetryWindowOr422(ctx, request, reply, system, FIVE_MIN_RULES);
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const intervals: NonNullable<Body<'getProductionMicroTelemetry'>['intervals']> = [];
    for (const endAt of intervalEnds(window.start, window.end, 300)) {
      const v = model.productionMicro(endAt, now);
      if (v)
        intervals.push({ end_at: endAt, devices_reporting: v.devicesReporting, powr: v.powr, enwh: v.enwh });
    }
    const body: Body<'getProductionMicroTelemetry'> = {
      system_id: system.id,
      granularity: window.granularity,
      total_devices: system.micros.length,
      ...windowFields(window),
      items: 'intervals',
      intervals,
      meta: systemMeta(ctx, system),
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/telemetry/production_meter', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = telemetryWindowOr422(ctx, request, reply, system, QUARTER_RULES);
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const intervals: NonNullable<Body<'getProductionMeterTelemetry'>['intervals']> = [];
    for (const endAt of intervalEnds(window.start, window.end, 900)) {
      const v = model.productionMeter(endAt, now);
      if (v) intervals.push({ end_at: endAt, devices_reporting: v.devicesReporting, wh_del: v.enwh });
    }
    const body: Body<'getProductionMeterTelemetry'> = {
      system_id: system.id,
      granularity: window.granularity,
      total_devices: system.productionMeter ? 1 : 0,
      ...windowFields(window),
      items: 'intervals',
      intervals,
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/telemetry/consumption_meter', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = telemetryWindowOr422(ctx, request, reply, system, QUARTER_RULES);
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const intervals: NonNullable<Body<'getConsumptionMeterTelemetry'>['intervals']> = [];
    for (const endAt of intervalEnds(window.start, window.end, 900)) {
      const v = model.consumption(endAt, now);
      if (v) intervals.push({ end_at: endAt, devices_reporting: v.devicesReporting, enwh: v.enwh });
    }
    const body: Body<'getConsumptionMeterTelemetry'> = {
      system_id: system.id,
      granularity: window.granularity,
      total_devices: system.consumptionMeter ? 1 : 0,
      ...windowFields(window),
      items: 'intervals',
      intervals,
      meta: systemMeta(ctx, system),
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/telemetry/battery', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = telemetryWindowOr422(ctx, request, reply, system, QUARTER_RULES);
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const intervals: NonNullable<Body<'getBatteryTelemetry'>['intervals']> = [];
    let lastSoc: number | undefined;
    for (const endAt of intervalEnds(window.start, window.end, 900)) {
      const v = model.battery(endAt, now);
      if (!v) continue;
      lastSoc = v.socPct;
      intervals.push({
        end_at: endAt,
        charge: { enwh: v.chargeWh, devices_reporting: v.devicesReporting },
        discharge: { enwh: v.dischargeWh, devices_reporting: v.devicesReporting },
        soc: { percent: v.socPct, devices_reporting: v.devicesReporting },
      });
    }
    const body: Body<'getBatteryTelemetry'> = {
      system_id: system.id,
      granularity: window.granularity,
      total_devices: system.batteries.length,
      ...windowFields(window),
      items: 'intervals',
      intervals,
      ...(lastSoc !== undefined ? { last_reported_aggregate_soc: `${lastSoc}%` } : {}),
    };
    return body;
  });

  for (const direction of ['import', 'export'] as const) {
    app.get(`/api/v4/systems/:system_id/energy_${direction}_telemetry`, async (request, reply) => {
      const system = ctx.systemOr404(request, reply);
      if (!system) return reply;
      const window = telemetryWindowOr422(ctx, request, reply, system, GRID_RULES);
      if (!window) return reply;
      const model = ctx.fleet.model(system.id);
      const now = ctx.nowSec();
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
    });
  }
}
