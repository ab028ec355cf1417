import fc from 'fast-check';
import {
  ApiError,
  AuthError,
  BadResponseError,
  PlanRestrictedError,
} from '../../src/enphase/errors/index.js';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from '../../src/enphase/retry.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 };
const retryable = { retryable: true };

describe('retryDelay', () => {
  it('grows the cap exponentially and draws the delay uniformly below it (full jitter)', () => {
    const justBelowOne = () => 0.999_999;
    expect(
      [1, 2, 3, 4].map((attempt) => retryDelay({ attempt, error: retryable, policy, random: justBelowOne })),
    ).toEqual([99, 199, 399, 799]);
    expect(retryDelay({ attempt: 2, error: retryable, policy, random: () => 0 })).toBe(0);
    expect(retryDelay({ attempt: 3, error: retryable, policy, random: () => 0.5 })).toBe(200);
  });

  it('never exceeds maxDelayMs', () => {
    const wide = { ...policy, maxAttempts: 50 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 49 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, r) => {
          const d = retryDelay({ attempt, error: retryable, policy: wide, random: () => r });
          return d !== undefined && d >= 0 && d < wide.maxDelayMs;
        },
      ),
    );
  });

  it('gives up after maxAttempts attempts in all', () => {
    expect(retryDelay({ attempt: 4, error: retryable, policy, random: () => 0.1 })).toBeDefined();
    expect(retryDelay({ attempt: 5, error: retryable, policy, random: () => 0.1 })).toBeUndefined();
  });

  it('gives up when the next attempt would start after maxTotalMs', () => {
    expect(
      retryDelay({ attempt: 1, error: retryable, policy, elapsedMs: 9_950, random: () => 0.9 }),
    ).toBeUndefined();
    expect(retryDelay({ attempt: 1, error: retryable, policy, elapsedMs: 9_950, random: () => 0.1 })).toBe(
      10,
    );
  });

  it('retries 5xx, 408, network errors and timeouts; not other 4xx, auth, plan or bad bodies', () => {
    const delay = (error: { retryable: boolean }) => retryDelay({ attempt: 1, error, random: () => 0.5 });
    for (const status of [500, 502, 503, 504, 408])
      expect(delay(new ApiError('x', { status }))).toBeDefined();
    expect(delay(new ApiError('timeout', { code: 'ETIMEDOUT' }))).toBeDefined();
    expect(delay(new ApiError('reset', { code: 'ECONNRESET' }))).toBeDefined();
    for (const status of [400, 404, 405, 409, 422])
      expect(delay(new ApiError('x', { status }))).toBeUndefined();
    expect(delay(new AuthError('x'))).toBeUndefined();
    expect(delay(new PlanRestrictedError('x', { until: 0 }))).toBeUndefined();
    expect(delay(new BadResponseError('x', { problems: [] }))).toBeUndefined();
  });

  it('has a default policy bounded in count and time', () => {
    let elapsed = 0;
    let attempt = 1;
    for (;;) {
      const d = retryDelay({ attempt, error: retryable, elapsedMs: elapsed, random: () => 0.999 });
      if (d === undefined) break;
      elapsed += d;
      attempt += 1;
    }
    expect(attempt).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(elapsed).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalMs);
  });
});
