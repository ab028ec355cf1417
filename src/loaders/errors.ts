// The loader's typed errors. Each one carries the decision, so a caller never re-parses a status.
import { ConfigError } from '../config/error.js';
import { formatDuration } from '../duration.js';

/**
 * InfluxDB refused the credentials (401/403) or does not know the target (404: bucket, org,
 * database that cannot be created). Retrying cannot help; the CLI prints the message and exits 2,
 * and a run that meets it stops taking jobs (no API request is spent on data that cannot be written).
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

/** The one line an operator reads for a refusing InfluxDB, at start-up or mid-run. */
export function refusalMessage(transport: string, reason: string): string {
  return (
    `InfluxDB refused the write through ${transport} (${reason}); ` +
    'check INFLUX_URL, INFLUX_API and the credentials and target (token, org, bucket, or database, user, password)'
  );
}

/**
 * InfluxDB did not accept a write for longer than the loader's patience (INFLUX_PATIENCE): down, or
 * a black hole. Nothing unwritten was committed. Not retryable by a job: the run that meets it stops.
 */
export class InfluxUnreachableError extends Error {
  override name = 'InfluxUnreachableError';
  readonly retryable = false;
  constructor(
    readonly url: string,
    readonly reason: string,
    /** The patience that ran out (INFLUX_PATIENCE). */
    readonly patienceMs: number,
    /** Stopped by SIGINT/SIGTERM while waiting, rather than out of patience. */
    readonly interrupted = false,
  ) {
    super(
      interrupted
        ? `stopped while waiting for InfluxDB at ${url} to answer (${reason})`
        : `InfluxDB at ${url} accepted no write for ${formatDuration(patienceMs)} (INFLUX_PATIENCE; last: ${reason}); ` +
            'nothing unwritten was committed; check that it runs and INFLUX_URL',
    );
  }
}

/** The errors that end a run: no job can succeed while they hold (see `stopsTheRun`). */
export function stopsTheRun(error: unknown): error is InfluxConfigError | InfluxUnreachableError {
  return error instanceof InfluxConfigError || error instanceof InfluxUnreachableError;
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
