// Revenue-grade meter data: rgm_stats (15-min intervals over at most 7 days, plus the per-meter
// `meter_intervals`) and production_meter_readings (the meter's cumulative register).
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import { intParam, type SimContext } from '../context.js';
import { dailyTotal } from '../model/daily.js';
import type { SystemProfile } from '../model/profile.js';
import { MAX_DELAY_SEC } from '../model/reporting.js';
import type { SystemModel } from '../model/system-model.js';
import { addDays, localDate, localMidnight } from '../model/local-time.js';
import { rgmWindow } from '../windows.js';
import { intervalEnds, systemMeta, windowOr422 } from './shared.js';

type RgmBody = operations['getRgmStats']['responses'][200]['content']['application/json'];
type ReadingsBody = operations['getProductionMeterReadings']['responses'][200]['content']['application/json'];

/** US meters measure both legs of a split-phase service: one channel each. */
function channels(system: SystemProfile): number {
  return system.place.country === 'US' ? 2 : 1;
}

/** Register value (Wh) of the production meter at the end of the interval ending readAt (the truth). */
function meterRegisterWh(model: SystemModel, system: SystemProfile, readAt: number): number {
  const meter = system.productionMeter!;
  const zone = system.place.timezone;
  const settledForever = Number.MAX_SAFE_INTEGER;
  let total = 0;
  // Whole local days from installation to the day of readAt (each cached once settled), then the rest.
  let date = localDate(meter.startAt, zone);
  let start = localMidnight(date, zone);
  const lastDayStart = localMidnight(localDate(readAt - 1, zone), zone);
  while (start < lastDayStart) {
    const next = addDays(date, 1);
    const end = localMidnight(next, zone);
    total += dailyTotal(model, 'production_meter', start, end, settledForever);
    date = next;
    start = end;
  }
  for (let t = Math.max(lastDayStart, meter.startAt - (meter.startAt % 900)) + 900; t <= readAt; t += 900) {
    if (t > meter.startAt) total += model.productionMeterWh(t);
  }
  return total;
}

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
    const legs = channels(system);
    for (const endAt of intervalEnds(window.start, window.end, 900)) {
      const v = model.productionMeter(endAt, now);
      if (!v) continue;
      intervals.push({ end_at: endAt, devices_reporting: v.devicesReporting, wh_del: v.enwh });
      const first = legs === 1 ? v.enwh : Math.ceil(v.enwh / 2);
      const parts = legs === 1 ? [first] : [first, v.enwh - first];
      parts.forEach((wh, i) =>
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
    if (meter) {
      // The last interval at or before `end` the meter has reported (it reports within 12 h).
      let readAt: number | undefined;
      for (let t = end - (end % 900); t > end - MAX_DELAY_SEC - 900 && t > meter.startAt; t -= 900) {
        if (model.productionMeter(t, now)) {
          readAt = t;
          break;
        }
      }
      if (readAt !== undefined)
        readings.push({
          serial_num: meter.serial,
          value: meterRegisterWh(model, system, readAt),
          read_at: readAt,
        });
    }
    const body: ReadingsBody = {
      system_id: system.id,
      meter_readings: readings,
      meta: systemMeta(ctx, system),
    };
    return body;
  });
}
