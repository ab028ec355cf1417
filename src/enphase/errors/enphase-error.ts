// The base of every error the Enphase client throws. Each one carries where it happened (system,
// endpoint template, window) and the decision callers need (`retryable`), so no caller parses
// status codes or messages again (the habit of telegraf's typed errors).

/** Where a request was going: enough for a log line that names system, dataset and window. */
export interface RequestContext {
  systemId?: number | string;
  /** The OpenAPI path template, e.g. `/api/v4/systems/{system_id}/rgm_stats`. */
  endpoint?: string;
  dataset?: string;
  /** The time window asked for, e.g. `{start: 1700000000, end: 1700604800}` (epoch seconds). */
  window?: { start: number; end: number };
}

export interface EnphaseErrorDetails extends RequestContext {
  /** HTTP status, when there was an answer. */
  status?: number;
  cause?: unknown;
}

export abstract class EnphaseError extends Error {
  readonly systemId?: number | string;
  readonly endpoint?: string;
  readonly dataset?: string;
  readonly window?: { start: number; end: number };
  readonly status?: number;
  /** True when the same request may succeed later (the client or the job may try again). */
  abstract readonly retryable: boolean;

  constructor(message: string, details: EnphaseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.systemId !== undefined) this.systemId = details.systemId;
    if (details.endpoint !== undefined) this.endpoint = details.endpoint;
    if (details.dataset !== undefined) this.dataset = details.dataset;
    if (details.window !== undefined) this.window = details.window;
    if (details.status !== undefined) this.status = details.status;
  }

  /** The fields worth a log line (never a token: errors are built without them). */
  toLog(): Record<string, unknown> {
    return {
      error: this.name,
      message: this.message,
      systemId: this.systemId,
      endpoint: this.endpoint,
      dataset: this.dataset,
      window: this.window,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

/** "system 123, rgm, 2024-01-01T00:00:00Z..2024-01-08T00:00:00Z" for messages. */
export function describeContext(ctx: RequestContext): string {
  const parts: string[] = [];
  if (ctx.endpoint) parts.push(ctx.endpoint);
  if (ctx.systemId !== undefined) parts.push(`system ${ctx.systemId}`);
  if (ctx.dataset) parts.push(`dataset ${ctx.dataset}`);
  if (ctx.window) {
    const iso = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
    parts.push(`window ${iso(ctx.window.start)}..${iso(ctx.window.end)}`);
  }
  return parts.join(', ');
}
