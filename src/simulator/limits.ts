// Request limits per API key, as the Enphase gateway applies them: a per-minute limit over a
// rolling window (so "never more than N in any window" holds, as DESIGN §3 asks of the client)
// and a per-month quota over the calendar month (UTC), both on the simulated clock.
import type { PlanLimits } from '../enphase/plans.js';

export type LimitDecision =
  | { ok: true }
  | { ok: false; period: 'minute' | 'month'; periodStart: number; periodEnd: number; limit: number };

interface KeyUsage {
  /** Admitted requests inside the rolling window, oldest first (epoch ms). */
  window: number[];
  monthStart: number;
  monthCount: number;
}

export function monthBounds(nowMs: number): { start: number; end: number } {
  const d = new Date(nowMs);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

export class RateLimits {
  private readonly usage = new Map<string, KeyUsage>();

  constructor(private readonly windowMs: number) {}

  /**
   * Counts one request of `keyId` and says whether it may proceed. Every request with a valid key
   * counts toward the month (Enphase counts them, whatever the answer); the rolling window holds
   * only admitted requests, so a client that waits until `periodEnd` is let in again.
   */
  take(keyId: string, limits: PlanLimits, nowMs: number): LimitDecision {
    const month = monthBounds(nowMs);
    let usage = this.usage.get(keyId);
    if (!usage || usage.monthStart !== month.start) {
      usage = { window: usage?.window ?? [], monthStart: month.start, monthCount: 0 };
      this.usage.set(keyId, usage);
    }
    usage.monthCount += 1;
    if (limits.perMonth !== null && usage.monthCount > limits.perMonth) {
      return {
        ok: false,
        period: 'month',
        periodStart: Math.floor(month.start / 1000),
        periodEnd: Math.floor(month.end / 1000),
        limit: limits.perMonth,
      };
    }
    const window = usage.window;
    while (window.length > 0 && window[0]! <= nowMs - this.windowMs) window.shift();
    if (window.length >= limits.perMinute) {
      const oldest = window[0]!;
      return {
        ok: false,
        period: 'minute',
        periodStart: Math.floor(oldest / 1000),
        periodEnd: Math.ceil((oldest + this.windowMs) / 1000),
        limit: limits.perMinute,
      };
    }
    window.push(nowMs);
    return { ok: true };
  }

  /** Requests counted this month for a key (for the admin route and tests). */
  monthCount(keyId: string, nowMs: number): number {
    const usage = this.usage.get(keyId);
    return usage && usage.monthStart === monthBounds(nowMs).start ? usage.monthCount : 0;
  }
}
