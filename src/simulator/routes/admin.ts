// Admin routes under /__sim/ for child processes and the demo: no auth, not counted, not logged.
import type { FastifyInstance } from 'fastify';
import type { FaultOptions, SystemFaults } from '../faults.js';
import { matchesFilter, type RequestLogFilter } from '../request-log.js';
import type { SimServer } from '../server.js';
import { tokenResponse } from './oauth.js';

export function registerAdminRoutes(app: FastifyInstance, server: SimServer): void {
  app.get('/__sim/requests', async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const filter: RequestLogFilter = {};
    if (query.route) filter.route = query.route;
    if (query.method) filter.method = query.method;
    if (query.status) filter.status = Number(query.status);
    if (query.system_id) filter.systemId = Number(query.system_id);
    const entries = server.requestLog.entries().filter((e) => matchesFilter(e, filter));
    return { count: entries.length, entries };
  });

  app.delete('/__sim/requests', async (_request, reply) => {
    server.requestLog.clear();
    return reply.code(204).send();
  });

  app.post('/__sim/faults', async (request) => {
    const faults = (request.body ?? {}) as FaultOptions;
    server.setFaults(faults);
    return { faults };
  });

  app.post('/__sim/system-faults', async (request) => {
    const systemFaults = (request.body ?? {}) as SystemFaults;
    server.setSystemFaults(systemFaults);
    return { systemFaults };
  });

  app.post('/__sim/tokens', async () => tokenResponse(server.ctx, server.tokens.issuePair()));

  app.post('/__sim/authorization_code', async () => ({ code: server.tokens.issueCode() }));
}
