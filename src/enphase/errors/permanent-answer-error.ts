import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * An answer that asking again cannot change (DESIGN §3 "Permanent answers"): 501 Not Implemented,
 * 400, 404 for a device, 422 for a window. Sent once, never retried; remembered like a plan
 * restriction for this system and endpoint, so the dataset is skipped until `until` and then
 * asked once more. Not a failure of the run: the job marks the dataset unavailable and reports it.
 */
export class PermanentAnswerError extends EnphaseError {
  override name = 'PermanentAnswerError';
  readonly retryable = false;
  /** Epoch ms until which the client will not ask this endpoint for this system again. */
  readonly until: number;
  /** The answer's own words (message/details of its body). */
  readonly reason: string;

  constructor(
    message: string,
    details: EnphaseErrorDetails & { status: number; until: number; reason: string },
  ) {
    super(message, details);
    this.until = details.until;
    this.reason = details.reason;
  }
}
