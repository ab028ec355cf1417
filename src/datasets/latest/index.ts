// Dataset `latest`: the latest power reported by each device group (README.md).
import { ALL_PLANS } from '../../extractors/plans.js';
import { snapshotExtractor } from '../../extractors/snapshot.js';
import { normalizeLatestTelemetry } from '../../normalize/latest.js';
import { power } from '../../normalize/measurement.js';
import { defineDataset, QUARTER_HOUR_MS } from '../descriptor.js';

export const latest = defineDataset({
  name: 'latest',
  plans: ALL_PLANS,
  window: { kind: 'snapshot' },
  fastestWorthMs: QUARTER_HOUR_MS,
  endpoints: [
    {
      path: '/api/v4/systems/{system_id}/latest_telemetry',
      operation: 'getLatestSystemTelemetry',
      normalize: normalizeLatestTelemetry,
    },
  ],
  extractor: snapshotExtractor,
  measurements: {
    latest: {
      tags: ['system_id', 'kind', 'device_id', 'channel'],
      fields: { power_w: 'int', operational_mode: 'string' },
      // A net meter reads negative while exporting, a battery while charging.
      bounds: { power_w: power('site', true) },
    },
  },
});
