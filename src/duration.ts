// Durations in configuration (`SETTLE_WINDOW=90m`, `SYNC_INTERVAL=30s`). The contract allows one
// number and one unit, nothing more, so a strict regular expression says it better than a
// general-purpose parser that would also accept "1.5 hours" or a bare number of milliseconds.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS = { s: 1_000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;
const DURATION = /^(\d+)(s|m|h|d)$/;

/** Milliseconds for a duration like `30s`, `90m`, `12h` or `2d`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}

/** The shortest exact spelling of a duration, for messages and `plan` output. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
