// The local Redis and InfluxDB that `enphase-etl demo` starts when none answers: `redis-server`
// and `influxd` (1.x) from PATH, each on a free loopback port in a temporary folder, stopped and
// removed at the end; and what to tell a user who has neither.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { influxdConfig } from './influxd-config.js';
import { tryRedis } from './redis-check.js';

/** A service the demo started itself, and how to stop it. */
export interface LocalService {
  url: string;
  stop(): Promise<void>;
}

/** The path of an executable on PATH, or undefined. */
export function onPath(name: string, path?: string): string | undefined {
  // PATH, not configuration: where the optional local binaries are (config.ts reads the rest).
  for (const dir of (path ?? process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  ready: () => Promise<boolean>,
  what: string,
  child: ChildProcess,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

/** Stops a child by its pid: SIGTERM, then SIGKILL if it lingers. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startLocalRedis(binary: string): Promise<LocalService> {
  const folder = await mkdtemp(join(tmpdir(), 'enphase-demo-redis-'));
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      const r = await tryRedis(url);
      if ('redis' in r) r.redis.disconnect();
      return 'redis' in r;
    },
    'redis-server',
    child,
  );
  return {
    url,
    stop: async () => {
      await stopChild(child);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export async function influxAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2_000) });
    return response.status === 204 || response.ok;
  } catch {
    return false;
  }
}

export async function startLocalInflux(binary: string): Promise<LocalService> {
  const folder = await mkdtemp(join(tmpdir(), 'enphase-demo-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  await writeFile(join(folder, 'influxdb.conf'), influxdConfig(folder, httpPort, rpcPort));
  const child = spawn(binary, ['-config', join(folder, 'influxdb.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitFor(() => influxAnswers(url), 'influxd', child);
  return {
    url,
    stop: async () => {
      await stopChild(child);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export const HOW_TO_GET_REDIS = [
  'Redis is needed (REDIS_URL) and none answers. Any of:',
  '  docker compose up -d redis                      (the repository’s docker-compose.yml)',
  '  apt-get install -y redis-server                 (then run the demo again: it starts redis-server itself)',
  '  REDIS_URL=redis://host:6379 enphase-etl demo    (a Redis you already have)',
].join('\n');

export const HOW_TO_GET_INFLUX = [
  'InfluxDB is needed (INFLUX_URL) and none answers. Any of:',
  '  docker compose up -d influxdb                   (the repository’s docker-compose.yml)',
  '  apt-get install -y influxdb                     (InfluxDB 1.x; the demo then starts influxd itself)',
  '  INFLUX_URL=http://host:8086 INFLUX_API=v2 INFLUX_TOKEN=… INFLUX_ORG=… enphase-etl demo',
].join('\n');
