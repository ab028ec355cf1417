import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * Statuses worth another try: the server's trouble, not the request's. Not 501: "not
 * implemented" stays so however often it is asked (DESIGN §3 "Permanent answers").
 */
export function isRetryableStatus(status: number): boolean {
  return (status >= 500 && status !== 501) || status === 408;
}

/**
 * Any other failure: an HTTP status the client does not handle itself, a network error or a
 * timeout. 5xx, 408, network errors and timeouts are retryable; other 4xx are not.
 */
export class ApiError extends EnphaseError {
  override name = 'ApiError';
  readonly retryable: boolean;
  /** Node/got error code for network errors and timeouts (ETIMEDOUT, ECONNRESET, …). */
  readonly code?: string;

  constructor(message: string, details: EnphaseErrorDetails & { code?: string } = {}) {
    super(message, details);
    if (details.code !== undefined) this.code = details.code;
    // No status means no answer (network error or timeout): worth another try.
    this.retryable = details.status === undefined ? true : isRetryableStatus(details.status);
  }
}
