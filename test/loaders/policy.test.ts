import fc from 'fast-check';
import { backoffDelay, MAX_RETRY_AFTER_MS, retryAfterMs } from '../../src/loaders/backoff.js';
import { classifyFailure, classifyResponse, errorReason, halves } from '../../src/loaders/policy.js';

describe('classifyResponse', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it.each([200, 201, 204])('delivers on %i', (status) => {
    expect(classifyResponse({ status, body: '' }, now)).toEqual({ kind: 'delivered' });
  });

  it('splits on 413', () => {
    expect(classifyResponse({ status: 413, body: 'too large' }, now).kind).toBe('split');
  });

  it.each([429, 500, 502, 503, 504])('retries %i, honouring Retry-After when given', (status) => {
    expect(classifyResponse({ status, body: '' }, now)).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
    expect(classifyResponse({ status, body: '', retryAfter: '7' }, now)).toMatchObject({
      kind: 'retry',
      waitMs: 7_000,
    });
  });

  it.each([401, 403, 404])('calls %i a configuration error', (status) => {
    expect(classifyResponse({ status, body: '{"error":"authorization failed"}' }, now)).toEqual({
      kind: 'config',
      status,
      reason: `HTTP ${status}: authorization failed`,
    });
  });

  it('calls a 400 about the request (no org for InfluxDB 2.x) a configuration error, not bad lines', () => {
    const body = '{"code":"invalid","message":"Please provide either orgID or org"}';
    expect(classifyResponse({ status: 400, body }, now)).toMatchObject({ kind: 'config', status: 400 });
  });

  it.each([400, 422])('rejects bad data on %i with InfluxDB reason', (status) => {
    const body = JSON.stringify({
      error:
        'partial write: field type conflict: input field "energy_wh" on measurement "rgm" is type float, already exists as type integer dropped=1',
    });
    expect(classifyResponse({ status, body }, now)).toEqual({
      kind: 'reject',
      reason: expect.stringContaining('field type conflict') as unknown as string,
    });
  });
});

describe('errorReason', () => {
  it('takes the message of InfluxDB 2.x JSON and the error of 1.x JSON', () => {
    expect(errorReason(400, '{"code":"invalid","message":"unable to parse"}')).toBe(
      'HTTP 400: unable to parse',
    );
    expect(errorReason(400, '{"error":"unable to parse \'x\'"}')).toBe("HTTP 400: unable to parse 'x'");
  });
  it('keeps a plain body and shortens a long one', () => {
    expect(errorReason(502, 'Bad Gateway')).toBe('HTTP 502: Bad Gateway');
    expect(errorReason(400, 'x'.repeat(2_000)).length).toBeLessThan(520);
    expect(errorReason(503, '')).toBe('HTTP 503');
  });
});

describe('classifyFailure', () => {
  it('retries socket errors and timeouts', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyFailure(refused)).toMatchObject({ kind: 'retry' });
    const timeout = new Error('timed out');
    timeout.name = 'RequestTimedOutError';
    expect(classifyFailure(timeout)).toMatchObject({ kind: 'retry' });
  });
  it('does not retry a programming error', () => {
    expect(classifyFailure(new TypeError('x is not a function'))).toBeUndefined();
    expect(classifyFailure('a string')).toBeUndefined();
  });
});

describe('halves', () => {
  it('splits into two non-empty parts that rebuild the input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 2, maxLength: 200 }), (items) => {
        const [a, b] = halves(items);
        expect(a.length).toBeGreaterThan(0);
        expect(b.length).toBeGreaterThan(0);
        expect([...a, ...b]).toEqual(items);
      }),
    );
  });
});

describe('backoffDelay', () => {
  const options = { baseMs: 100, capMs: 5_000 };

  it('stays within [0, min(cap, base·2^(attempt−1))] (full jitter)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, options, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(5_000, 100 * 2 ** (attempt - 1)));
        },
      ),
    );
  });

  it('grows exponentially until the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, options, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999]);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:45 GMT', now)).toBe(45_000);
  });
  it('ignores absent and unreadable values, clamps past dates and huge values', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
