// Every command ends, and Ctrl-C always works (issue 10, section 1), as an operator sees it: real
// child processes, their exit codes, signals and stderr. Redis unreachable at start → exit 2 and
// one line; a Redis that accepts and never answers → the check gives up, and SIGINT during it ends
// the command; `status | head -1` ends quietly; `start` answers /healthz 503 while Redis is away
// and exits 0 on SIGTERM; a second SIGINT ends a backfill at once with 130; a backfill whose Redis
// stays away longer than REDIS_PATIENCE ends with exit 1 and one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { localDate } from '../../src/normalize/time.js';
import { tsxArgs } from '../support/node-child.js';
import { freePort } from '../support/ports.js';
import { DAY, startE2eWorld, type E2eWorld } from '../e2e/support.js';

const CLI = fileURLToPath(new URL('../fixtures/run-cli.ts', import.meta.url));
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code, or 128 + signal number when a signal ended it (as a shell reports it). */
  exited: Promise<number>;
}

function run(args: string[], env: Record<string, string>, cwd?: string): Child {
  const child = spawn(process.execPath, tsxArgs(CLI, ...args), {
    env: { ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += String(c)));
  child.stderr.on('data', (c: Buffer) => (err += String(c)));
  const exited = once(child, 'exit').then(([code, signal]) =>
    typeof code === 'number' ? code : signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 137,
  );
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

/** The child's exit code, or an error carrying its last output when it does not end in `ms`. */
async function exitOf(child: Child, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `still running after ${ms} ms; stdout: ${child.stdout().slice(-3_000)}; stderr: ${child.stderr().slice(-2_000)}`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const NO_STACK = /\n\s+at |ioredis|Unhandled|ECONNREFUSED.*\n.*ECONNREFUSED/;

describe('Redis unreachable at start', () => {
  const env = { ...BASE_ENV, REDIS_URL: 'redis://127.0.0.1:1', ENPHASE_API_KEY: 'key' };
  it.each([
    ['backfill', '--system', 'all', '--from', '2025-01-01'],
    ['sync'],
    ['status'],
    ['start'],
    ['worker'],
    ['scheduler'],
    ['auth', 'exchange', '--code', 'abc'],
    ['auth', 'refresh'],
  ])(
    '%s exits 2 with the one line "cannot reach Redis at REDIS_URL"',
    async (...args) => {
      const child = run(args, env);
      expect(await child.exited).toBe(2);
      const lines = child.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^enphase-etl: cannot reach Redis at REDIS_URL \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
      );
      expect(child.stderr()).not.toMatch(NO_STACK);
    },
    30_000,
  );
});

describe('a Redis that accepts connections and never answers', () => {
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket)); // reads, never writes
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `redis://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('status gives up after the check’s bound: exit 2, one line', async () => {
    const started = Date.now();
    const child = run(['status'], { REDIS_URL: url });
    expect(await child.exited).toBe(2);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(child.stderr()).toMatch(/^enphase-etl: cannot reach Redis at REDIS_URL \(no answer within 5 s\)/);
    expect(child.stderr()).not.toMatch(NO_STACK);
  }, 30_000);

  it('SIGINT during the check ends the command at once', async () => {
    const child = run(['sync'], { REDIS_URL: url, ENPHASE_API_KEY: 'key' });
    // The check is under way once the child has connected to the silent server.
    const before = sockets.length;
    await until('the check to connect', () => sockets.length > before, 20_000);
    const sent = Date.now();
    child.process.kill('SIGINT');
    expect(await child.exited).toBe(130);
    expect(Date.now() - sent).toBeLessThan(2_000);
  }, 30_000);
});

describe('with the pipeline’s services', () => {
  let w: E2eWorld;
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 3, seed: 21 }, { advancingClock: true });
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });
  const fromDate = () => localDate(Math.floor(Date.now() / 1000) - 20 * DAY, 'UTC');

  it('status whose reader has gone (| head -1) ends quietly', async () => {
    const child = run(['status'], w.env);
    child.process.stdout!.destroy(); // the reader is gone before the first line
    expect(await child.exited).toBe(0);
    expect(child.stderr()).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
  }, 30_000);

  it('a backfill whose Redis stays away longer than REDIS_PATIENCE exits 1 with one line', async () => {
    w.sim.setFaults({ latencyMs: 300 });
    try {
      const child = run(['backfill', '--system', 'all', '--from', fromDate(), '--force'], {
        ...w.env,
        REDIS_PATIENCE: '2s',
        LOG_LEVEL: 'error',
      });
      const seen = w.sim.requestLog.entries().length;
      await until('a request of the run', () => w.sim.requestLog.entries().length > seen + 3).catch(
        (error: Error) => {
          throw new Error(`${error.message}; stderr: ${child.stderr().slice(-2_000)}`);
        },
      );
      await w.redis.kill();
      const killed = Date.now();
      expect(await exitOf(child, 60_000)).toBe(1);
      // Patience 2 s, a last look at the jobs 5 s, the workers handed back at once, then closing.
      expect(Date.now() - killed).toBeLessThan(30_000);
      expect(child.stderr()).toMatch(
        /^enphase-etl: lost the connection to Redis at REDIS_URL and it did not come back within 2 s \(REDIS_PATIENCE\)/m,
      );
      expect(child.stderr()).not.toMatch(NO_STACK);
    } finally {
      w.sim.setFaults({});
      await w.redis.start();
    }
  }, 120_000);

  it('start answers /healthz 503 while Redis is away, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    // Info: when it does not end, the failure shows how far its shutdown got.
    const child = run(['start'], { ...w.env, METRICS_PORT: String(port), LOG_LEVEL: 'info' });
    const health = async (): Promise<number> =>
      fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.status)
        .catch(() => 0);
    try {
      await until('/healthz 200', async () => (await health()) === 200);
      await w.redis.kill();
      await until('/healthz 503', async () => (await health()) === 503, 20_000);
      child.process.kill('SIGTERM');
      expect(await exitOf(child, 60_000)).toBe(0);
      expect(child.stderr()).not.toMatch(NO_STACK);
    } finally {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
      await w.redis.start();
    }
  }, 120_000);
  it('start stopped by SIGTERM while it waits for InfluxDB ends at once with 0, no API request', async () => {
    const [metricsPort, closedPort] = [await freePort(), await freePort()];
    const seen = w.sim.requestLog.entries().length;
    const child = run(['start'], {
      ...w.env,
      METRICS_PORT: String(metricsPort),
      INFLUX_URL: `http://127.0.0.1:${closedPort}`,
      INFLUX_PATIENCE: '2m',
      LOG_LEVEL: 'info',
    });
    try {
      await until('the wait for InfluxDB', () => child.stdout().includes('InfluxDB'));
      child.process.kill('SIGTERM');
      const signalled = Date.now();
      expect(await exitOf(child, 30_000)).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(child.stdout()).toContain('signal received while waiting for InfluxDB; stopped');
      expect(child.stderr()).not.toMatch(NO_STACK);
      expect(w.sim.requestLog.entries().length).toBe(seen);
    } finally {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
  }, 60_000);

  // Last: the killed process leaves its system locks behind (they lapse after 60 s).
  it('a second SIGINT ends a backfill at once with 130', async () => {
    w.sim.setFaults({ latencyMs: 400 }); // the graceful stop waits for the active jobs
    try {
      const seen = w.sim.requestLog.entries().length;
      const child = run(['backfill', '--system', 'all', '--from', fromDate(), '--datasets', 'rgm'], w.env);
      await until('a request of the run', () =>
        w.sim.requestLog
          .entries()
          .slice(seen)
          .some((e) => e.route.includes('rgm')),
      );
      child.process.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 300));
      const sent = Date.now();
      child.process.kill('SIGINT');
      expect(await child.exited).toBe(130);
      expect(Date.now() - sent).toBeLessThan(2_000);
      expect(child.stderr()).toMatch(/SIGINT again: stopped at once/);
    } finally {
      w.sim.setFaults({});
    }
  }, 90_000);
});
