// What an answer from Enphase means, and what the request loop in client.ts does next, as pure
// functions: judgeAnswer() reads (endpoint, status, headers, body) into a Verdict; nextStep() adds
// what the call has been through (a renewed token, 429s waited out, failures against the retry
// budget) and gives the one step to take — return the body, refresh the token, wait for the
// minute or until period_end, remember a restriction or permanent answer, retry after a delay, or
// give up. The loop executes steps and never reads a status code itself (DESIGN §3: "401 means two
// things", "Plan-restricted endpoints", "Permanent answers", 429). No clock, file or network of
// its own, so the whole policy is testable without services.
import { nextMonthStart } from '../state/quota-ledger.js';
import type { Restriction } from '../state/restrictions.js';
import { describeBody, read429, readBody, type AnswerHeaders } from './answer-body.js';
import {
  ApiError,
  ApiKeyRefusedError,
  BadResponseError,
  PermanentAnswerError,
  PlanRestrictedError,
  describeContext,
  isRetryableStatus,
  type EnphaseError,
  type RequestContext,
} from './errors/index.js';
import type { ValidationResult } from './response-validator.js';
import { retryDelay, type RetryPolicy } from './retry.js';

export type Verdict =
  | { kind: 'ok' }
  /** A 401 with a token not yet renewed: refresh once (single-flight) and ask again. */
  | { kind: 'refresh-token' }
  /**
   * A 401 again with a fresh token on a call that every plan includes (the systems list, a
   * system's own record): the API key is refused, not the endpoint. `credential` names the
   * variable to check.
   */
  | { kind: 'credentials'; credential: 'ENPHASE_API_KEY'; reason: string }
  /** A 403, or a 401 again with a fresh token: the plan does not include this endpoint here. */
  | { kind: 'restricted'; status: number; reason: string }
  /** A 429 for the month: nothing for this API key until `untilMs`. */
  | { kind: 'wait-period'; untilMs: number }
  /** A 429 for the minute (or without a period): wait `waitMs`, then ask again. */
  | { kind: 'retry-after'; waitMs: number; period: string }
  /**
   * An answer that asking again cannot change (501, 400, 404 for a device, 422): no retry; the
   * dataset is unavailable for this system until a recheck. 400 and 422 point at our request,
   * so they are logged at error level.
   */
  | { kind: 'permanent'; status: number; reason: string; level: 'warn' | 'error' }
  /** Anything else: retried by retryDelay when `retryable`. */
  | { kind: 'fail'; status: number; reason: string; retryable: boolean };

export interface AnswerInput {
  /** The OpenAPI path template asked. */
  endpoint: string;
  status: number;
  /** Headers as got gives them (lower-case names). */
  headers: AnswerHeaders;
  body: string;
  /** True when this call has already renewed its token after a 401. */
  renewed: boolean;
  /** Epoch ms, for Retry-After dates and a period_end already past. */
  nowMs: number;
}

/**
 * Calls every plan includes: a 401 on them with a fresh token cannot be a plan restriction, so
 * it is the API key (the token was just renewed with the client credentials, so it is good).
 */
export const CREDENTIAL_CHECK_ENDPOINTS: ReadonlySet<string> = new Set([
  '/api/v4/systems',
  '/api/v4/systems/{system_id}',
]);

/** A device-level operation: its path names a device (a 404 there means that device). */
function isDeviceEndpoint(endpoint: string): boolean {
  return endpoint.includes('{serial_no}');
}

/** The verdict on one answer (see Verdict). */
export function judgeAnswer(input: AnswerInput): Verdict {
  const { status, endpoint, nowMs } = input;
  if (status === 200) return { kind: 'ok' };
  if (status === 401 && !input.renewed) return { kind: 'refresh-token' };
  const reason = describeBody(input.body);
  if (status === 401 && CREDENTIAL_CHECK_ENDPOINTS.has(endpoint))
    return { kind: 'credentials', credential: 'ENPHASE_API_KEY', reason };
  if (status === 401 || status === 403) return { kind: 'restricted', status, reason };
  if (status === 429) {
    const retryAfter = input.headers['retry-after'];
    const info = read429(input.body, typeof retryAfter === 'string' ? retryAfter : undefined, nowMs);
    if (info.period === 'month') {
      // At least a minute: a period_end already past by our clock (skew) must not turn into a
      // loop of requests that each get the same 429.
      const untilMs = Math.max(
        info.periodEndMs ?? nextMonthStart(nowMs),
        nowMs + (info.retryAfterMs ?? 0),
        nowMs + 60_000,
      );
      return { kind: 'wait-period', untilMs };
    }
    const waitMs = Math.max(250, (info.periodEndMs ?? 0) - nowMs, info.retryAfterMs ?? 0);
    return { kind: 'retry-after', waitMs, period: info.period ?? 'minute' };
  }
  if (status === 501) return { kind: 'permanent', status, reason, level: 'warn' };
  if (status === 400 || status === 422) return { kind: 'permanent', status, reason, level: 'error' };
  if (status === 404 && isDeviceEndpoint(endpoint))
    return { kind: 'permanent', status, reason, level: 'warn' };
  return { kind: 'fail', status, reason, retryable: isRetryableStatus(status) };
}

/** What the call has been through before this answer. */
export interface CallProgress {
  /** The token was renewed after a 401 in this call. */
  renewed: boolean;
  /** 429s for the minute waited out so far. */
  waits429: number;
  /** Failures so far counted against the retry budget. */
  failures: number;
  /** Time on the retry budget's clock (ms); waits the API asked for restart it. */
  elapsedMs: number;
}

export interface CallRules {
  retryPolicy: RetryPolicy;
  /** How many 429s for the minute one call waits out before it counts them as failures. */
  max429Waits: number;
  /** A number in [0, 1) for the backoff's jitter. */
  random: () => number;
}

/** What happened to one attempt: an answer, or none (network error, timeout) with its code. */
export type Outcome =
  | {
      answered: true;
      status: number;
      headers: AnswerHeaders;
      body: string;
      /** Epoch ms when the answer came. */
      nowMs: number;
      /** Checks a parsed 200 body against the API schema; absent: not checked. */
      validate?: (json: unknown) => ValidationResult;
    }
  | { answered: false; code: string };

/** The one thing the request loop does next. */
export type Step =
  | { kind: 'return'; body: unknown }
  | { kind: 'refresh-token' }
  | { kind: 'wait-period'; untilMs: number }
  | { kind: 'wait-429'; waitMs: number; period: string }
  /** Remember the endpoint as unavailable for this system, log `note`, throw unavailableError. */
  | { kind: 'remember'; status: number; reason: string; level: 'warn' | 'error'; note: string }
  | { kind: 'retry'; delayMs: number; error: EnphaseError }
  /** The retry budget is spent or the error is not retryable: log it and throw it. */
  | { kind: 'give-up'; error: EnphaseError }
  /** Throw at once: nothing to retry and nothing worth a failure line. */
  | { kind: 'throw'; error: Error };

/** A failure: retried after retryDelay's delay, or given up when the budget or the error says so. */
function afterFailure(error: EnphaseError, progress: CallProgress, rules: CallRules): Step {
  const delayMs = retryDelay({
    attempt: progress.failures + 1,
    error,
    elapsedMs: progress.elapsedMs,
    policy: rules.retryPolicy,
    random: rules.random,
  });
  return delayMs === undefined ? { kind: 'give-up', error } : { kind: 'retry', delayMs, error };
}

const REMEMBER_NOTES = {
  restricted: 'endpoint not included in the API plan for this system; skipped until the recheck time',
  bug: 'the API refused our request as invalid (a bug to report); not retried, skipped until the recheck time',
  permanent: 'permanent answer from the API; not retried, skipped until the recheck time',
};

/** The step after one attempt of a call to `ctx.endpoint` (see Step). */
export function nextStep(
  outcome: Outcome,
  ctx: RequestContext & { endpoint: string },
  progress: CallProgress,
  rules: CallRules,
): Step {
  if (!outcome.answered) {
    // Never the transport's error itself as a cause: it carries the request's headers.
    const error = new ApiError(`no answer from ${describeContext(ctx)} (${outcome.code})`, {
      ...ctx,
      code: outcome.code,
    });
    return afterFailure(error, progress, rules);
  }
  const { status, headers, body } = outcome;
  const verdict = judgeAnswer({
    endpoint: ctx.endpoint,
    status,
    headers,
    body,
    renewed: progress.renewed,
    nowMs: outcome.nowMs,
  });
  switch (verdict.kind) {
    case 'ok': {
      const read = readBody(body, headers, ctx, outcome.validate);
      if (!(read instanceof BadResponseError)) return { kind: 'return', body: read.json };
      // A body that is not JSON is asked for again within the retry budget; one that violates
      // the schema would come back the same.
      return read.retryable ? afterFailure(read, progress, rules) : { kind: 'throw', error: read };
    }
    case 'refresh-token':
    case 'wait-period':
      return verdict;
    case 'credentials':
      return {
        kind: 'throw',
        error: new ApiKeyRefusedError(
          `Enphase refused the API key: ${ctx.endpoint} answered 401 (${verdict.reason}) with a freshly renewed access token, ` +
            `so ${verdict.credential} is wrong or belongs to another application than ENPHASE_CLIENT_ID`,
          ctx.endpoint,
        ),
      };
    case 'restricted':
      return {
        kind: 'remember',
        status: verdict.status,
        reason: verdict.reason,
        level: 'warn',
        note: REMEMBER_NOTES.restricted,
      };
    case 'permanent':
      return {
        kind: 'remember',
        status: verdict.status,
        reason: verdict.reason,
        level: verdict.level,
        note: verdict.level === 'error' ? REMEMBER_NOTES.bug : REMEMBER_NOTES.permanent,
      };
    case 'retry-after':
      if (progress.waits429 < rules.max429Waits)
        return { kind: 'wait-429', waitMs: verdict.waitMs, period: verdict.period };
      return afterFailure(
        new ApiError(`still 429 after ${rules.max429Waits} waits (${describeContext(ctx)})`, {
          ...ctx,
          status,
        }),
        progress,
        rules,
      );
    case 'fail':
      return afterFailure(
        new ApiError(`${describeContext(ctx)} answered ${status}: ${verdict.reason}`, { ...ctx, status }),
        progress,
        rules,
      );
  }
}

/** The error for an endpoint remembered as unavailable for this system (restriction or permanent). */
export function unavailableError(r: Restriction, ctx: RequestContext): EnphaseError {
  const when = `not asked again until ${new Date(r.until).toISOString()}`;
  const where = describeContext(ctx);
  if (r.status === 401 || r.status === 403) {
    return new PlanRestrictedError(
      `the API plan does not include ${where} (answered ${r.status}: ${r.reason}); ${when}`,
      { ...ctx, status: r.status, until: r.until },
    );
  }
  return new PermanentAnswerError(`${where} answered ${r.status} (${r.reason}); not retried, ${when}`, {
    ...ctx,
    status: r.status,
    until: r.until,
    reason: r.reason,
  });
}
