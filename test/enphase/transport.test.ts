// The client's HTTP layer (src/enphase/transport.ts) against a real local HTTP server: what got did
// for the client and the transport must still do — compressed bodies, one timeout for the whole
// exchange, abort on shutdown, JSON bodies and queries, kept-alive connections, failures with a
// code. And the client on it stops a request in flight on shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createTransport, requestUrl } from '../../src/enphase/transport.js';
import { apiRequests, clientFor, startWorld, type World } from './support.js';

const BODY = JSON.stringify({ hello: 'wörld', items: Array.from({ length: 200 }, (_, i) => i) });

describe('transport', () => {
  let server: http.Server;
  let base: string;
  let connections = 0;
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url!, headers: req.headers, body });
        const path = new URL(req.url!, 'http://x').pathname;
        const send = (encoding: string, data: Buffer) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
          res.end(data);
        };
        if (path === '/api/gzip') return send('gzip', zlib.gzipSync(BODY));
        if (path === '/api/deflate') return send('deflate', zlib.deflateSync(BODY));
        if (path === '/api/br') return send('br', zlib.brotliCompressSync(BODY));
        if (path === '/api/slow-body') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
          res.write('{"partial":');
          return; // never ends: the timeout must cover the body too
        }
        if (path === '/api/hang') return; // never answers
        if (path === '/api/reset') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
          res.write('{"partial":');
          setTimeout(() => req.socket.destroy(), 20);
          return;
        }
        if (path === '/api/status') {
          res.writeHead(503, { 'retry-after': '2' });
          return res.end('busy');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(BODY);
      });
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const transport = (timeoutMs = 2_000) =>
    createTransport({ baseUrl: base, headers: { key: 'k', 'user-agent': 'enphase-etl' }, timeoutMs });

  it('joins the base URL, the path and the query as got did', () => {
    expect(requestUrl('https://api.example/', 'api/v4/x', { a: 1, b: 'x y', c: true }).href).toBe(
      'https://api.example/api/v4/x?a=1&b=x+y&c=true',
    );
    expect(requestUrl('https://api.example/base', 'api/v4/x').href).toBe('https://api.example/base/api/v4/x');
  });

  it('asks for compressed bodies and decodes gzip, deflate and br as well as plain ones', async () => {
    const send = transport();
    for (const path of ['api/gzip', 'api/deflate', 'api/br', 'api/plain']) {
      const answer = await send({ method: 'GET', path });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toBe(BODY);
    }
    expect(seen.at(-1)!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends the common and per-request headers, the query and a JSON body', async () => {
    const answer = await transport()({
      method: 'POST',
      path: 'api/plain',
      searchParams: { page: 2, size: 100 },
      headers: { authorization: 'Bearer t', accept: 'application/json' },
      json: { system: { name: 'ä' } },
    });
    expect(answer.url).toBe(`${base}/api/plain?page=2&size=100`);
    const request = seen.at(-1)!;
    expect(request.url).toBe('/api/plain?page=2&size=100');
    expect(request.headers).toMatchObject({
      key: 'k',
      'user-agent': 'enphase-etl',
      authorization: 'Bearer t',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request.body)).toEqual({ system: { name: 'ä' } });
  });

  it('returns every status as an answer, with its headers', async () => {
    const answer = await transport()({ method: 'GET', path: 'api/status' });
    expect(answer).toMatchObject({ statusCode: 503, body: 'busy' });
    expect(answer.headers['retry-after']).toBe('2');
  });

  it('keeps the connection alive between requests', async () => {
    const send = transport();
    await send({ method: 'GET', path: 'api/plain' });
    const before = connections;
    for (let i = 0; i < 5; i += 1) await send({ method: 'GET', path: 'api/plain' });
    expect(connections).toBe(before);
  });

  it('times out the whole exchange, an unanswered request and a body that stops, with ETIMEDOUT', async () => {
    for (const path of ['api/hang', 'api/slow-body']) {
      const started = Date.now();
      const error = await transport(300)({ method: 'GET', path }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('ETIMEDOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });

  it('stops at once when its signal aborts, with the signal’s reason', async () => {
    const controller = new AbortController();
    const pending = transport(10_000)({ method: 'GET', path: 'api/hang', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(
      transport()({ method: 'GET', path: 'api/plain', signal: AbortSignal.abort(new Error('already')) }),
    ).rejects.toThrow('already');
  });

  it('fails with a code when the connection drops in the middle of a body', async () => {
    const error = await transport()({ method: 'GET', path: 'api/reset' }).catch((e: unknown) => e);
    // node's own error (another realm under jest, so no instanceof): the policy reads its code.
    expect((error as { code?: string }).code).toBe('ECONNRESET');
  });
});

describe('the client on this transport', () => {
  let world: World | undefined;
  afterAll(async () => {
    await world?.stop();
  });

  it('stops a request in flight at once on shutdown: no retry, the signal’s reason', async () => {
    world = await startWorld({ faults: { timeoutRate: 1 } }); // every request left hanging
    const controller = new AbortController();
    const { client } = await clientFor(world, { deps: { signal: controller.signal, timeoutMs: 30_000 } });
    const id = world.sim.fleet.ids()[0]!;
    const pending = client.get('/api/v4/systems/{system_id}', { pathParams: { system_id: id } });
    setTimeout(() => controller.abort(new Error('shutting down')), 200);
    const started = Date.now();
    await expect(pending).rejects.toThrow('shutting down');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(apiRequests(world.sim)).toHaveLength(1);
  });
});
