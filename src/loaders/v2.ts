// InfluxDB's `/api/v2/write` (1.8+, 2.x, 3.x, Cloud) through @influxdata/influxdb-client's HTTP
// transport. Its WriteApi is not used: its retry buffer drops the oldest lines when full and gives
// up after maxRetryTime, which would lose points in a long outage, and it cannot cancel a request
// in flight. The transport sends one batch per call (the library gzips above the threshold, adds
// the token and the timeout) and honours an abort signal, so a shutdown ends even a request that
// a black-hole server never answers; every failure goes back to the batching core's taxonomy.
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { Config } from '../config.js';
import type { LoaderOptions } from './contract.js';
import type { WriteResponse, WriteTransport } from './transport.js';

type InfluxConfig = Config['influx'];

/** InfluxDB 1.8's v2 API takes `username:password` as the token. */
function tokenOf(config: InfluxConfig): string | undefined {
  if (config.token !== undefined) return config.token;
  if (config.username !== undefined) return `${config.username}:${config.password ?? ''}`;
  return undefined;
}

function headerValue(headers: HttpError['headers'], name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The write path as the library's WriteApi builds it (an empty org is sent as `org=`). */
export function v2WritePath(config: Pick<InfluxConfig, 'org' | 'bucket'>): string {
  const org = encodeURIComponent(config.org ?? '');
  return `/api/v2/write?org=${org}&bucket=${encodeURIComponent(config.bucket)}&precision=s`;
}

export function createV2Transport(
  config: InfluxConfig,
  options: Pick<LoaderOptions, 'gzipThresholdBytes' | 'requestTimeoutMs'>,
): WriteTransport {
  const token = tokenOf(config);
  const influx = new InfluxDB({
    url: config.url,
    timeout: options.requestTimeoutMs,
    ...(token === undefined ? {} : { token }),
  });
  const path = v2WritePath(config);

  async function post(body: string, signal: AbortSignal): Promise<WriteResponse> {
    // The library never removes the listener it adds to a request's signal: each request gets a
    // signal of its own, so the loader's long-lived one does not collect them.
    const request = new AbortController();
    const forward = (): void => request.abort();
    signal.addEventListener('abort', forward, { once: true });
    if (signal.aborted) request.abort();
    try {
      await influx.transport.request(path, body, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        gzipThreshold: options.gzipThresholdBytes,
        signal: request.signal,
      });
      return { status: 204, body: '' };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return {
        status: error.statusCode,
        body: error.body ?? error.message,
        retryAfter: headerValue(error.headers, 'retry-after'),
      };
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  return {
    url: config.url,
    name: 'v2',
    // The library's request takes a string (anything else it sends as JSON) and makes it bytes
    // again: a copy per request that the v1 transport does not make.
    send: (body, signal) => post(body.toString('utf8'), signal),
    probe: (signal) => post('', signal),
    async close() {
      // The library's transport keeps no sockets open between requests.
    },
  };
}
