// Daily series (`*_lifetime`): one value per local day from start_date to end_date, no gaps, each
// the sum of that day's intervals as seen now (so the last days fill in as devices report).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context.js';
import { dailyTotal, meterStartDate, type DailyKind } from '../model/daily.js';
import type { SystemModel } from '../model/system-model.js';
import { localDays, type LocalDay } from '../model/local-time.js';
import type { SystemProfile } from '../model/profile.js';
import { lifetimeDays } from '../windows.js';
import { systemMeta, windowOr422 } from './shared.js';

function series(model: SystemModel, kind: DailyKind, days: readonly LocalDay[], nowSec: number): number[] {
  return days.map((d) => dailyTotal(model, kind, d.start, d.end, nowSec));
}

/** A daily-series route: the system (or 404) and its day range (or 422), then `answer`. */
function lifetimeRoute(
  app: FastifyInstance,
  ctx: SimContext,
  path: string,
  answer: (system: SystemProfile, range: { first: string; last: string }, request: FastifyRequest) => unknown,
): void {
  app.get(path, async (request: FastifyRequest, reply: FastifyReply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    const range = windowOr422(ctx, reply, lifetimeDays(request.query, system, ctx.nowSec()));
    if (!range) return reply;
    return answer(system, range, request);
  });
}

export function registerLifetimeRoutes(app: FastifyInstance, ctx: SimContext): void {
  lifetimeRoute(app, ctx, '/api/v4/systems/:system_id/energy_lifetime', (system, range, request) => {
    const now = ctx.nowSec();
    const model = ctx.fleet.model(system.id);
    const days = localDays(range.first, range.last, system.place.timezone);
    const micro = series(model, 'production_micro', days, now);
    const meterStart = meterStartDate(system);
    const meter = meterStart
      ? days.map((d) =>
          d.date < meterStart ? 0 : dailyTotal(model, 'production_meter', d.start, d.end, now),
        )
      : undefined;
    // The merged series: micros until the meter's first full day, the meter from then on.
    const production = days.map((d, i) =>
      meter && meterStart && d.date >= meterStart ? meter[i]! : micro[i]!,
    );
    const all = (request.query as Record<string, unknown>).production === 'all';
    return {
      system_id: system.id,
      start_date: range.first,
      ...(meterStart ? { meter_start_date: meterStart } : {}),
      production,
      ...(all ? { micro_production: micro, ...(meter ? { meter_production: meter } : {}) } : {}),
      meta: systemMeta(ctx, system),
    };
  });

  lifetimeRoute(app, ctx, '/api/v4/systems/:system_id/consumption_lifetime', (system, range) => {
    const days = system.consumptionMeter ? localDays(range.first, range.last, system.place.timezone) : [];
    return {
      system_id: system.id,
      start_date: range.first,
      consumption: series(ctx.fleet.model(system.id), 'consumption', days, ctx.nowSec()),
      meta: systemMeta(ctx, system),
    };
  });

  lifetimeRoute(app, ctx, '/api/v4/systems/:system_id/battery_lifetime', (system, range) => {
    const days = system.batteries.length > 0 ? localDays(range.first, range.last, system.place.timezone) : [];
    const model = ctx.fleet.model(system.id);
    return {
      system_id: system.id,
      start_date: range.first,
      charge: series(model, 'battery_charge', days, ctx.nowSec()),
      discharge: series(model, 'battery_discharge', days, ctx.nowSec()),
      meta: systemMeta(ctx, system),
    };
  });

  for (const direction of ['import', 'export'] as const) {
    lifetimeRoute(app, ctx, `/api/v4/systems/:system_id/energy_${direction}_lifetime`, (system, range) => {
      const days = system.consumptionMeter ? localDays(range.first, range.last, system.place.timezone) : [];
      return {
        system_id: system.id,
        start_date: range.first,
        [direction]: series(ctx.fleet.model(system.id), direction, days, ctx.nowSec()),
        meta: systemMeta(ctx, system),
      };
    });
  }
}
