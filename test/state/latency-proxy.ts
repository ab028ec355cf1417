// A TCP proxy that delays every chunk the server sends back: with it, each round trip costs at
// least `delayMs`, so a test can tell one pipelined pass from thousands of request-reply waits.
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  port: number;
  stop(): Promise<void>;
}

export async function startLatencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    // Chunks keep their order: each is released delayMs after it arrived, after the ones before it.
    let releaseAt = 0;
    upstream.on('data', (chunk) => {
      releaseAt = Math.max(releaseAt, Date.now() + delayMs);
      setTimeout(() => client.write(chunk), releaseAt - Date.now());
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
