export {
  EnphaseError,
  describeContext,
  type RequestContext,
  type EnphaseErrorDetails,
} from './enphase-error.js';
export { AuthError, REAUTHORISE_HINT } from './auth-error.js';
export { PlanRestrictedError } from './plan-restricted-error.js';
export { PermanentAnswerError } from './permanent-answer-error.js';
export { ApiKeyRefusedError } from './api-key-refused-error.js';
export { QuotaExhaustedError } from './quota-exhausted-error.js';
export { BadResponseError } from './bad-response-error.js';
export { ApiError, isRetryableStatus } from './api-error.js';
