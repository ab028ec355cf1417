// Dataset `latest`: the latest power reported by each device group (GET
// /api/v4/systems/{system_id}/latest_telemetry), stamped with each device's last_report_at. Every
// plan. One request per extract.
import { ALL_PLANS } from './plans.js';
import { snapshotExtractor } from './snapshot.js';

export const latestExtractor = snapshotExtractor({
  dataset: 'latest',
  plans: ALL_PLANS,
  endpoints: [
    { path: '/api/v4/systems/{system_id}/latest_telemetry', operation: 'getLatestSystemTelemetry' },
  ],
});
