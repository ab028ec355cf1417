// The gates between a token and the wire, in this order: a permit of the shared rate limiter, then
// the month's ledger, which counts the request before it leaves (and refuses while the month's
// budget is spent or a 429 for the month is in force). When the month refuses, the service waits
// for the month's end and a one-shot command throws QuotaExhaustedError (rerun later).
import type { Logger } from '../log.js';
import type { QuotaLedger } from '../state/quota-ledger.js';
import { QuotaExhaustedError, describeContext, type RequestContext } from './errors/index.js';
import type { RateLimiter, RatePermit } from './limiter.js';
import type { Sleep } from './sleep.js';

export interface AdmissionOptions {
  limiter: RateLimiter;
  quota: QuotaLedger;
  /** Let this client spend the quota reserve (interactive commands). */
  useReserve: boolean;
  /** When the month's budget is spent: wait for the next month (service) or throw (one-shot). */
  onQuotaExhausted: 'wait' | 'throw';
  now: () => number;
  sleep: Sleep;
  signal?: AbortSignal | undefined;
  log?: Logger | undefined;
}

/**
 * admit(endpoint, ctx): the permit once the request is counted, to be released when it is over;
 * undefined after waiting for the month (the attempt starts over, with a fresh token).
 */
export function createAdmission(
  options: AdmissionOptions,
): (template: string, ctx: RequestContext) => Promise<RatePermit | undefined> {
  const { limiter, quota, useReserve, onQuotaExhausted, now, sleep, signal, log } = options;
  let budgetSpentLogged = false;

  /** Waits until `untilMs`, or throws QuotaExhaustedError in one-shot mode. */
  const waitForQuota = async (untilMs: number, why: string, ctx: RequestContext): Promise<void> => {
    if (onQuotaExhausted === 'throw') {
      throw new QuotaExhaustedError(
        `${why}; no request sent until ${new Date(untilMs).toISOString()} (${describeContext(ctx)})`,
        { ...ctx, retryAt: untilMs },
      );
    }
    await sleep(Math.max(0, untilMs - now()), signal);
  };

  return async (template: string, ctx: RequestContext): Promise<RatePermit | undefined> => {
    const permit = await limiter.acquire(signal);
    const recorded = await quota.record(template, { useReserve }).catch((error: unknown) => {
      void limiter.release(permit);
      throw error;
    });
    if (recorded.ok) return permit;
    void limiter.release(permit);
    if (recorded.reason === 'blocked') {
      await waitForQuota(recorded.retryAt, 'the API said the monthly quota is spent (429)', ctx);
      return undefined;
    }
    if (!budgetSpentLogged) {
      budgetSpentLogged = true;
      log?.warn(
        {
          used: recorded.total,
          limit: quota.limit,
          reserve: quota.reserve,
          until: new Date(recorded.retryAt).toISOString(),
        },
        'monthly request budget (quota minus reserve) spent; requests wait for the next month',
      );
    }
    await waitForQuota(
      recorded.retryAt,
      `the monthly request budget (${recorded.total} requests) is spent`,
      ctx,
    );
    return undefined;
  };
}
