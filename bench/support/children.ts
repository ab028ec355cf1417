// The pipeline's pieces as separate processes, as in production: the simulator (the API stand-in,
// from dist/, limits out of the way) and `enphase-etl` commands (bin/enphase-etl.js, which runs
// dist/: `npm run build` first). The bench process only drives and measures them.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const distSimulator = new URL('../../dist/simulator.js', import.meta.url).href;
export const CLI = `${root}bin/enphase-etl.js`;

export function requireBuild(): void {
  if (!existsSync(fileURLToPath(distSimulator)))
    throw new Error('dist/ is missing: run `npm run build` first');
}

// The child answers 'count' (requests served since the last 'clear') and 'clear' over IPC. It
// counts instead of keeping the request log: the log drops its older half past 200,000 entries
// (a round of 10,000 systems is 400,000 requests), and nothing here needs the entries.
const SIMULATOR_CHILD = `
import { startSimulator } from ${JSON.stringify(distSimulator)};
const options = JSON.parse(process.env.BENCH_SIMULATOR_OPTIONS);
const sim = await startSimulator(options);
const pair = sim.issueTokenPair();
let served = 0;
sim.requestLog.add = () => { served += 1; };
process.on('message', (m) => {
  if (m === 'count') process.send({ count: served });
  if (m === 'clear') { served = 0; process.send({ cleared: true }); }
});
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
process.send({ url: sim.url, accessToken: pair.access_token, refreshToken: pair.refresh_token });
`;

export interface SimulatorChild {
  url: string;
  pid: number;
  accessToken: string;
  refreshToken: string;
  /** Requests served since the last clear(). */
  count(): Promise<number>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      if (m && typeof m === 'object' && key in m) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`simulator child exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * The simulator in a child process with `systems` systems; `sim-key` (partner plan) without a rate
 * or quota limit, or with the plan's own (`limits: 'plan'`: 300 a minute).
 */
export async function startSimulatorChild(
  systems: number,
  limits: 'none' | 'plan' = 'none',
): Promise<SimulatorChild> {
  requireBuild();
  const options = {
    systems,
    ...(limits === 'none' ? { limits: { partner: { perMinute: 1e9, perMonth: null } } } : {}),
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', SIMULATOR_CHILD], {
    env: { ...process.env, BENCH_SIMULATOR_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage<{ url: string; accessToken: string; refreshToken: string }>(child, 'url');
  return {
    ...ready,
    pid: child.pid!,
    async count() {
      const reply = nextMessage<{ count: number }>(child, 'count');
      child.send('count');
      return (await reply).count;
    },
    async clear() {
      const reply = nextMessage(child, 'cleared');
      child.send('clear');
      await reply;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface CliChild {
  child: ChildProcess;
  pid: number;
  /** SIGTERM (graceful stop), then waits for the exit; its code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * `enphase-etl <args>` as a child process with `env` on top of this process's environment; its
 * stdout (logs, `--trace-gc`) goes to this process's stderr, away from the results on stdout.
 */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string>,
  node: readonly string[] = [],
): CliChild {
  requireBuild();
  const child = spawn(process.execPath, [...node, CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 2, 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
