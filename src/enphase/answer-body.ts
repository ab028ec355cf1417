// Readers of an answer's body, for the response policy: a short safe description of an error body,
// the period of a 429, and a 200's JSON (checked against the API schema by the caller's validator).
// Pure: the body is never handed on when it is not what the API promises.
import { parseRetryAfter } from '../http/retry-timing.js';
import { BadResponseError, describeContext, type RequestContext } from './errors/index.js';
import type { ValidationResult } from './response-validator.js';

/** Headers as got gives them (lower-case names). */
export type AnswerHeaders = Readonly<Record<string, string | string[] | undefined>>;

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

/** A 200's body as JSON, checked by `validate`; otherwise the BadResponseError that says why not. */
export function readBody(
  body: string,
  headers: AnswerHeaders,
  ctx: RequestContext,
  validate?: (json: unknown) => ValidationResult,
): { json: unknown } | BadResponseError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const type = String(headers['content-type'] ?? '');
    const problem = type.includes('html')
      ? `an HTML page instead of JSON: ${describeBody(body)}`
      : `not valid JSON (${(error as Error).message}; ${body.length} bytes)`;
    return new BadResponseError(`bad response from ${describeContext(ctx)}: ${problem}`, {
      ...ctx,
      status: 200,
      problems: [problem],
      unparsable: true,
    });
  }
  const result = validate?.(json);
  if (result && !result.ok) {
    return new BadResponseError(
      `response from ${describeContext(ctx)} violates the API schema: ${result.errors.slice(0, 5).join('; ')}`,
      { ...ctx, status: 200, problems: result.errors },
    );
  }
  return { json };
}
