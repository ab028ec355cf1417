// The whole retry policy of the client as one pure function (the shape of got's
// calculate-retry-delay): given which attempt failed and how, how long to wait before the next
// one, or `undefined` to give up. No clock and no randomness of its own, so it is testable
// without a network.
//
// Exponential backoff with full jitter (http/retry-timing.ts, shared with the loader): workers
// that failed together do not retry together. Bounded twice: by the number of attempts and by the
// total time spent, so a job never hangs on a sick API.
//
// 401 and 429 never come here: the response policy handles them (refresh once; wait for
// period_end), because their delay is known, not guessed.
import { jitteredBackoff } from '../http/retry-timing.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Cap of the first retry's delay (ms); doubles each attempt. */
  baseDelayMs: number;
  /** No single delay above this (ms). */
  maxDelayMs: number;
  /** No retry that would end later than this after the first attempt began (ms). */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 120_000,
};

export interface RetryInput {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** What it failed with; only `retryable` is read. */
  error: { retryable: boolean };
  /** Time since the first attempt began (ms). */
  elapsedMs?: number;
  policy?: RetryPolicy;
  /** A number in [0, 1): Math.random in production, fixed in tests. */
  random?: () => number;
}

/** Milliseconds to wait before the next attempt, or undefined: do not retry. */
export function retryDelay(input: RetryInput): number | undefined {
  const policy = input.policy ?? DEFAULT_RETRY_POLICY;
  if (!input.error.retryable) return undefined;
  if (input.attempt >= policy.maxAttempts) return undefined;
  const delay = jitteredBackoff(
    input.attempt,
    policy.baseDelayMs,
    policy.maxDelayMs,
    input.random ?? Math.random,
  );
  if ((input.elapsedMs ?? 0) + delay > policy.maxTotalMs) return undefined;
  return delay;
}
