import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { tsxArgs } from './support/node-child.js';

const runner = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      tsxArgs(runner, ...args),
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('enphase-etl command line', () => {
  it('lists every command of the contract in its help, exit 0', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'start',
      'worker',
      'scheduler',
      'backfill',
      'sync',
      'status',
      'plan',
      'auth',
      'simulator',
      'demo',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('shows a command’s help for `help <command>` and for `<command> --help`, exit 0', async () => {
    for (const args of [
      ['help', 'backfill'],
      ['backfill', '--help'],
    ]) {
      const { code, stdout } = await cli(args);
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: enphase-etl backfill');
    }
  });

  it('exits 2 on an unknown command', async () => {
    const { code, stderr } = await cli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('stops on a bad configuration with one clear line naming the variable, exit 2', async () => {
    const { code, stderr } = await cli(['plan'], { ENPHASE_PLAN: 'gigawatt', SETTLE_WINDOW: 'a while' });
    expect(code).toBe(2);
    expect(stderr).toContain('ENPHASE_PLAN');
    expect(stderr).toContain('SETTLE_WINDOW');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('enphase-etl simulator', () => {
  it('serves the API with the credentials it prints, and stops with exit 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, tsxArgs(runner, 'simulator', '--port', '0', '--systems', '250'), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    const deadline = Date.now() + 30_000;
    while (!/ENPHASE_ACCESS_TOKEN=\S+/.test(out) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    const token = /ENPHASE_ACCESS_TOKEN=(\S+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    const pages: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await fetch(`${url}/api/v4/systems?size=100&page=${page}`, {
        headers: { key: 'sim-key', authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { systems: unknown[]; total: number };
      expect(body.total).toBe(250);
      pages.push(body.systems.length);
    }
    expect(pages).toEqual([100, 100, 50]);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('rejects a bad option with exit 2', async () => {
    const { code, stderr } = await cli(['simulator', '--systems', 'many']);
    expect(code).toBe(2);
    expect(stderr).toContain('--systems must be a whole number');
  });
});
