// Dataset `events`: system events (GET …/events) and alarms (GET …/alarms, once with
// cleared=false and once with cleared=true, since the endpoint answers one or the other), in
// windows of at most one week, never older than 9 months. The event types (GET
// /api/v4/systems/event_types, one request per extract) label both with their key and name.
// Every plan. Requests: 1 + 3 per window.
import { eventTypeLabels, type NormalizeContext } from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import { append, callContext, extractWindows, normalize, queryOf, windowsFor } from './core.js';
import { ALL_PLANS } from './plans.js';
import type { Extractor } from './types.js';

const PER_WINDOW = 3;

export const eventsExtractor: Extractor = {
  dataset: 'events',
  plans: ALL_PLANS,
  appliesTo: () => true,
  requestCount(system, from, to, now) {
    const windows = windowsFor('events', system, from, to, now).length;
    return windows === 0 ? 0 : 1 + PER_WINDOW * windows;
  },
  async *extract(deps, system, from, to) {
    let eventTypes: ReturnType<typeof eventTypeLabels> | undefined;
    yield* extractWindows(deps, 'events', system, from, to, async (window, get) => {
      const call = callContext(system, 'events', window);
      // The labels are the same for every window: asked once, counted against the first window.
      eventTypes ??= eventTypeLabels(
        (await get('/api/v4/systems/event_types', { pathParams: {} }, call)) as Parameters<
          typeof eventTypeLabels
        >[0],
      );
      const ctx: NormalizeContext = {
        systemId: system.id,
        eventTypes,
        window: { from: window.from, to: window.to },
      };
      const out: DataPoint[] = [];
      const query = queryOf(window);
      const path = { pathParams: { system_id: system.id } };
      const events = await get('/api/v4/systems/{system_id}/events', { ...path, query }, call);
      append(out, normalize('listSystemEvents', events, ctx));
      for (const cleared of ['false', 'true']) {
        const body = await get(
          '/api/v4/systems/{system_id}/alarms',
          { ...path, query: { ...query, cleared } },
          call,
        );
        append(out, normalize('listSystemAlarms', body, ctx));
      }
      return out;
    });
  },
};
