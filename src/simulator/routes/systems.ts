// System details: the list (pages, size ≤ 100, sort), search, one system, its summary and
// devices, retrieve_system_id and the inverters summary.
import type { FastifyInstance } from 'fastify';
import type { operations } from '../../enphase/api-types.js';
import { intParam, stringParam, type SimContext } from '../context.js';
import type { SystemProfile } from '../model/profile.js';
import { lastReportAt } from '../model/reporting.js';
import { localDate } from '../model/local-time.js';

type SystemListBody = operations['listSystems']['responses'][200]['content']['application/json'];
type SystemItem = NonNullable<SystemListBody['systems']>[number];
type SystemDetail = operations['getSystemById']['responses'][200]['content']['application/json'];
type SearchBody = NonNullable<operations['searchSystems']['requestBody']>['content']['application/json'];

const SORT_DETAILS =
  "Invalid request because of 'The sorting parameter is not supported. Please use id for sorting by Asc or -id for sorting by Desc'";

export function systemJson(ctx: SimContext, system: SystemProfile): SystemItem & SystemDetail {
  const nowSec = ctx.nowSec();
  const reportedAt = lastReportAt(system, nowSec);
  return {
    system_id: system.id,
    name: system.name,
    public_name: system.publicName,
    timezone: system.place.timezone,
    address: {
      city: system.place.city,
      state: system.place.state,
      country: system.place.country,
      postal_code: system.place.postalCode,
    },
    connection_type: system.connectionType,
    energy_lifetime: -1,
    energy_today: -1,
    system_size: -1,
    status: system.status,
    last_report_at: reportedAt,
    last_energy_at: reportedAt,
    operational_at: system.operationalAt,
    attachment_type: system.attachmentType,
    interconnect_date: localDate(system.operationalAt, system.place.timezone),
    reference: system.reference,
    other_references: [system.reference],
  };
}

interface Paging {
  page: number;
  size: number;
}

/** page ≥ 1, 1 ≤ size ≤ maxSize; a string describing the problem otherwise. */
function readPaging(query: unknown, maxSize: number): Paging | string {
  const page = intParam(query, 'page') ?? 1;
  const size = intParam(query, 'size') ?? 10;
  if (Number.isNaN(page) || page < 1)
    return "Invalid request because of 'page must be an integer greater than or equal to 1'";
  if (Number.isNaN(size) || size < 1 || size > maxSize) {
    return `Invalid request because of 'size must be an integer between 1 and ${maxSize}'`;
  }
  return { page, size };
}

function pageOf(ctx: SimContext, ids: number[], paging: Paging, descending: boolean): SystemListBody {
  const ordered = descending ? [...ids].reverse() : ids;
  const slice = ordered.slice((paging.page - 1) * paging.size, paging.page * paging.size);
  return {
    total: ids.length,
    current_page: paging.page,
    size: paging.size,
    count: slice.length,
    items: 'systems',
    systems: slice.map((id) => systemJson(ctx, ctx.fleet.system(id)!)),
  };
}

export function registerSystemRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/api/v4/systems', async (request, reply) => {
    const paging = readPaging(request.query, 100);
    if (typeof paging === 'string') return ctx.reply422(reply, paging);
    const sortBy = stringParam(request.query, 'sort_by') ?? 'id';
    if (sortBy !== 'id' && sortBy !== '-id') return ctx.reply422(reply, SORT_DETAILS);
    return pageOf(ctx, ctx.fleet.ids(), paging, sortBy === '-id');
  });

  app.post('/api/v4/systems/search', async (request, reply) => {
    const paging = readPaging(request.query, 1000);
    if (typeof paging === 'string') return ctx.reply422(reply, paging);
    const body = (request.body ?? {}) as Partial<SearchBody>;
    if (!body.system || typeof body.system !== 'object')
      return ctx.reply422(reply, 'system is missing at Json body location');
    const sortBy = body.sort_by ?? 'id';
    if (sortBy !== 'id' && sortBy !== '-id') return ctx.reply422(reply, SORT_DETAILS);
    const known = new Set(['ids', 'name', 'reference', 'other_reference', 'statuses']);
    const unknown = Object.keys(body.system).filter((k) => !known.has(k));
    if (unknown.length > 0)
      return ctx.reply422(reply, `Invalid request because of 'unknown search keys: ${unknown.join(', ')}'`);
    const filter = body.system;
    const ids = (
      filter.ids && filter.ids.length > 0
        ? filter.ids.filter((id) => ctx.fleet.has(id)).sort((a, b) => a - b)
        : ctx.fleet.ids()
    ).filter((id) => {
      const s = ctx.fleet.system(id)!;
      if (filter.name && !s.name.toLowerCase().includes(filter.name.toLowerCase())) return false;
      if (filter.reference && s.reference !== filter.reference) return false;
      if (filter.other_reference && s.reference !== filter.other_reference) return false;
      if (filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(s.status)) return false;
      return true;
    });
    // The search answer's address has no city (the spec's schema for it lists none).
    const page = pageOf(ctx, [...new Set(ids)], paging, sortBy === '-id');
    for (const system of page.systems ?? []) {
      if (system.address) delete system.address.city;
    }
    return page;
  });

  app.get('/api/v4/systems/:system_id', async (request, reply) => {
    const system = ctx.systemOr404(request, reply);
    if (!system) return reply;
    return systemJson(ctx, system);
  });
}
