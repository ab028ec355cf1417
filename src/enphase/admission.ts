// The gates between a token and the wire, passed in one round trip (gate.ts): a restriction
// remembered for the system and endpoint, the month's ledger (which counts the request before it
// leaves, and refuses while the month's budget is spent or a 429 for the month is in force), and
// a permit of the shared rate limiter. A full window is waited out here (sleeping until a slot can
// free, then asking the whole gate again). When the month refuses, the service waits for the
// month's end and a one-shot command throws QuotaExhaustedError (rerun later).
import type { Logger } from '../log.js';
import type { QuotaLedger } from '../state/quota-ledger.js';
import type { Restriction, RestrictionScope } from '../state/restrictions.js';
import { QuotaExhaustedError, describeContext, type RequestContext } from './errors/index.js';
import type { RequestGate } from './gate.js';
import type { RatePermit } from './limiter.js';
import type { Sleep } from './sleep.js';

/** What admit decided: send (holding `permit`), refused for a restriction, or start over (waited for the month). */
export type Admission = { permit: RatePermit } | { restricted: Restriction } | undefined;

export interface AdmissionOptions {
  gate: RequestGate;
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
 * admit(scope, ctx): the permit once the request is counted, to be released when it is over; the
 * restriction in force for the scope (nothing taken); undefined after waiting for the month (the
 * attempt starts over, with a fresh token).
 */
export function createAdmission(
  options: AdmissionOptions,
): (scope: RestrictionScope, ctx: RequestContext) => Promise<Admission> {
  const { gate, quota, useReserve, onQuotaExhausted, now, sleep, signal, log } = options;
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

  return async (scope: RestrictionScope, ctx: RequestContext): Promise<Admission> => {
    let answer = await gate.pass(scope, useReserve);
    while (answer.kind === 'rate') {
      await sleep(answer.waitMs, signal);
      answer = await gate.pass(scope, useReserve);
    }
    if (answer.kind === 'admitted') return { permit: answer.permit };
    if (answer.kind === 'restricted') return { restricted: answer.restriction };
    const recorded = answer.refusal;
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
