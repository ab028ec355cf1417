// Spawns the worker fixture as real child processes and releases them together.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { tsxArgs } from '../support/node-child.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/client-worker.ts', import.meta.url));

export interface WorkerResult {
  pid: number;
  results: string[];
  ms: number;
}

export async function runWorkers(
  count: number,
  env: Record<string, string>,
  redis: Redis,
  goKey: string,
  startTimeoutMs = 150_000,
): Promise<WorkerResult[]> {
  const children = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, tsxArgs(FIXTURE), {
      env: { ...process.env, NODE_OPTIONS: '', ...env, GO_KEY: goKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const done = new Promise<WorkerResult>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) reject(new Error(`worker exited ${code}: ${err}`));
        else resolve(JSON.parse(out.trim()) as WorkerResult);
      });
    });
    // Observed even if the barrier gives up first, so a late exit is not an unhandled rejection.
    done.catch(() => undefined);
    return { child, done };
  });
  try {
    // The barrier: every worker is up and connected before any makes a request.
    // Start-up (tsx, the schema validator's compile) takes a few seconds each, far more on a
    // machine busy with other work.
    const deadline = Date.now() + startTimeoutMs;
    while ((await redis.llen(`${goKey}:ready`)) < count) {
      if (Date.now() > deadline) throw new Error(`workers did not start within ${startTimeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await redis.rpush(goKey, ...Array.from({ length: count }, () => 'go'));
    return await Promise.all(children.map((c) => c.done));
  } finally {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.allSettled(children.map((c) => c.done));
  }
}
