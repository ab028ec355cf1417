// What every route module gets: the fleet, the simulated clock, the options, and the small helpers
// all routes share (system lookup with the spec's 404, parameter errors with the spec's 422).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Fleet } from './model/fleet.js';
import type { SystemProfile } from './model/profile.js';
import type { ResolvedOptions } from './options.js';
import { errorBody, sendError } from './error-bodies.js';

export interface SimContext {
  fleet: Fleet;
  /** The simulated clock, epoch ms. */
  now(): number;
  /** The simulated clock, epoch seconds (floored). */
  nowSec(): number;
  options: ResolvedOptions;
  /** The system named by the `system_id` path parameter, or undefined after answering 404/422. */
  systemOr404(request: FastifyRequest, reply: FastifyReply): SystemProfile | undefined;
  /** Answers 422 with the spec's body. */
  reply422(reply: FastifyReply, details: string): FastifyReply;
}

export function createContext(fleet: Fleet, options: ResolvedOptions): SimContext {
  return {
    fleet,
    options,
    now: () => options.now(),
    nowSec: () => Math.floor(options.now() / 1000),
    systemOr404(request, reply) {
      const raw = (request.params as Record<string, string | undefined>).system_id ?? '';
      const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
      const system = Number.isNaN(id) ? undefined : fleet.system(id);
      if (!system) {
        sendError(reply, 404, errorBody(404, `System not found for {:id=>"${raw}"}`));
        return undefined;
      }
      return system;
    },
    reply422(reply, details) {
      return sendError(reply, 422, errorBody(422, details));
    },
  };
}

/** Reads an integer query parameter: undefined when absent, NaN when not an integer. */
export function intParam(query: unknown, name: string): number | undefined {
  const raw = (query as Record<string, unknown>)[name];
  if (raw === undefined || raw === '') return undefined;
  const text = String(raw);
  return /^-?\d+$/.test(text) ? Number(text) : NaN;
}

/** Reads a string query parameter (the first when repeated). */
export function stringParam(query: unknown, name: string): string | undefined {
  const raw = (query as Record<string, unknown>)[name];
  if (raw === undefined) return undefined;
  return Array.isArray(raw) ? String(raw[0]) : String(raw);
}
