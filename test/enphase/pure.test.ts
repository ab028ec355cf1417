// The client's pure helpers: 429 bodies, error bodies, path templates, refresh timing, months.
import { isDueForRefresh, refreshMarginMs } from '../../src/enphase/auth.js';
import { fillTemplate } from '../../src/enphase/paths.js';
import { describeBody, read429 } from '../../src/enphase/answer-body.js';
import { monthOf, nextMonthStart } from '../../src/state/quota-ledger.js';

describe('read429', () => {
  const now = Date.UTC(2026, 10, 28, 12, 0, 0);
  it('reads period and period_end (epoch seconds) from the body', () => {
    const body = JSON.stringify({
      code: 429,
      period: 'minute',
      period_start: 1795867140,
      period_end: 1795867200,
    });
    expect(read429(body, undefined, now)).toEqual({
      period: 'minute',
      periodEndMs: 1795867200_000,
      retryAfterMs: undefined,
    });
  });
  it('honours Retry-After in seconds or as an HTTP date', () => {
    expect(read429('{}', '30', now).retryAfterMs).toBe(30_000);
    expect(read429('{}', new Date(now + 90_000).toUTCString(), now).retryAfterMs).toBe(90_000);
  });
  it('copes with a body that is not JSON', () => {
    expect(read429('<html>429</html>', undefined, now)).toEqual({
      period: undefined,
      periodEndMs: undefined,
      retryAfterMs: undefined,
    });
  });
});

describe('describeBody', () => {
  it('joins message and details of an Enphase error body', () => {
    expect(describeBody('{"message":"Not Found","details":"System not found","code":404}')).toBe(
      'Not Found: System not found',
    );
  });
  it('reduces an HTML error page to its text', () => {
    expect(describeBody('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
  });
  it('says so when the body is empty', () => {
    expect(describeBody('')).toBe('empty body');
  });
});

describe('fillTemplate', () => {
  it('fills and encodes path parameters, relative to prefixUrl', () => {
    expect(
      fillTemplate('/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry', {
        system_id: 7,
        serial_no: 'a/b c',
      }),
    ).toBe('api/v4/systems/7/devices/micros/a%2Fb%20c/telemetry');
  });
  it('refuses a missing parameter instead of requesting a wrong URL', () => {
    expect(() => fillTemplate('/api/v4/systems/{system_id}', {})).toThrow(/system_id/);
  });
});

describe('refresh timing', () => {
  const pair = (expiresIn: number | undefined, expiresAt: number | undefined) => ({
    accessToken: 'a',
    refreshToken: 'r',
    updatedAt: 0,
    source: 'refresh' as const,
    ...(expiresIn !== undefined ? { expiresIn } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  });
  it('refreshes a tenth of the lifetime before expiry, at most 5 minutes before', () => {
    expect(refreshMarginMs(86_400)).toBe(300_000);
    expect(refreshMarginMs(60)).toBe(6_000);
    expect(isDueForRefresh(pair(86_400, 1_000_000_000), 1_000_000_000 - 300_001)).toBe(false);
    expect(isDueForRefresh(pair(86_400, 1_000_000_000), 1_000_000_000 - 300_000)).toBe(true);
  });
  it('uses a token of unknown expiry until a 401, and refreshes at once when there is no access token', () => {
    expect(isDueForRefresh(pair(undefined, undefined), Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(isDueForRefresh({ ...pair(undefined, undefined), accessToken: '' }, 0)).toBe(true);
  });
});

describe('months', () => {
  it('uses UTC calendar months', () => {
    expect(monthOf(Date.UTC(2026, 0, 31, 23, 59, 59))).toBe('2026-01');
    expect(nextMonthStart(Date.UTC(2026, 11, 15))).toBe(Date.UTC(2027, 0, 1));
  });
});
