// What the batching core needs from a transport: send one batch, report the HTTP answer as it is.
// Classification happens in policy.ts, so both transports share one taxonomy.

/** InfluxDB's answer to one write request, whatever its status. */
export interface WriteResponse {
  status: number;
  /** Response body (InfluxDB names the bad line and the reason here). */
  body: string;
  /** The Retry-After header, if any (seconds or an HTTP date). */
  retryAfter?: string;
}

export interface WriteTransport {
  /** Short name for logs: 'v1' or 'v2'. */
  readonly name: string;
  /** INFLUX_URL, for messages. */
  readonly url: string;
  /**
   * POSTs a body of lines (one request; UTF-8, separated by `\n`). Resolves with any HTTP answer;
   * rejects only when no answer came (connection refused, reset, timeout). The body's memory is
   * reused once the returned promise settles: it must not be read after that.
   */
  send(body: Buffer, signal: AbortSignal): Promise<WriteResponse>;
  /**
   * An empty write to the same endpoint with the same credentials: InfluxDB checks them and the
   * target (and v1 creates a missing database, as a write would) and stores nothing.
   */
  probe(signal: AbortSignal): Promise<WriteResponse>;
  /** Releases sockets. */
  close(): Promise<void>;
}
