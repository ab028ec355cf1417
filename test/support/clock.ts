// Clocks for tests that depend on "now". A test never reads the machine's date for a value it
// asserts: it runs on a clock that starts at a fixed instant (so month, year and DST boundaries
// are the test's choice, not the calendar's) and advances at the real pace (so timeouts, the
// limiter's windows and 429 waits behave as in production).

/** A clock that reads `startMs` now and advances with real time from here on. */
export function clockFrom(startMs: number): () => number {
  const offset = startMs - Date.now();
  return () => Date.now() + offset;
}

/** Mid-month, mid-week, far from any DST change: for tests that need "an ordinary now". */
export const ORDINARY_INSTANT = Date.UTC(2026, 5, 17, 10, 0, 0);
