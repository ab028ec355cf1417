import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * The month's budget (quota minus reserve) is spent, or the API answered 429 for the month.
 * Thrown instead of waiting when the client runs in one-shot mode. Retryable, but only after
 * `retryAt`.
 */
export class QuotaExhaustedError extends EnphaseError {
  override name = 'QuotaExhaustedError';
  readonly retryable = true;
  /** Epoch ms when requests may be sent again (start of next month, or the API's period_end). */
  readonly retryAt: number;

  constructor(message: string, details: EnphaseErrorDetails & { retryAt: number }) {
    super(message, details);
    this.retryAt = details.retryAt;
  }
}
