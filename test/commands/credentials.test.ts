// Credentials through the command line (issue 9 §6): a refused API key and an access token without
// its refresh token are configuration problems — one line naming the variable, exit 2, no stack.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { tsxArgs } from '../support/node-child.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';

const runner = fileURLToPath(new URL('../fixtures/run-cli.ts', import.meta.url));

// A temporary working directory: the child must find tsx by absolute path, and must not read the
// checkout's `.env` (which could hold real credentials and change what is tested).
function cli(args: string[], env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'enphase-credentials-cli-'));
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      tsxArgs(runner, ...args),
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let sim: RunningSimulator;
let redis: RedisHandle;
let influx: InfluxV1Handle;
beforeAll(async () => {
  [sim, redis, influx] = await Promise.all([startSimulator({ systems: 2 }), startRedis(), startInfluxV1()]);
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await Promise.all([redis?.stop(), influx?.stop()]);
});

it('a wrong ENPHASE_API_KEY: one line naming it, exit 2, no stack, no secret', async () => {
  const pair = sim.issueTokenPair();
  const result = await cli(['backfill', '--system', 'all', '--from', '2020-01-01'], {
    ENPHASE_API_URL: sim.url,
    ENPHASE_API_KEY: 'a-wrong-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_ACCESS_TOKEN: pair.access_token,
    ENPHASE_REFRESH_TOKEN: pair.refresh_token,
    ENPHASE_PLAN: 'partner',
    REDIS_URL: redis.url,
    INFLUX_URL: influx.url,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: influx.database,
    LOG_LEVEL: 'silent',
  });
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^enphase-etl: Enphase refused the API key: .*ENPHASE_API_KEY/),
  ]);
  expect(result.stderr).not.toMatch(/plan does not include/);
  expect(result.stderr + result.stdout).not.toContain('a-wrong-key');
  expect(result.stderr + result.stdout).not.toContain(pair.refresh_token);
}, 90_000);

it('ENPHASE_ACCESS_TOKEN without ENPHASE_REFRESH_TOKEN stops at start-up naming both, exit 2', async () => {
  const result = await cli(['plan'], { ENPHASE_ACCESS_TOKEN: 'an-access-token', REDIS_URL: redis.url });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/ENPHASE_ACCESS_TOKEN is set without ENPHASE_REFRESH_TOKEN/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toContain('an-access-token');
}, 60_000);
