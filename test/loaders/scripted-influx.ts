// A tiny HTTP server that answers writes with the statuses a test scripts: 413, 429 with
// Retry-After, 503, 401, 400 naming a bad line. The real servers here (influxd, VictoriaMetrics)
// cannot be made to send most of these on demand; everything they can do is tested against them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ScriptedRequest {
  path: string;
  lines: string[];
  at: number;
  gzipped: boolean;
  authorization?: string;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Decides the answer to one request; `undefined` holds the request open until release(). */
export type Script = (request: ScriptedRequest, index: number) => Reply | undefined;

export interface ScriptedInflux {
  url: string;
  requests: ScriptedRequest[];
  /** Lines of every request answered 2xx, in order. */
  accepted: string[];
  /** Answers every held request (and later ones) with this reply. */
  release(reply: Reply): void;
  held(): number;
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}

export async function startScriptedInflux(script: Script): Promise<ScriptedInflux> {
  const requests: ScriptedRequest[] = [];
  const accepted: string[] = [];
  let holding: { request: ScriptedRequest; response: ServerResponse }[] = [];
  let released: Reply | undefined;

  const answer = (request: ScriptedRequest, response: ServerResponse, reply: Reply): void => {
    if (reply.status >= 200 && reply.status < 300) accepted.push(...request.lines);
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(reply.body ?? '');
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const request: ScriptedRequest = {
          path: req.url ?? '',
          lines: body.split('\n').filter((line) => line !== ''),
          at: Date.now(),
          gzipped: req.headers['content-encoding'] === 'gzip',
          authorization: req.headers.authorization,
        };
        requests.push(request);
        const reply = released ?? script(request, requests.length - 1);
        if (reply === undefined) holding.push({ request, response: res });
        else answer(request, res, reply);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    release(reply) {
      released = reply;
      const waiting = holding;
      holding = [];
      for (const { request, response } of waiting) answer(request, response, reply);
    },
    held: () => holding.length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
