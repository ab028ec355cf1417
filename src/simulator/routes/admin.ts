// Admin routes under /__sim/ for child processes and the demo: no auth, not counted, not logged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { adminErrorBody, sendError } from '../error-bodies.js';
import type { FaultOptions } from '../faults.js';
import type { MisbehaviourOptions, SystemMisbehaviour } from '../misbehaviour/knobs.js';
import { matchesFilter, type InjectedBy, type RequestLogFilter } from '../request-log.js';
import type { SimServer } from '../server.js';
import { tokenResponse } from './oauth.js';

function filterOf(queryObject: unknown): RequestLogFilter {
  const query = queryObject as Record<string, string | undefined>;
  const filter: RequestLogFilter = {};
  if (query.route) filter.route = query.route;
  if (query.method) filter.method = query.method;
  if (query.status) filter.status = Number(query.status);
  if (query.system_id) filter.systemId = Number(query.system_id);
  if (query.injected) filter.injected = query.injected as InjectedBy;
  return filter;
}

export function registerAdminRoutes(app: FastifyInstance, server: SimServer): void {
  app.get('/__sim/requests', async (request) => {
    const filter = filterOf(request.query);
    const entries = server.requestLog.entries().filter((e) => matchesFilter(e, filter));
    return { count: entries.length, entries };
  });

  app.get('/__sim/requests/tally', async (request) => server.requestLog.tally(filterOf(request.query)));

  app.get('/__sim/requests/repeats', async (request) => server.requestLog.repeats(filterOf(request.query)));

  app.delete('/__sim/requests', async (_request, reply) => {
    server.requestLog.clear();
    return reply.code(204).send();
  });

  app.post('/__sim/faults', async (request) => {
    const faults = (request.body ?? {}) as FaultOptions;
    server.setFaults(faults);
    return { faults };
  });

  // Per-system knobs: GET all, POST replaces all, PUT/DELETE one system's. A bad knob: 400, nothing changes.
  const badKnobs = (reply: FastifyReply, error: unknown): FastifyReply =>
    sendError(reply, 400, adminErrorBody((error as Error).message));

  app.get('/__sim/misbehaviour', async () => server.misbehaviour.toJSON());

  app.post('/__sim/misbehaviour', async (request, reply) => {
    try {
      server.setMisbehaviour((request.body ?? {}) as MisbehaviourOptions);
    } catch (error) {
      return badKnobs(reply, error);
    }
    return server.misbehaviour.toJSON();
  });

  app.put('/__sim/misbehaviour/:system_id', async (request, reply) => {
    const id = Number((request.params as { system_id: string }).system_id);
    try {
      server.setSystemMisbehaviour(id, (request.body ?? {}) as SystemMisbehaviour);
    } catch (error) {
      return badKnobs(reply, error);
    }
    return server.misbehaviour.toJSON();
  });

  app.delete('/__sim/misbehaviour/:system_id', async (request) => {
    server.setSystemMisbehaviour(Number((request.params as { system_id: string }).system_id), undefined);
    return server.misbehaviour.toJSON();
  });

  app.post('/__sim/tokens', async () => tokenResponse(server.ctx, server.tokens.issuePair()));

  app.post('/__sim/authorization_code', async () => ({ code: server.tokens.issueCode() }));
}
