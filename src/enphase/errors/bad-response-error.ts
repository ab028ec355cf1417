import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * A 200 whose body is not JSON (malformed, truncated, an HTML page) or whose structure violates
 * the OpenAPI schema. The body is never handed on. Not retried by the client: the same request
 * would most likely get the same body and cost quota again; the job decides by its own policy.
 * (A body cut off by the connection is a network error, which is retried.)
 */
export class BadResponseError extends EnphaseError {
  override name = 'BadResponseError';
  readonly retryable = false;
  /** What was wrong, one line each (JSON parse error, or schema paths). */
  readonly problems: string[];

  constructor(message: string, details: EnphaseErrorDetails & { problems: string[] }) {
    super(message, details);
    this.problems = details.problems;
  }
}
