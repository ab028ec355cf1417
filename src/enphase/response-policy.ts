// What an answer from Enphase means, as one pure function of (endpoint, status, headers, body):
// the request loop in client.ts acts on the verdict and never reads a status code itself
// (DESIGN §3: "401 means two things", "Plan-restricted endpoints", "Permanent answers", 429).
// No clock of its own and no I/O, so the whole policy is testable without a network.
import { parseRetryAfter } from '../http/retry-timing.js';
import { isRetryableStatus } from './errors/api-error.js';
import { nextMonthStart } from '../state/quota-ledger.js';

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
  headers: Readonly<Record<string, string | string[] | undefined>>;
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

/** A short, safe description of an error body: JSON message/details, or the text of an HTML page. */
export function describeBody(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    // Strings, or lists of strings (the 501 body: {reason: '501', message: ['Not Implemented']}).
    const parts = [json.message, json.details, json.error, json.error_description]
      .map((p) => (Array.isArray(p) ? p.filter((x) => typeof x === 'string').join(', ') : p))
      .filter((p): p is string => typeof p === 'string' && p !== '');
    if (parts.length > 0) return parts.join(': ').slice(0, 300);
  } catch {
    // not JSON: an HTML error page from a gateway, or plain text
  }
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? 'empty body' : text.slice(0, 200);
}

/** The 429 body's period and its end (epoch ms), and Retry-After (ms) if present. */
export function read429(body: string, retryAfterHeader: string | undefined, nowMs: number) {
  let period: string | undefined;
  let periodEndMs: number | undefined;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (typeof json.period === 'string') period = json.period;
    const end = Number(json.period_end);
    // period_end is documented in epoch seconds; accept milliseconds too.
    if (Number.isFinite(end) && end > 0) periodEndMs = end < 1e12 ? end * 1000 : end;
  } catch {
    // a 429 without a JSON body: Retry-After or a default wait decides
  }
  return { period, periodEndMs, retryAfterMs: parseRetryAfter(retryAfterHeader, nowMs) };
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
