// Every error body the simulator sends, built here so that every route and the gateway answer
// alike. The OpenAPI file has three families: the usual `{message, details, code}`; the EV
// charger routes' with `code` a string; live_data's `{error: {…}, timestamp_epoch, timestamp_utc,
// type}` with codes of its own (461–473). Besides: the spec's 501, the gateway faults' HTML pages,
// OAuth's RFC 6749 bodies and the admin routes' `{error}`.
import type { FastifyReply } from 'fastify';
import type { PlanName } from '../enphase/plans.js';
import type { LimitDecision } from './limits.js';

export const LIVE_DATA_ROUTE = '/api/v4/systems/{system_id}/live_data';
const EV_CHARGER_ROUTES = '/api/v4/systems/{system_id}/ev_charger/';

const MESSAGES = {
  400: 'Bad request',
  401: 'Not Authorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
} as const;

export interface ErrorBody {
  message: string;
  details: string;
  code: number;
}

/** The usual body. */
export function errorBody(code: 401 | 404 | 406 | 422 | 429 | 500, details: string): ErrorBody {
  return { message: MESSAGES[code], details, code };
}

/** The EV charger operations' body: `code` is a string there ("400"), `details` a string or a list. */
export function evErrorBody(
  code: 400 | 401 | 403 | 500,
  details: string | string[],
): { message: string; code: string; details: string | string[] } {
  return { message: MESSAGES[code], code: String(code), details };
}

const LIVE_ERRORS = {
  401: ['Access token is invalid', 'UNAUTHORIZED', 'authentication_error'],
  403: ['User is not authorized', 'FORBIDDEN', 'authorization_error'],
  429: ['Too Many Requests', 'TOO_MANY_REQUESTS', 'request_exceeded_error'],
  461: ['Duration cannot be less than 30', 'INVALID_DURATION', 'validation_error'],
  462: ['Duration cannot be greater than 900', 'INVALID_DURATION', 'validation_error'],
  463: ['Duration must be an integer', 'INVALID_DURATION', 'validation_error'],
  468: ["System ID doesn't exist", 'INVALID_SYSTEM_ID', 'validation_error'],
  472: ['The system doesn’t support live stream', 'LIVE_STREAM_NOT_SUPPORTED', 'validation_error'],
  473: ['IQ gateway is not reporting', 'IQ_GATEWAY_NOT_REPORTING', 'site_connectivity_error'],
} as const;

export type LiveErrorCode = keyof typeof LIVE_ERRORS;

/**
 * The time stamps live_data puts on its events and its errors. Milliseconds, as every example of
 * the OpenAPI file shows them (`2023-03-17 08:25:08.556`).
 */
export function liveTimestamps(nowMs: number): { timestamp_epoch: number; timestamp_utc: string } {
  return {
    timestamp_epoch: nowMs,
    timestamp_utc: new Date(nowMs).toISOString().replace('T', ' ').replace('Z', ''),
  };
}

/** live_data's body; `error`'s message, status or details replaced where the answer says more. */
export function liveErrorBody(
  code: LiveErrorCode,
  nowMs: number,
  replace: { message?: string; status?: string; details?: unknown[] } = {},
): Record<string, unknown> {
  const [message, status, type] = LIVE_ERRORS[code];
  return {
    error: {
      code,
      details: replace.details ?? [{}],
      message: replace.message ?? message,
      status: replace.status ?? status,
    },
    ...liveTimestamps(nowMs),
    type,
  };
}

/** The gateway's 401 on `route` (a template); `missingKey` when the request had no valid API key. */
export function unauthorizedBody(
  route: string,
  details: string,
  nowMs: number,
  missingKey: boolean,
): unknown {
  if (route === LIVE_DATA_ROUTE) {
    return liveErrorBody(
      401,
      nowMs,
      missingKey ? { message: 'API Key is missing', status: 'NOT_AUTHENTICATED' } : { message: details },
    );
  }
  if (route.startsWith(EV_CHARGER_ROUTES)) return evErrorBody(401, details);
  return errorBody(401, details);
}

const PLAN_LABEL: Record<PlanName, string> = {
  watt: 'Watt',
  kilowatt: 'Kilowatt',
  megawatt: 'Megawatt',
  partner: 'Partner',
  custom: 'Custom',
};

/**
 * The 429 body on `route`, with the limit's period. On live_data the period travels in
 * `error.details[0]`, so a client can still wait until `period_end`.
 */
export function tooManyRequestsBody(
  route: string,
  plan: PlanName,
  decision: Exclude<LimitDecision, { ok: true }>,
  nowMs: number,
): Record<string, unknown> {
  const period = {
    period: decision.period,
    period_start: decision.periodStart,
    period_end: decision.periodEnd,
    limit: decision.limit,
  };
  if (route === LIVE_DATA_ROUTE) return liveErrorBody(429, nowMs, { details: [period] });
  return { ...errorBody(429, `Usage limit exceeded for plan ${PLAN_LABEL[plan]}`), ...period };
}

/** The spec's 501 body (the same on every operation that documents one). */
export function notImplementedBody(): { reason: string; message: string[] } {
  return { reason: '501', message: ['Not Implemented'] };
}

/** What a proxy in front of the API answers when the API is down: HTML, not JSON. */
export function gatewayErrorPage(status: 502 | 503): string {
  return `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`;
}

/** The OAuth server's error (RFC 6749 §5.2). */
export function oauthErrorBody(
  error: string,
  description: string,
): { error: string; error_description: string } {
  return { error, error_description: description };
}

/** The admin routes' (`/__sim/*`) answer to a bad request. */
export function adminErrorBody(message: string): { error: string } {
  return { error: message };
}

/** Sends a JSON error body with its status. */
export function sendError(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}
