// The client's answer policy and its Accept headers, without a network: every status the API can
// give maps to one verdict (DESIGN §3 "401 means two things", "Permanent answers", 429).
import { isRetryableStatus } from '../../src/enphase/errors/index.js';
import { acceptHeaderFor, successMediaTypes } from '../../src/enphase/media-types.js';
import { judgeAnswer, type AnswerInput } from '../../src/enphase/response-policy.js';
import { acceptsMediaType } from '../../src/simulator/content-negotiation.js';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const RGM = '/api/v4/systems/{system_id}/rgm_stats';
const MICRO = '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry';

function answer(status: number, more: Partial<AnswerInput> = {}): AnswerInput {
  return { endpoint: RGM, status, headers: {}, body: '', renewed: false, nowMs: NOW, ...more };
}

describe('judgeAnswer', () => {
  it('200 is ok; a first 401 refreshes the token', () => {
    expect(judgeAnswer(answer(200))).toEqual({ kind: 'ok' });
    expect(judgeAnswer(answer(401))).toEqual({ kind: 'refresh-token' });
  });

  it('a 401 with a fresh token, or a 403, is a restriction of this endpoint', () => {
    const body =
      '{"message":"Not Authorized","details":"Not authorized to access requested resource","code":401}';
    expect(judgeAnswer(answer(401, { renewed: true, body }))).toEqual({
      kind: 'restricted',
      status: 401,
      reason: 'Not Authorized: Not authorized to access requested resource',
    });
    expect(judgeAnswer(answer(403, { body }))).toMatchObject({ kind: 'restricted', status: 403 });
  });

  it('a 401 with a fresh token on the systems list or a system’s record is the API key', () => {
    for (const endpoint of ['/api/v4/systems', '/api/v4/systems/{system_id}']) {
      expect(judgeAnswer(answer(401, { endpoint, renewed: true }))).toMatchObject({
        kind: 'credentials',
        credential: 'ENPHASE_API_KEY',
      });
      // The first 401 is still a token matter.
      expect(judgeAnswer(answer(401, { endpoint }))).toEqual({ kind: 'refresh-token' });
    }
  });

  it('501, 400, 422 and a 404 for a device are permanent; 400 and 422 are our bug (error level)', () => {
    const notImplemented = '{"reason":"501","message":["Not Implemented"]}';
    expect(judgeAnswer(answer(501, { body: notImplemented }))).toEqual({
      kind: 'permanent',
      status: 501,
      reason: 'Not Implemented',
      level: 'warn',
    });
    expect(judgeAnswer(answer(400))).toMatchObject({ kind: 'permanent', level: 'error' });
    expect(judgeAnswer(answer(422))).toMatchObject({ kind: 'permanent', level: 'error' });
    expect(judgeAnswer(answer(404, { endpoint: MICRO }))).toMatchObject({ kind: 'permanent', level: 'warn' });
    // A 404 for a system is not a device's: a plain failure, not retried.
    expect(judgeAnswer(answer(404))).toMatchObject({ kind: 'fail', status: 404, retryable: false });
  });

  it('5xx (but 501) and 408 fail retryably; other 4xx fail for good', () => {
    for (const status of [500, 502, 503, 504, 408])
      expect(judgeAnswer(answer(status))).toMatchObject({ kind: 'fail', retryable: true });
    expect(judgeAnswer(answer(405))).toMatchObject({ kind: 'fail', retryable: false });
    expect(isRetryableStatus(501)).toBe(false);
    expect(isRetryableStatus(503)).toBe(true);
  });

  it('a 429 for the month waits for period_end (at least a minute); for the minute, until it ends', () => {
    const periodEnd = Math.floor(NOW / 1000) + 3600;
    expect(
      judgeAnswer(answer(429, { body: JSON.stringify({ period: 'month', period_end: periodEnd }) })),
    ).toEqual({ kind: 'wait-period', untilMs: periodEnd * 1000 });
    // period_end already past by our clock: not a loop of requests.
    expect(
      judgeAnswer(answer(429, { body: JSON.stringify({ period: 'month', period_end: periodEnd - 7200 }) })),
    ).toEqual({ kind: 'wait-period', untilMs: NOW + 60_000 });
    expect(
      judgeAnswer(
        answer(429, { body: JSON.stringify({ period: 'minute', period_end: Math.floor(NOW / 1000) + 20 }) }),
      ),
    ).toEqual({ kind: 'retry-after', waitMs: 20_000, period: 'minute' });
    expect(judgeAnswer(answer(429, { headers: { 'retry-after': '7' } }))).toEqual({
      kind: 'retry-after',
      waitMs: 7_000,
      period: 'minute',
    });
  });
});

describe('Accept headers from the OpenAPI file', () => {
  it('asks the EV charger operations for the octet-stream they declare, JSON less preferred', () => {
    const ev = '/api/v4/systems/{system_id}/ev_charger/{serial_no}/telemetry';
    expect(successMediaTypes('get', ev)).toEqual(['application/octet-stream']);
    // Their errors are declared octet-stream too; JSON is still accepted, at a lower preference.
    expect(acceptHeaderFor('get', ev)).toBe('application/octet-stream, application/json;q=0.5');
    expect(acceptHeaderFor('get', RGM)).toBe('application/json');
    expect(acceptHeaderFor('get', '/api/v4/systems/{system_id}/ev_charger/devices')).toMatch(
      /^application\/octet-stream/,
    );
  });

  it('reads an Accept header as RFC 9110 does (the simulator’s 406)', () => {
    const octet = 'application/octet-stream';
    expect(acceptsMediaType(undefined, octet)).toBe(true);
    expect(acceptsMediaType('*/*', octet)).toBe(true);
    expect(acceptsMediaType('application/*', octet)).toBe(true);
    expect(acceptsMediaType('application/octet-stream, application/json', octet)).toBe(true);
    expect(acceptsMediaType('application/json', octet)).toBe(false);
    expect(acceptsMediaType('application/octet-stream;q=0, */*;q=0', octet)).toBe(false);
  });
});
