import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * The API plan does not include this endpoint: a 403, or a 401 again with a freshly refreshed
 * token. Remembered per API key, system and endpoint, so it is not retried (that would burn the
 * quota) and never costs another system its data.
 */
export class PlanRestrictedError extends EnphaseError {
  override name = 'PlanRestrictedError';
  readonly retryable = false;
  /** Epoch ms until which the client will not ask this endpoint again. */
  readonly until: number;

  constructor(message: string, details: EnphaseErrorDetails & { until: number }) {
    super(message, details);
    this.until = details.until;
  }
}
