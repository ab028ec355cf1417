// InfluxDB 1.x `/write?db=&rp=&precision=s` through got. Creates the database when InfluxDB says it
// is missing and the credentials allow (CREATE DATABASE is idempotent, so two loaders racing is fine).
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { escape } from '@influxdata/influxdb-client';
import got, { type Got } from 'got';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { encodeBody } from './gzip.js';
import type { LoaderOptions } from './contract.js';
import type { WriteResponse, WriteTransport } from './transport.js';

type InfluxConfig = Config['influx'];

const DATABASE_NOT_FOUND = /database not found/i;

function basicAuth(config: InfluxConfig): Record<string, string> {
  if (config.username === undefined) return {};
  const credentials = Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64');
  return { authorization: `Basic ${credentials}` };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function createV1Transport(
  config: InfluxConfig,
  options: Pick<LoaderOptions, 'gzipThresholdBytes' | 'requestTimeoutMs' | 'concurrency'>,
  logger: Logger,
): WriteTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.concurrency + 1 };
  const agent = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const client: Got = got.extend({
    prefixUrl: config.url,
    headers: basicAuth(config),
    agent,
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: options.requestTimeoutMs },
    responseType: 'text',
  });
  const writeParams = new URLSearchParams({ db: config.database, precision: 's' });
  if (config.retentionPolicy !== undefined) writeParams.set('rp', config.retentionPolicy);

  async function post(
    path: string,
    body: Buffer | URLSearchParams,
    signal: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<WriteResponse> {
    const response = await client.post(path, {
      ...(body instanceof URLSearchParams ? { form: Object.fromEntries(body) } : { body }),
      headers,
      signal,
    });
    return {
      status: response.statusCode,
      body: response.body,
      retryAfter: headerValue(response.headers['retry-after']),
    };
  }

  async function createDatabase(signal: AbortSignal): Promise<WriteResponse> {
    // escape.quoted adds the surrounding double quotes of an InfluxQL identifier.
    const statement = `CREATE DATABASE ${escape.quoted(config.database)}`;
    const response = await post('query', new URLSearchParams({ q: statement }), signal);
    // /query answers 200 even when a statement fails; the statement's error is in the body.
    const failed = response.status !== 200 || /"error"/.test(response.body);
    if (!failed) {
      logger.info({ database: config.database }, 'created the InfluxDB database');
      return response;
    }
    // A busy or restarting server is retried like any write; anything else means the database
    // cannot be created with these credentials: a configuration error, never a reason to drop lines.
    if (response.status === 429 || response.status >= 500) return response;
    return {
      status: response.status === 401 || response.status === 403 ? response.status : 404,
      body: `database ${config.database} not found and not created: ${response.body}`,
    };
  }

  return {
    url: config.url,
    name: 'v1',
    async send(raw, signal) {
      const { body, encoding } = await encodeBody(raw, options.gzipThresholdBytes);
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      if (encoding) headers['content-encoding'] = encoding;
      const path = `write?${writeParams.toString()}`;
      const response = await post(path, body, signal, headers);
      if (response.status !== 404 || !DATABASE_NOT_FOUND.test(response.body)) return response;
      const created = await createDatabase(signal);
      if (created.status < 200 || created.status >= 300) return created;
      return post(path, body, signal, headers);
    },
    probe(signal) {
      return this.send(Buffer.alloc(0), signal);
    },
    async close() {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}
