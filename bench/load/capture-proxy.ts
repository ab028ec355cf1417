// An HTTP proxy in front of InfluxDB that passes every request on unchanged and keeps the lines of
// every /write it forwarded: the exact points a pipeline run wrote, for curl to post again.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface CaptureProxy {
  url: string;
  /** The lines of every acknowledged /write, in the order they were acknowledged. */
  lines: string[];
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startCaptureProxy(targetUrl: string): Promise<CaptureProxy> {
  const lines: string[] = [];
  const server = createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'content-encoding', 'authorization']) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const upstream = await fetch(`${targetUrl}${request.url ?? '/'}`, {
          method: request.method,
          headers,
          ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
        });
        if (request.url?.startsWith('/write') && upstream.status === 204 && body.length > 0) {
          const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString(
            'utf8',
          );
          for (const line of text.split('\n')) if (line !== '') lines.push(line);
        }
        response.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'text/plain',
        });
        response.end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
