// How long to wait before the next attempt: pure functions of (attempt, header, clock, random), so
// the whole retry timing is testable without a network (got's calculate-retry-delay does the same).

export interface BackoffOptions {
  /** Upper bound of the first attempt's delay. */
  baseMs: number;
  /** No delay grows beyond this, however long the outage. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 60_000 };

/** A Retry-After longer than this is treated as this: a broken header must not park the loader for days. */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/**
 * Exponential backoff with full jitter (uniform in [0, min(cap, base·2^(attempt−1))]): clients that
 * failed together spread out instead of hammering a recovering server in lockstep.
 * `attempt` counts failures so far, 1 for the first.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds a Retry-After header asks for: delta-seconds (`120`) or an HTTP date. undefined when
 * absent or unreadable (then backoffDelay decides). Clamped to [0, MAX_RETRY_AFTER_MS].
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1_000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
