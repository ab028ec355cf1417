// The retry arithmetic both HTTP edges share; each side's own numbers are tested with it
// (test/enphase/retry.test.ts, test/loaders/policy.test.ts).
import { jitteredBackoff, parseRetryAfter } from '../../src/http/retry-timing.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds, fractions too, and HTTP dates, never below zero and without a cap', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('99999999', now)).toBe(99_999_999_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
  it('gives undefined for an absent, empty or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('jitteredBackoff', () => {
  it('draws below min(cap, base·2^(attempt−1)), treating attempts below 1 as the first', () => {
    const top = (attempt: number) => jitteredBackoff(attempt, 100, 1_000, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 5, 100].map(top)).toEqual([99, 99, 199, 399, 799, 999, 999]);
    expect(jitteredBackoff(3, 100, 1_000, () => 0)).toBe(0);
  });
});
