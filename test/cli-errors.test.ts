// Errors an operator can meet end a command with one line on stderr, never a stack trace (that is
// for LOG_LEVEL=debug): a refused refresh token (exit 2, the re-authorise hint once), a port in
// use for /metrics (exit 2), an Enphase API that does not answer (exit 1). Real child processes
// of the command line against a real Redis and InfluxDB and the project's simulator.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { REAUTHORISE_HINT } from '../src/enphase/errors/index.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { tsxArgs } from './support/node-child.js';
import { freePort } from './support/ports.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from './support/services.js';

const runner = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));
const STACK_FRAME = /\n\s+at /;

function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      tsxArgs(runner, ...args),
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let redis: RedisHandle;
let influx: InfluxV1Handle;
let sim: RunningSimulator;
let base: Record<string, string>;

beforeAll(async () => {
  [redis, influx, sim] = await Promise.all([startRedis(), startInfluxV1(), startSimulator({ systems: 1 })]);
  base = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    INFLUX_URL: influx.url,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: influx.database,
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_PLAN: 'partner',
  };
}, 60_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), influx?.stop(), sim?.close()]);
});

describe('errors an operator can meet: one line, no stack', () => {
  it('a refused refresh token: exit 2, the hint once', async () => {
    const env = {
      ...base,
      REDIS_KEY_PREFIX: `${redis.prefix}refused`,
      ENPHASE_ACCESS_TOKEN: 'not-a-token',
      ENPHASE_REFRESH_TOKEN: 'revoked-refresh-token',
    };
    const { code, stderr } = await cli(['sync', '--system', 'all'], env);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^enphase-etl: AuthError: the stored Enphase refresh token was refused/);
    expect(stderr.split(REAUTHORISE_HINT)).toHaveLength(2);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(stderr).not.toContain('revoked-refresh-token');

    // The stack is there for whoever asks for it.
    const debug = await cli(['sync', '--system', 'all'], { ...env, LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_FRAME);
  }, 60_000);

  it('a port in use for /metrics: exit 2, naming the variables', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await cli(['worker'], {
        ...base,
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(port),
      });
      expect(code).toBe(2);
      expect(stderr).toBe(
        `enphase-etl: /metrics cannot listen on 127.0.0.1:${port} (METRICS_HOST, METRICS_PORT): the port is in use, by another process or another enphase-etl start/worker on this machine; set METRICS_PORT to a free port (0: any)\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);

  it('an Enphase API that does not answer: exit 1, one line naming what was asked', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const pair = sim.issueTokenPair();
    const { code, stderr } = await cli(['sync', '--system', 'all'], {
      ...base,
      ENPHASE_API_URL: unreachable,
      ENPHASE_ACCESS_TOKEN: pair.access_token,
      ENPHASE_REFRESH_TOKEN: pair.refresh_token,
    });
    expect(code).toBe(1);
    expect(stderr).toBe('enphase-etl: ApiError: no answer from /api/v4/systems (ECONNREFUSED)\n');
  }, 60_000);
});
