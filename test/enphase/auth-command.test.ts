// `enphase-etl auth url | exchange | refresh`: in-process against the simulator and a real Redis,
// and through the real command line in a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAuthExchange, runAuthRefresh, runAuthUrl } from '../../src/commands/auth.js';
import { AuthError } from '../../src/enphase/errors/index.js';
import { apiKeyId } from '../../src/state/keys.js';
import { clientFor, configFor, startWorld, type World } from './support.js';
import { tsxArgs } from '../support/node-child.js';

// A child process under tsx starts in a few seconds, much slower on a busy machine.
const CLI_TEST_TIMEOUT = 240_000;
const runner = fileURLToPath(new URL('../fixtures/run-cli.ts', import.meta.url));

function cli(args: string[], env: Record<string, string>) {
  // An empty working directory: no developer's .env is read.
  const cwd = mkdtempSync(join(tmpdir(), 'enphase-auth-cli-'));
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      tsxArgs(runner, ...args),
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 110_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('enphase-etl auth', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.stop());

  const deps = (env: Record<string, string> = {}) => {
    const lines: string[] = [];
    return {
      lines,
      deps: {
        config: configFor(world.sim, env),
        redis: world.redis,
        keys: world.keys,
        out: (l: string) => lines.push(l),
      },
    };
  };

  it('url: prints the authorize URL from the client id and redirect URI', () => {
    const { lines, deps: d } = deps({ ENPHASE_REDIRECT_URI: 'https://example.test/cb' });
    runAuthUrl(d.config, d.out);
    const url = new URL(lines[0]!);
    expect(url.origin + url.pathname).toBe(`${world.sim.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'sim-client',
      redirect_uri: 'https://example.test/cb',
    });
  });

  it('exchange: stores the pair in Redis, prints no secret, and the client uses it', async () => {
    const { lines, deps: d } = deps();
    await world.redis.del(world.keys.tokens(apiKeyId('sim-key')));
    await runAuthExchange(d, world.sim.issueAuthorizationCode());
    const stored = await world.redis.hgetall(world.keys.tokens(apiKeyId('sim-key')));
    expect(stored.source).toBe('exchange');
    expect(Number(stored.expires_in)).toBe(86_400);
    const printed = lines.join('\n');
    expect(printed).toMatch(/Stored a new token pair/);
    expect(printed).not.toContain(stored.access_token!);
    expect(printed).not.toContain(stored.refresh_token!);

    world.sim.requestLog.clear();
    const { client } = await clientFor(world, { seed: false });
    await client.get('/api/v4/systems', { query: { size: 1 } });
    expect(world.sim.requestLog.entries().map((e) => e.status)).toEqual([200]); // no refresh needed
  });

  it('exchange: a stale environment pair is not imported over the exchanged one later', async () => {
    const stale = world.sim.issueTokenPair();
    const env = { ENPHASE_ACCESS_TOKEN: stale.access_token, ENPHASE_REFRESH_TOKEN: stale.refresh_token };
    const { deps: d } = deps(env);
    await world.redis.del(world.keys.tokens(apiKeyId('sim-key')));
    await runAuthExchange(d, world.sim.issueAuthorizationCode());
    const exchanged = await world.redis.hget(world.keys.tokens(apiKeyId('sim-key')), 'refresh_token');
    const { client } = await clientFor(world, { seed: false, env });
    await client.get('/api/v4/systems', { query: { size: 1 } });
    expect(await world.redis.hget(world.keys.tokens(apiKeyId('sim-key')), 'refresh_token')).toBe(exchanged);
  });

  it('exchange: a used or unknown code is refused with an AuthError that says what to do', async () => {
    const { deps: d } = deps();
    await expect(runAuthExchange(d, 'not-a-code')).rejects.toThrow(AuthError);
    await expect(runAuthExchange(d, 'not-a-code')).rejects.toThrow(
      /authorization code.*enphase-etl auth url/,
    );
  });

  it('refresh: rotates the stored pair and prints until when it is valid', async () => {
    const { lines, deps: d } = deps();
    await runAuthExchange(d, world.sim.issueAuthorizationCode());
    const before = await world.redis.hgetall(world.keys.tokens(apiKeyId('sim-key')));
    await runAuthRefresh(d);
    const after = await world.redis.hgetall(world.keys.tokens(apiKeyId('sim-key')));
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(lines.at(-1)).toMatch(/valid until \d{4}-\d\d-\d\dT/);
  });

  it(
    'through the command line: `auth url` prints the URL (exit 0); without a client id exits 2',
    async () => {
      const ok = await cli(['auth', 'url'], {
        ENPHASE_API_URL: world.sim.url,
        ENPHASE_CLIENT_ID: 'sim-client',
      });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`${world.sim.url}/oauth/authorize?response_type=code&client_id=sim-client`);
      const missing = await cli(['auth', 'url'], { ENPHASE_API_URL: world.sim.url });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/ENPHASE_CLIENT_ID/);
      expect(missing.stderr).not.toMatch(/\n\s+at /);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'through the command line: `auth exchange` with a bad code exits 1 with one clear line',
    async () => {
      const result = await cli(['auth', 'exchange', '--code', 'bogus'], {
        ENPHASE_API_URL: world.sim.url,
        ENPHASE_API_KEY: 'sim-key',
        ENPHASE_CLIENT_ID: 'sim-client',
        ENPHASE_CLIENT_SECRET: 'sim-secret',
        REDIS_URL: world.redisHandle.url,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused the authorization code/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr).not.toContain('sim-secret');
    },
    CLI_TEST_TIMEOUT,
  );
});
