import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', runner, ...args],
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

  it('exits 2 on an unknown command', async () => {
    const { code, stderr } = await cli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('says plainly when a command is not built yet, exit 1', async () => {
    const { code, stderr } = await cli(['demo']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/not built yet/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
