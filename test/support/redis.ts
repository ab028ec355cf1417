// A Redis for tests: from TEST_REDIS_URL, a redis:7 container, or a local redis-server.
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { externalBackend, type Backend } from './backend.js';
import { containerRuntimeAvailable, startServiceContainer } from './containers.js';
import { serviceUrlFromEnv } from './env.js';
import { findBinary, startLocalServer } from './local-server.js';
import { missingServiceError } from './missing.js';
import { uniqueId } from './unique.js';

export interface RedisHandle {
  /** e.g. redis://127.0.0.1:PORT (a URL from the environment may carry a /db). */
  url: string;
  /** A key prefix unique to this handle (pass it to createKeys(prefix)): isolation on a shared server. */
  prefix: string;
  /** Stops what this handle started; on an external server it deletes the keys under `prefix`. */
  stop(): Promise<void>;
  /** SIGKILLs the server (a server the harness started only; throws for TEST_REDIS_URL). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder (with appendOnly the data survives). */
  start(): Promise<void>;
}

export interface RedisOptions {
  /**
   * Persist every write (appendonly, fsync always) so data survives kill() + start(). Without it the
   * server keeps nothing on disk. Has no effect on a server from TEST_REDIS_URL.
   */
  appendOnly?: boolean;
}

/** One PING over a raw socket: true on +PONG (a loading server answers -LOADING, so false). */
export function redisAnswersPing(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

function persistenceArgs(appendOnly: boolean): string[] {
  // appendfsync always: a SIGKILL right after a write must not lose it in a restart test.
  return appendOnly
    ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--save', '', '--appendonly', 'no'];
}

async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

function handle(url: string, prefix: string, backend: Backend): RedisHandle {
  return { url, prefix, kill: backend.kill, start: backend.start, stop: backend.stop };
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisHandle> {
  const appendOnly = options.appendOnly ?? false;
  const prefix = `test_${uniqueId()}`;

  const external = serviceUrlFromEnv('redis');
  if (external !== undefined) {
    const backend = externalBackend('redis');
    return handle(external, prefix, { ...backend, stop: () => deleteKeysUnder(external, prefix) });
  }

  if (await containerRuntimeAvailable()) {
    const container = await startServiceContainer({
      image: 'redis:7',
      port: 6379,
      command: ['redis-server', ...persistenceArgs(appendOnly)],
      isReady: redisAnswersPing,
    });
    return handle(`redis://${container.host}:${container.port}`, prefix, container);
  }

  const binary = findBinary('redis-server');
  if (binary === undefined) throw missingServiceError('redis', 'Redis', 'redis-server');
  const server = await startLocalServer({
    name: 'redis',
    binary,
    portCount: 1,
    prepare: (folder, [port]) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      folder,
      '--daemonize',
      'no',
      ...persistenceArgs(appendOnly),
    ],
    isReady: ([port]) => redisAnswersPing('127.0.0.1', port ?? 0),
  });
  return handle(`redis://127.0.0.1:${server.ports[0]}`, prefix, server);
}
