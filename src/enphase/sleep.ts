// Waiting that a shutdown can interrupt: the limiter, the quota and 429 handling all sleep,
// sometimes for long (until the next month), and SIGTERM must not wait for that.
import { setTimeout as delay } from 'node:timers/promises';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export const sleep: Sleep = async (ms, signal) => {
  // setTimeout's limit is 2^31-1 ms (~24.8 days); a month-long wait is done in steps.
  const MAX = 2_147_483_647;
  let left = Math.max(0, ms);
  do {
    const step = Math.min(left, MAX);
    try {
      await delay(step, undefined, signal ? { signal } : undefined);
    } catch (error) {
      // Node rejects with a generic AbortError; callers want the reason they aborted with.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
    left -= step;
  } while (left > 0);
};
