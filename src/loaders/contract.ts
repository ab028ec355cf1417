// What the loader promises the rest of the service: the one write interface (LineWriter: line
// protocol in, acknowledged by InfluxDB out), its counters, and its options with their defaults.
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

/**
 * Lines already encoded (src/normalize/line-encoder.ts): `lines` lines as UTF-8 in `bytes`,
 * separated by `\n`, none at the end.
 */
export interface EncodedLines {
  readonly bytes: Buffer;
  readonly lines: number;
}

export interface LineWriter {
  /**
   * Hands lines (one point each, precision seconds) to the loader, as strings or encoded. Resolves
   * once they are accepted into the bounded buffer (copied: encoded bytes may be reused then);
   * waits while the buffer is full (backpressure), so memory stays flat however slow InfluxDB is.
   * Rejects once the loader failed (InfluxConfigError) or was closed.
   */
  write(lines: readonly string[] | EncodedLines): Promise<void>;
  /**
   * Resolves when every line handed in before the call is acknowledged by InfluxDB (or logged and
   * dropped as bad data). Commit watermarks only after this. Waits through outages.
   */
  flush(): Promise<void>;
  /**
   * Flushes and releases the connection. With `deadlineMs`, gives up waiting after that long:
   * rejects with LoaderAbortedError naming the lines that were not acknowledged.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
  /** Counters since creation, for logs and metrics. */
  stats(): LoaderStats;
  /**
   * Resolves with the error that ended the loader for good (InfluxConfigError, InfluxUnreachableError,
   * LoaderAbortedError); never resolves while it works. A run watches it to stop taking jobs.
   */
  whenFailed(): Promise<Error>;
}

export interface LoaderStats {
  /** Lines InfluxDB acknowledged. */
  delivered: number;
  /** Lines InfluxDB rejected as bad data (logged with the reason), never to be retried. */
  dropped: number;
  /** Requests that failed and were sent again. */
  retries: number;
  /** Lines accepted and not yet acknowledged or dropped. */
  buffered: number;
}

export interface LoaderOptions {
  /** Lines per request. */
  batchSize: number;
  /** A partial batch is sent after this long. */
  flushIntervalMs: number;
  /** Lines held at most (pending, queued and in flight): the bound of the buffer. */
  maxBufferedLines: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Request bodies larger than this many bytes are gzipped. */
  gzipThresholdBytes: number;
  /** One request's time limit; a timeout counts as a network error and is retried. */
  requestTimeoutMs: number;
  backoff: BackoffOptions;
  /**
   * How long InfluxDB may go without accepting a write (down, or never answering) before the loader
   * gives up with InfluxUnreachableError; undefined: it waits without limit (the service).
   */
  patienceMs?: number;
  /** Aborted: the loader stops every retry at once, as abort() does (a shutdown). */
  signal?: AbortSignal;
  /** For tests: the jitter source. */
  random: () => number;
}

export const DEFAULT_LOADER_OPTIONS: LoaderOptions = {
  batchSize: 5_000,
  flushIntervalMs: 1_000,
  maxBufferedLines: 50_000,
  concurrency: 2,
  gzipThresholdBytes: 1_048_576,
  requestTimeoutMs: 30_000,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
};

export function resolveLoaderOptions(options: Partial<LoaderOptions> = {}): LoaderOptions {
  const resolved = { ...DEFAULT_LOADER_OPTIONS, ...options };
  if (resolved.patienceMs !== undefined && !(resolved.patienceMs > 0))
    throw new RangeError(`loader option patienceMs must be positive, got ${resolved.patienceMs}`);
  for (const key of ['batchSize', 'maxBufferedLines', 'concurrency', 'requestTimeoutMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0)
      throw new RangeError(`loader option ${key} must be a positive integer, got ${resolved[key]}`);
  }
  // A buffer smaller than one batch could never fill a batch and would wait on the timer forever.
  if (resolved.maxBufferedLines < resolved.batchSize)
    throw new RangeError(
      `loader option maxBufferedLines (${resolved.maxBufferedLines}) must be at least batchSize (${resolved.batchSize})`,
    );
  return resolved;
}
