// The loader's typed errors. Each one carries the decision, so a caller never re-parses a status.
import { ConfigError } from '../config.js';

/**
 * InfluxDB refused the credentials (401/403) or does not know the target (404: bucket, org,
 * database that cannot be created). Retrying cannot help; the CLI prints the message and exits 2.
 */
export class InfluxConfigError extends ConfigError {
  override name = 'InfluxConfigError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** close({ deadlineMs }) or abort() ended the loader before these lines were acknowledged. */
export class LoaderAbortedError extends Error {
  override name = 'LoaderAbortedError';
  constructor(readonly undeliveredLines: number) {
    super(`loader aborted with ${undeliveredLines} line(s) not acknowledged by InfluxDB`);
  }
}

/** write() after close(). */
export class LoaderClosedError extends Error {
  override name = 'LoaderClosedError';
  constructor() {
    super('loader is closed');
  }
}
