// The loader's retry timing: its numbers, on the arithmetic both HTTP edges share
// (http/retry-timing.ts).
import { jitteredBackoff, parseRetryAfter } from '../http/retry-timing.js';

export interface BackoffOptions {
  /** Upper bound of the first attempt's delay. */
  baseMs: number;
  /** No delay grows beyond this, however long the outage. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 60_000 };

/** A Retry-After longer than this is treated as this: a broken header must not park the loader for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Full-jitter backoff within `options`; `attempt` counts failures so far, 1 for the first. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  return jitteredBackoff(attempt, options.baseMs, options.capMs, random);
}

/**
 * Milliseconds a Retry-After header asks for, clamped to [0, MAX_RETRY_AFTER_MS]; undefined when
 * absent or unreadable (then backoffDelay decides).
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  const ms = parseRetryAfter(header, nowMs);
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}
