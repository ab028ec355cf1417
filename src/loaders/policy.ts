// The error taxonomy (Telegraf's): what to do with a batch, decided from InfluxDB's answer alone.
import { retryAfterMs } from './backoff.js';
import type { WriteResponse } from './transport.js';

export type WriteVerdict =
  /** 2xx: InfluxDB has the points. */
  | { kind: 'delivered' }
  /** 413: the request is too large; send each half on its own. */
  | { kind: 'split'; reason: string }
  /** 429, 5xx, no answer: the server is busy or away; wait and send the same batch again. */
  | { kind: 'retry'; reason: string; waitMs?: number }
  /** Other 4xx: some line is bad (parse error, field type conflict); find it, log it, write the rest. */
  | { kind: 'reject'; reason: string }
  /** 401/403/404: credentials or target are wrong; no retry can fix that. */
  | { kind: 'config'; reason: string; status: number };

/** InfluxDB's error text: the `error`/`message` of a JSON body, else the body itself (shortened). */
export function errorReason(status: number, body: string): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    const message = parsed.error ?? parsed.message;
    if (typeof message === 'string') text = message;
  } catch {
    // not JSON: keep the body as it is
  }
  if (text.length > 500) text = `${text.slice(0, 500)}…`;
  return text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
}

/** 400s that no line can cause: InfluxDB 2.x without INFLUX_ORG. */
const REQUEST_LEVEL_400 = /provide either orgID or org/i;

export function classifyResponse(response: WriteResponse, nowMs: number = Date.now()): WriteVerdict {
  const { status, body } = response;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const reason = errorReason(status, body);
  if (status === 413) return { kind: 'split', reason };
  if (status === 429 || status >= 500) {
    const waitMs = retryAfterMs(response.retryAfter, nowMs);
    return waitMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, waitMs };
  }
  if (status === 401 || status === 403 || status === 404) return { kind: 'config', reason, status };
  // A 400 about the request rather than its lines would otherwise "reject" every line one by one.
  if (REQUEST_LEVEL_400.test(reason)) return { kind: 'config', reason, status };
  return { kind: 'reject', reason };
}

// Error names and codes of "no answer came": sockets (Node), got's RequestError family, and the
// InfluxDB client's own timeout.
const NETWORK_CODES = /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/;
const NETWORK_NAMES = new Set([
  'RequestError',
  'ReadError',
  'TimeoutError',
  'RequestTimedOutError',
  'ConnectionError',
]);

/**
 * A transport rejected without an HTTP answer. Network trouble is retried like a 503; anything else
 * (a programming error) is not retried forever in silence but ends the loader with that error.
 */
export function classifyFailure(error: unknown): WriteVerdict | undefined {
  // Duck-typed rather than `instanceof Error`: errors made by Node's internals can come from another
  // realm (jest's VM context, worker threads) and fail instanceof.
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  const named = typeof name === 'string' && NETWORK_NAMES.has(name);
  if ((typeof code === 'string' && NETWORK_CODES.test(code)) || named) {
    return { kind: 'retry', reason: `${typeof code === 'string' ? code : String(name)}: ${String(message)}` };
  }
  return undefined;
}

/** Halves of a batch, for 413 and for finding bad lines by bisection. */
export function halves<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}
