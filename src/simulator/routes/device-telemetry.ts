// Device-level telemetry: one micro (5 min) or one battery, Encharge or ACB (15 min). The Watt
// plan does not include these (plan-access.ts answers 401 before the route runs).
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import type { SimContext } from '../context.js';
import { errorBody, sendError } from '../error-bodies.js';
import type { BatteryType } from '../model/profile.js';
import { collectIntervals, intervalsHeader, telemetryWindowOr422 } from './shared.js';
import { FIVE_MIN_RULES, QUARTER_RULES } from './telemetry.js';

type MicroBody = operations['getMicroTelemetry']['responses'][200]['content']['application/json'];
type BatteryBody = operations['getEnchargeTelemetry']['responses'][200]['content']['application/json'];

const LABEL: Record<BatteryType, string> = { encharge: 'Encharge', acb: 'ACB' };

export function registerDeviceTelemetryRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems/:system_id/devices/micros/:serial_no/telemetry', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const serial = (request.params as { serial_no: string }).serial_no;
    const index = system.micros.findIndex((m) => m.serial === serial);
    if (index < 0) return sendError(reply, 404, errorBody(404, `Micro not found for {:id=>"${serial}"}`));
    const window = telemetryWindowOr422(ctx, request, reply, system, FIVE_MIN_RULES);
    if (!window) return reply;
    const model = ctx.fleet.model(system.id);
    const now = ctx.nowSec();
    const body: MicroBody = {
      system_id: system.id,
      serial_number: serial,
      ...intervalsHeader(window, 1),
      intervals: collectIntervals(window, 300, (endAt) => {
        const v = model.micro(index, endAt, now);
        return v && { end_at: endAt, powr: v.powr, enwh: v.enwh };
      }),
    };
    return body;
  });

  for (const [segment, type] of [
    ['encharges', 'encharge'],
    ['acbs', 'acb'],
  ] as const) {
    app.get(`/api/v4/systems/:system_id/devices/${segment}/:serial_no/telemetry`, async (request, reply) => {
      const system = ctx.systemOr404(request, reply);
      if (!system) return reply;
      const serial = (request.params as { serial_no: string }).serial_no;
      const index = system.batteries.findIndex((b) => b.serial === serial && b.type === type);
      if (index < 0) {
        return sendError(reply, 404, errorBody(404, `${LABEL[type]} not found for {:id=>"${serial}"}`));
      }
      const window = telemetryWindowOr422(ctx, request, reply, system, QUARTER_RULES);
      if (!window) return reply;
      const model = ctx.fleet.model(system.id);
      const now = ctx.nowSec();
      let last: { at: number; soc: number } | undefined;
      const intervals = collectIntervals(window, 900, (endAt) => {
        const v = model.battery(endAt, now)?.devices[index];
        if (!v) return undefined;
        last = { at: endAt, soc: v.socPct };
        return {
          end_at: endAt,
          charge: { enwh: v.chargeWh },
          discharge: { enwh: v.dischargeWh },
          soc: { percent: v.socPct },
        };
      });
      const body: BatteryBody = {
        system_id: system.id,
        serial_number: serial,
        ...intervalsHeader(window, 1),
        intervals,
        ...(last ? { last_reported_time: last.at, last_reported_soc: `${last.soc}%` } : {}),
      };
      return body;
    });
  }
}
