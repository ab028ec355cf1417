// Revenue-grade meter data: rgm_stats (15-min intervals over at most 7 days, plus the per-meter
// `meter_intervals`) and production_meter_readings (the meter's cumulative register).
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import { intParam, type SimContext } from '../context.js';
import { lastMeterReadAt, meterRegisterWh } from '../model/meter-register.js';
import { meterLegs, splitOverLegs } from '../model/split-phase.js';
import { rgmWindow } from '../windows.js';
import { intervalEnds, systemMeta, windowOr422 } from './shared.js';

type RgmBody = operations['getRgmStats']['responses'][200]['content']['application/json'];
type ReadingsBody = operations['getProductionMeterReadings']['responses'][200]['content']['application/json'];

export function registerRgmRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/rgm_stats', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const window = windowOr422(ctx, reply, rgmWindow(request.query, system, ctx.nowSec()));
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const intervals: NonNullable<RgmBody['intervals']> = [];
    const perChannel: { channel: number; end_at: number; wh_del: number; curr_w: number }[] = [];
    const legs = meterLegs(system);
    for (const endAt of intervalEnds(window.start, window.end, 900)) {
      const v = model.productionMeter(endAt, now);
      if (!v) continue;
      intervals.push({ end_at: endAt, devices_reporting: v.devicesReporting, wh_del: v.enwh });
      splitOverLegs(v.enwh, legs).forEach((wh, i) =>
        perChannel.push({ channel: i + 1, end_at: endAt, wh_del: wh, curr_w: wh * 4 }),
      );
    }
    const meter = system.productionMeter;
    const body: RgmBody = {
      system_id: system.id,
      total_devices: meter ? 1 : 0,
      meta: systemMeta(ctx, system),
      intervals,
      meter_intervals:
        meter && intervals.length > 0
          ? [
              {
                meter_serial_number: meter.serial,
                envoy_serial_number: system.envoySerial,
                intervals: perChannel,
              },
            ]
          : [],
    };
    return body;
  });

  app.get('/api/v4/systems/:system_id/production_meter_readings', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const endParam = intParam(request.query, 'end_at');
    if (endParam !== undefined && (Number.isNaN(endParam) || endParam < 0)) {
      return ctx.reply422(
        reply,
        `Failed to parse date ${String((request.query as Record<string, unknown>).end_at)}`,
      );
    }
    const now = ctx.nowSec();
    const end = Math.min(now, endParam ?? now);
    const model = ctx.fleet.model(system.id);
    const meter = system.productionMeter;
    const readings: ReadingsBody['meter_readings'] = [];
    const readAt = lastMeterReadAt(model, end, now);
    if (meter && readAt !== undefined)
      readings.push({ serial_num: meter.serial, value: meterRegisterWh(model, readAt), read_at: readAt });
    const body: ReadingsBody = {
      system_id: system.id,
      meter_readings: readings,
      meta: systemMeta(ctx, system),
    };
    return body;
  });
}
