// Dataset `system`: a snapshot of the system's description (GET /api/v4/systems/{system_id}, the
// same fields as its systems-list entry) and its summary (GET …/summary: power now, energy today
// and lifetime, size, battery capacity). Every plan. Two requests per extract.
import { ALL_PLANS } from './plans.js';
import { snapshotExtractor } from './snapshot.js';

export const systemExtractor = snapshotExtractor({
  dataset: 'system',
  plans: ALL_PLANS,
  endpoints: [
    { path: '/api/v4/systems/{system_id}', operation: 'getSystemById' },
    { path: '/api/v4/systems/{system_id}/summary', operation: 'getSystemSummary' },
  ],
});
