// How long to wait before asking an HTTP server again, shared by both edges: the Enphase client
// (enphase/retry.ts) and the InfluxDB loader (loaders/backoff.ts). Each side keeps its own numbers
// there; the arithmetic lives here once. Pure functions of (attempt, header, clock, random), as
// got's calculate-retry-delay, so the timing is testable without a network.

/**
 * Exponential backoff with full jitter: uniform in [0, min(capMs, baseMs·2^(attempt−1))), so
 * clients that failed together spread out instead of hammering a recovering server in lockstep.
 * `attempt` counts failures so far, 1 for the first; `random` gives a number in [0, 1).
 */
export function jitteredBackoff(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds from `nowMs` that a Retry-After header asks for: delay-seconds (`120`, also `1.5`)
 * or an HTTP date; never negative. undefined when absent or unreadable (then the caller's own
 * rule decides). Unbounded: each side caps it by its own policy.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
