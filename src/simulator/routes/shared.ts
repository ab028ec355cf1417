// Pieces several route modules share: the `meta` block, reading a window or answering 422, and
// the interval list and its header that every telemetry answer has.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';
import {
  isWindowError,
  telemetryWindow,
  type TelemetryRules,
  type TelemetryWindow,
  type WindowError,
} from '../windows.js';

export interface Meta {
  status: string;
  last_report_at: number;
  last_energy_at: number;
  operational_at: number;
}

export function systemMeta(ctx: SimContext, system: SystemProfile): Meta {
  const reported = lastReportAt(system, ctx.nowSec());
  return {
    status: system.status,
    last_report_at: reported,
    last_energy_at: reported,
    operational_at: system.operationalAt,
  };
}

/** The window, or undefined after answering 422 with the spec's body. */
export function windowOr422<T>(ctx: SimContext, reply: FastifyReply, window: T | WindowError): T | undefined {
  if (isWindowError(window)) {
    ctx.reply422(reply, window.error);
    return undefined;
  }
  return window;
}

/** The telemetry window a request asks for under `rules`, or undefined after answering 422. */
export function telemetryWindowOr422(
  ctx: SimContext,
  request: FastifyRequest,
  reply: FastifyReply,
  system: SystemProfile,
  rules: TelemetryRules,
): TelemetryWindow | undefined {
  return windowOr422(ctx, reply, telemetryWindow(request.query, system, ctx.nowSec(), rules));
}

/** `start_at` or `start_date` (when the client passed start_date), as the spec describes. */
export function windowFields(window: TelemetryWindow): {
  start_at?: number;
  start_date?: string;
  end_at: number;
} {
  return window.startDate
    ? { start_date: window.startDate, end_at: window.end }
    : { start_at: window.start, end_at: window.end };
}

/** End times of the intervals of a window: (start, end], on the interval grid. */
export function intervalEnds(start: number, end: number, intervalSec: number): number[] {
  const ends: number[] = [];
  for (let t = start + intervalSec; t <= end; t += intervalSec) ends.push(t);
  return ends;
}

/** The intervals of a window that `read` has a value for, in order (unreported ones are left out). */
export function collectIntervals<T>(
  window: TelemetryWindow,
  intervalSec: number,
  read: (endAt: number) => T | null | undefined,
): T[] {
  const intervals: T[] = [];
  for (const endAt of intervalEnds(window.start, window.end, intervalSec)) {
    const item = read(endAt);
    if (item !== undefined && item !== null) intervals.push(item);
  }
  return intervals;
}

/** The fields every telemetry answer has between its ids and its intervals. */
export function intervalsHeader(
  window: TelemetryWindow,
  totalDevices: number,
): {
  granularity: TelemetryWindow['granularity'];
  total_devices: number;
  start_at?: number;
  start_date?: string;
  end_at: number;
  items: 'intervals';
} {
  return {
    granularity: window.granularity,
    total_devices: totalDevices,
    ...windowFields(window),
    items: 'intervals',
  };
}
