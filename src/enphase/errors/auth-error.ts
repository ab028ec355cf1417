import { EnphaseError, type EnphaseErrorDetails } from './enphase-error.js';

/**
 * The token pair cannot be used or renewed (refresh token expired or revoked, client credentials
 * wrong, no pair at all). Not retryable: only a person can fix it, by running `enphase-etl auth`.
 */
export class AuthError extends EnphaseError {
  override name = 'AuthError';
  readonly retryable = false;

  constructor(message: string, details: EnphaseErrorDetails = {}) {
    super(message, details);
  }
}

export const REAUTHORISE_HINT =
  'run `enphase-etl auth url`, open the URL, then `enphase-etl auth exchange --code <code>` ' +
  '(or put a new ENPHASE_REFRESH_TOKEN in the environment)';
