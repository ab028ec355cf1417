// The error of a window that could not be turned into points: a body the client refused
// (BadResponseError) or one the normalizer refused (NormalizeError). It names system, dataset and
// window, so the job's log line and `status` row say exactly what to look at; no point of that
// window was yielded. Plan restrictions, quota and HTTP errors are not wrapped: the job decides
// by their own type (PlanRestrictedError → dataset unavailable, ApiError.retryable, …).
// Not the errors' index: see core.ts.
import { describeContext } from '../enphase/errors/enphase-error.js';

export class ExtractError extends Error {
  override name = 'ExtractError';
  /** The same request would get the same body: retrying at once does not help. */
  readonly retryable = false;
  readonly systemId: number;
  readonly dataset: string;
  readonly window: { start: number; end: number };
  /** The device of a per-device dataset, when one device's body was bad. */
  readonly serial: string | undefined;

  constructor(
    details: {
      systemId: number;
      dataset: string;
      window: { start: number; end: number };
      serial?: string;
    },
    cause: unknown,
  ) {
    const where =
      describeContext(details) + (details.serial === undefined ? '' : `, serial ${details.serial}`);
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${where}: ${why}`, { cause });
    this.systemId = details.systemId;
    this.dataset = details.dataset;
    this.window = details.window;
    this.serial = details.serial;
  }
}
