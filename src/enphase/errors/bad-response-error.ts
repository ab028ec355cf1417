import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * A 200 whose body is not JSON (malformed, truncated, an HTML page) or whose structure violates
 * the OpenAPI schema. The body is never handed on. A body that is not JSON at all was most likely
 * cut short or replaced on its way (a proxy's page): the client asks again, like after a 5xx
 * (`retryable`). A body that parses but violates the schema would come back the same and cost
 * quota again: not retried; the job decides by its own policy.
 */
export class BadResponseError extends EnphaseError {
  override name = 'BadResponseError';
  readonly retryable: boolean;
  /** What was wrong, one line each (JSON parse error, or schema paths). */
  readonly problems: string[];

  constructor(message: string, details: EnphaseErrorDetails & { problems: string[]; unparsable?: boolean }) {
    super(message, details);
    this.problems = details.problems;
    this.retryable = details.unparsable === true;
  }
}
