// InfluxDB's `/api/v2/write` (1.8+, 2.x, 3.x, Cloud) through @influxdata/influxdb-client's WriteApi.
// The WriteApi's own retry buffer drops the oldest lines when full and gives up after maxRetryTime,
// which would lose points in a long outage. So it is used as a transport only: maxRetries 0, no
// timer, no size-triggered sends, and `writeFailed` hands every failure back to the batching core,
// which applies the loader's taxonomy (retry without a time limit, split, bisect).
import { HttpError, InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import type { Config } from '../config.js';
import type { LoaderOptions } from './line-writer.js';
import type { WriteTransport } from './transport.js';

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

export function createV2Transport(
  config: InfluxConfig,
  options: Pick<LoaderOptions, 'batchSize' | 'gzipThresholdBytes' | 'requestTimeoutMs'>,
): WriteTransport {
  const token = tokenOf(config);
  const influx = new InfluxDB({
    url: config.url,
    timeout: options.requestTimeoutMs,
    ...(token === undefined ? {} : { token }),
  });
  const api: WriteApi = influx.getWriteApi(config.org ?? '', config.bucket, 's', {
    // Larger than any batch the core sends, so the WriteApi never sends on its own.
    batchSize: options.batchSize + 1,
    maxBatchBytes: Number.POSITIVE_INFINITY,
    flushInterval: 0,
    maxRetries: 0,
    gzipThreshold: options.gzipThresholdBytes,
    // A rejected promise here replaces the library's own retry and its console logging.
    writeFailed: (error: Error) => Promise.reject(error),
  });

  return {
    name: 'v2',
    async send(lines) {
      // writeRecords + flush() run synchronously up to the request, so batches sent concurrently
      // never mix in the WriteApi's buffer.
      api.writeRecords(lines as string[]);
      try {
        await api.flush();
        return { status: 204, body: '' };
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        return {
          status: error.statusCode,
          body: error.body ?? error.message,
          retryAfter: headerValue(error.headers, 'retry-after'),
        };
      }
    },
    async close() {
      api.dispose();
    },
  };
}
