// The error bodies of src/simulator/error-bodies.ts: each route family gets its own shape, and
// every live_data body stamps `timestamp_utc` with milliseconds, as the OpenAPI file's examples do
// (the gateway's 401 and 429 once wrote microseconds while the route's own errors wrote ms).
import {
  liveErrorBody,
  tooManyRequestsBody,
  unauthorizedBody,
  LIVE_DATA_ROUTE,
} from '../../src/simulator/error-bodies.js';

const NOW_MS = Date.UTC(2023, 2, 17, 8, 25, 8, 556);
const SPEC_STAMP = '2023-03-17 08:25:08.556';
const MINUTE_LIMIT = { ok: false, period: 'minute', periodStart: 1, periodEnd: 61, limit: 10 } as const;

it('live_data: every error body carries the same millisecond time stamp', () => {
  const bodies = [
    liveErrorBody(468, NOW_MS),
    unauthorizedBody(LIVE_DATA_ROUTE, 'User is not authorized', NOW_MS, false),
    unauthorizedBody(LIVE_DATA_ROUTE, 'User is not authorized', NOW_MS, true),
    tooManyRequestsBody(LIVE_DATA_ROUTE, 'partner', MINUTE_LIMIT, NOW_MS),
  ] as Record<string, unknown>[];
  for (const body of bodies) {
    expect(body).toMatchObject({ timestamp_epoch: NOW_MS, timestamp_utc: SPEC_STAMP });
  }
});

it('the gateway answers each route family in its own shape', () => {
  expect(unauthorizedBody('/api/v4/systems/{system_id}/summary', 'x', NOW_MS, false)).toEqual({
    message: 'Not Authorized',
    details: 'x',
    code: 401,
  });
  expect(unauthorizedBody('/api/v4/systems/{system_id}/ev_charger/devices', 'x', NOW_MS, false)).toEqual({
    message: 'Not Authorized',
    code: '401',
    details: 'x',
  });
  expect(unauthorizedBody(LIVE_DATA_ROUTE, 'x', NOW_MS, true)).toMatchObject({
    error: { code: 401, message: 'API Key is missing', status: 'NOT_AUTHENTICATED' },
    type: 'authentication_error',
  });
  expect(tooManyRequestsBody('/api/v4/systems', 'kilowatt', MINUTE_LIMIT, NOW_MS)).toEqual({
    message: 'Too Many Requests',
    details: 'Usage limit exceeded for plan Kilowatt',
    code: 429,
    period: 'minute',
    period_start: 1,
    period_end: 61,
    limit: 10,
  });
  expect(tooManyRequestsBody(LIVE_DATA_ROUTE, 'partner', MINUTE_LIMIT, NOW_MS)).toMatchObject({
    error: { code: 429, details: [{ period: 'minute', period_start: 1, period_end: 61, limit: 10 }] },
    type: 'request_exceeded_error',
  });
});
