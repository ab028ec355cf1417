// The events dataset's extractor: per window, the system's events and its alarms (asked twice,
// with cleared=false and cleared=true, since the endpoint answers one or the other); once per
// extract, the event types, which label both with their key and name. Requests: 1 + 3 per window.
import type { NormalizeContext } from '../normalize/body-readers.js';
import { eventTypeLabels } from '../normalize/events.js';
import type { DataPoint } from '../normalize/point.js';
import {
  append,
  callContext,
  datasetApplies,
  endpointOf,
  extractWindows,
  normalize,
  queryOf,
  windowsFor,
} from './core.js';
import type { Extractor, ExtractorSpec } from './types.js';

const PER_WINDOW = 3;

export function eventsExtractor(spec: ExtractorSpec): Extractor {
  const { dataset } = spec;
  const eventTypesEndpoint = endpointOf(spec, 'listEventTypes');
  const eventsEndpoint = endpointOf(spec, 'listSystemEvents');
  const alarmsEndpoint = endpointOf(spec, 'listSystemAlarms');
  return {
    dataset,
    plans: spec.plans,
    appliesTo: (system) => datasetApplies(spec, system),
    requestCount(system, from, to, now) {
      const windows = windowsFor(spec.window, system, from, to, now).length;
      return windows === 0 ? 0 : 1 + PER_WINDOW * windows;
    },
    async *extract(deps, system, from, to) {
      let eventTypes: ReturnType<typeof eventTypeLabels> | undefined;
      yield* extractWindows(deps, spec, system, from, to, async (window, get) => {
        const call = callContext(system, dataset, window);
        // The labels are the same for every window: asked once, counted against the first window.
        eventTypes ??= eventTypeLabels(
          (await get(eventTypesEndpoint.path, { pathParams: {} }, call)) as Parameters<
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
        const events = await get(eventsEndpoint.path, { ...path, query }, call);
        append(out, normalize(eventsEndpoint, events, ctx));
        for (const cleared of ['false', 'true']) {
          const body = await get(alarmsEndpoint.path, { ...path, query: { ...query, cleared } }, call);
          append(out, normalize(alarmsEndpoint, body, ctx));
        }
        return out;
      });
    },
  };
}
