// The client's answer policy and its Accept headers, without a network: every status the API can
// give maps to one verdict (DESIGN §3 "401 means two things", "Permanent answers", 429).
import {
  ApiKeyRefusedError,
  BadResponseError,
  PermanentAnswerError,
  PlanRestrictedError,
  isRetryableStatus,
} from '../../src/enphase/errors/index.js';
import { acceptHeaderFor, successMediaTypes } from '../../src/enphase/media-types.js';
import {
  judgeAnswer,
  nextStep,
  unavailableError,
  type AnswerInput,
  type CallProgress,
  type CallRules,
  type Outcome,
  type Step,
} from '../../src/enphase/response-policy.js';
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

describe('nextStep: what the request loop does after one attempt', () => {
  const ctx = { endpoint: RGM, systemId: 7 };
  const rules: CallRules = {
    retryPolicy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 },
    max429Waits: 2,
    random: () => 0.5,
  };
  const fresh: CallProgress = { renewed: false, waits429: 0, failures: 0, elapsedMs: 0 };
  const answered = (status: number, body = '', more: Partial<Outcome> = {}): Outcome =>
    ({ answered: true, status, headers: {}, body, nowMs: NOW, ...more }) as Outcome;
  const errorOf = (s: Step): Error | undefined => ('error' in s ? s.error : undefined);
  const step = (outcome: Outcome, progress: Partial<CallProgress> = {}) =>
    nextStep(outcome, ctx, { ...fresh, ...progress }, rules);

  it('returns a 200 body that parses and passes the schema check', () => {
    expect(step(answered(200, '{"a":1}'))).toEqual({ kind: 'return', body: { a: 1 } });
    const validate = () => ({ ok: false as const, errors: ['/a must be string'] });
    const violated = step(answered(200, '{"a":1}', { validate }));
    expect(violated).toMatchObject({ kind: 'throw' });
    expect(errorOf(violated)).toBeInstanceOf(BadResponseError);
    expect(errorOf(violated)).toMatchObject({ retryable: false });
  });

  it('asks again for a 200 that does not parse, within the retry budget', () => {
    const html = answered(200, '<html>proxy</html>', { headers: { 'content-type': 'text/html' } });
    const retry = step(html);
    expect(retry).toMatchObject({ kind: 'retry', delayMs: 50 });
    const error = errorOf(retry);
    expect(error).toBeInstanceOf(BadResponseError);
    expect(error?.message).toMatch(/an HTML page instead of JSON: proxy/);
    expect(step(html, { failures: 2 })).toMatchObject({ kind: 'give-up' });
  });

  it('retries no answer and retryable statuses by retryDelay, then gives up', () => {
    const none = step({ answered: false, code: 'ECONNRESET' });
    expect(none).toMatchObject({ kind: 'retry', delayMs: 50 });
    expect(errorOf(none)).toMatchObject({ code: 'ECONNRESET', systemId: 7 });
    // The second failure's cap is twice the first's.
    expect(step(answered(503), { failures: 1 })).toMatchObject({ kind: 'retry', delayMs: 100 });
    expect(step(answered(503), { failures: 2 })).toMatchObject({ kind: 'give-up' });
    expect(step(answered(503), { elapsedMs: 9_990 })).toMatchObject({ kind: 'give-up' });
    const notFound = step(answered(404, '{"message":"Not Found"}'));
    expect(notFound).toMatchObject({ kind: 'give-up' });
    expect(errorOf(notFound)?.message).toMatch(/answered 404: Not Found/);
  });

  it('refreshes once after a 401; then remembers a restriction, or refuses the API key', () => {
    expect(step(answered(401))).toEqual({ kind: 'refresh-token' });
    expect(step(answered(401), { renewed: true })).toMatchObject({
      kind: 'remember',
      status: 401,
      level: 'warn',
      note: expect.stringMatching(/not included in the API plan/) as unknown as string,
    });
    const keyRefused = nextStep(
      answered(401),
      { endpoint: '/api/v4/systems' },
      { ...fresh, renewed: true },
      rules,
    );
    expect(keyRefused).toMatchObject({ kind: 'throw' });
    expect(errorOf(keyRefused)).toBeInstanceOf(ApiKeyRefusedError);
  });

  it('remembers permanent answers, our bugs at error level', () => {
    expect(step(answered(501))).toMatchObject({ kind: 'remember', status: 501, level: 'warn' });
    expect(step(answered(422))).toMatchObject({
      kind: 'remember',
      level: 'error',
      note: expect.stringMatching(/a bug to report/) as unknown as string,
    });
  });

  it('waits out max429Waits 429s for the minute, then counts them as failures; a month 429 waits for period_end', () => {
    const minute = answered(429, '', { headers: { 'retry-after': '3' } });
    expect(step(minute, { waits429: 1 })).toEqual({ kind: 'wait-429', waitMs: 3_000, period: 'minute' });
    const spent = step(minute, { waits429: 2 });
    expect(spent).toMatchObject({ kind: 'give-up' });
    expect(errorOf(spent)?.message).toMatch(/still 429 after 2 waits/);
    const periodEnd = Math.floor(NOW / 1000) + 3600;
    expect(step(answered(429, JSON.stringify({ period: 'month', period_end: periodEnd })))).toEqual({
      kind: 'wait-period',
      untilMs: periodEnd * 1000,
    });
  });

  it('turns a remembered restriction into the error its status calls for', () => {
    const at = NOW;
    const plan = unavailableError({ until: at + 1, status: 403, reason: 'Forbidden', at }, ctx);
    expect(plan).toBeInstanceOf(PlanRestrictedError);
    const permanent = unavailableError({ until: at + 1, status: 501, reason: 'Not Implemented', at }, ctx);
    expect(permanent).toBeInstanceOf(PermanentAnswerError);
    expect(permanent.retryable).toBe(false);
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
