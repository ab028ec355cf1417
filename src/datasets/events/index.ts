// Dataset `events`: the system's events and alarms, labelled by the event types (README.md).
import { eventsExtractor } from '../../extractors/events.js';
import { ALL_PLANS } from '../../extractors/plans.js';
import { normalizeSystemAlarms, normalizeSystemEvents } from '../../normalize/events.js';
import { COUNT, TIME } from '../../normalize/measurement.js';
import { WEEK } from '../../normalize/time.js';
import { defineDataset, QUARTER_HOUR_MS } from '../descriptor.js';

export const events = defineDataset({
  name: 'events',
  plans: ALL_PLANS,
  window: { kind: 'events', span: WEEK, maxAgeMonths: 9 },
  fastestWorthMs: QUARTER_HOUR_MS,
  endpoints: [
    { path: '/api/v4/systems/event_types', operation: 'listEventTypes' },
    {
      path: '/api/v4/systems/{system_id}/events',
      operation: 'listSystemEvents',
      normalize: normalizeSystemEvents,
    },
    {
      path: '/api/v4/systems/{system_id}/alarms',
      operation: 'listSystemAlarms',
      normalize: normalizeSystemAlarms,
    },
  ],
  extractor: eventsExtractor,
  measurements: {
    events: {
      tags: ['system_id', 'event_type_id', 'serial'],
      fields: {
        status: 'string',
        end_time: 'int',
        event_type_key: 'string',
        event_name: 'string',
      },
      bounds: { end_time: TIME },
    },
    alarms: {
      tags: ['system_id', 'alarm_id'],
      fields: {
        event_type_id: 'int',
        severity: 'int',
        cleared: 'bool',
        end_time: 'int',
        serials: 'string',
        event_count: 'int',
        event_type_key: 'string',
        event_name: 'string',
      },
      bounds: { end_time: TIME, event_count: COUNT },
    },
  },
});
