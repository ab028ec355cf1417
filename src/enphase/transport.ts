// One HTTP exchange with the Enphase API on node's own http/https, for the client's request loop.
//
// Why not got (used here before, and still by the OAuth calls and the loader): got builds and
// merges a full Options object, hooks and timers per request, ~0.3 ms of CPU more per request
// than node's http for the same exchange (measured: ~500 vs ~180 µs CPU per request on this
// machine, docs/benchmarks.md "Enphase client: request overhead"). The client used none of got's
// extras — its retry is off (the client's own loop retries), redirects are not followed, HTTP
// errors are answers, not exceptions — so what is left is small and kept here, the same as got
// did it:
//   - persistent connections (keep-alive agents, one per protocol);
//   - `accept-encoding: gzip, deflate, br` and the body decompressed by its content-encoding;
//   - one timeout for the whole exchange (connect to the body's last byte): the request is
//     destroyed with code ETIMEDOUT;
//   - an AbortSignal destroys the request at once (shutdown);
//   - a JSON body sent with `content-type: application/json`.
// Network failures reject with node's error, whose `code` (ECONNRESET, ECONNREFUSED, …) the
// response policy names.
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface TransportAnswer {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text (UTF-8), decompressed. */
  body: string;
  /** The URL asked (never logged without redactUrl). */
  url: string;
}

export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Relative to the base URL (no leading slash), as fillTemplate makes it. */
  path: string;
  searchParams?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  signal?: AbortSignal;
}

export type Transport = (request: TransportRequest) => Promise<TransportAnswer>;

/** `base` + `path` + the query, as got's prefixUrl and searchParams joined them. */
export function requestUrl(
  base: string,
  path: string,
  searchParams?: Record<string, string | number | boolean>,
): URL {
  const url = new URL(`${base.endsWith('/') ? base : `${base}/`}${path}`);
  if (searchParams) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(searchParams)) query.append(name, String(value));
    url.search = query.toString();
  }
  return url;
}

/** A readable of the decompressed body, by its content-encoding (identity when none or unknown). */
function decoded(response: http.IncomingMessage): Readable {
  switch ((response.headers['content-encoding'] ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH }));
    case 'deflate':
      return response.pipe(zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH }));
    case 'br':
      return response.pipe(zlib.createBrotliDecompress());
    default:
      return response;
  }
}

async function readBody(response: http.IncomingMessage): Promise<string> {
  const encoded = response.headers['content-encoding'];
  if (!encoded || encoded === 'identity') {
    // The common case, without a stream pipeline: chunks joined once at the end.
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  const chunks: Buffer[] = [];
  await pipeline(
    decoded(response),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks).toString('utf8');
}

export function createTransport(options: {
  baseUrl: string;
  /** Sent with every request (the API key, the user agent). */
  headers: Record<string, string>;
  timeoutMs: number;
}): Transport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  const common = { ...options.headers, 'accept-encoding': 'gzip, deflate, br' };

  return (request) => {
    const url = requestUrl(options.baseUrl, request.path, request.searchParams);
    const body = request.json === undefined ? undefined : JSON.stringify(request.json);
    const headers: Record<string, string | number> = { ...common, ...request.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    return new Promise<TransportAnswer>((resolve, reject) => {
      const signal = request.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const req = send(url, { method: request.method, headers, agent });
      const fail = (error: Error): void => {
        req.destroy(error);
      };
      const timer = setTimeout(() => {
        fail(
          Object.assign(new Error(`timeout of ${options.timeoutMs} ms for ${request.method} request`), {
            code: 'ETIMEDOUT',
          }),
        );
      }, options.timeoutMs);
      const onAbort = (): void =>
        fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      req.on('error', (error) => {
        settle();
        reject(error);
      });
      req.on('response', (response) => {
        // An error while the body streams (reset, timeout, abort) rejects through readBody.
        readBody(response).then(
          (text) => {
            settle();
            resolve({
              statusCode: response.statusCode ?? 0,
              headers: response.headers,
              body: text,
              url: url.href,
            });
          },
          (error: Error) => {
            settle();
            reject(error);
          },
        );
      });
      req.end(body);
    });
  };
}
