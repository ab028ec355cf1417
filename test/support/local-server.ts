// Starts a server binary in a temporary folder and manages it by PID. Output goes to a log file,
// not a pipe, so no stream keeps jest alive; the child is unref'd for the same reason.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Backend } from './backend.js';
import { folderPrefix, PID_FILE, sweepLeftoversOnce, track, untrackFolder } from './leftovers.js';
import { freePorts } from './ports.js';
import { sleep } from './wait.js';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 50;

/** Full path of an executable on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Without setpriv (not Linux) an orphaned server lives until the next run's sweep (leftovers.ts). */
const SETPRIV = findBinary('setpriv');

export interface LocalServerSpec {
  /** Short name for messages and the temp folder, e.g. 'redis'. */
  name: string;
  binary: string;
  /** How many free ports the server needs (e.g. influxd: HTTP and RPC). */
  portCount: number;
  /** Writes config files into the folder if needed and returns the command-line arguments. */
  prepare(folder: string, ports: number[]): Promise<string[]> | string[];
  /** Resolves true once the server answers; called repeatedly until it does. */
  isReady(ports: number[]): Promise<boolean>;
  /** The signal of kill(); SIGKILL unless a server would lose acknowledged writes to it. */
  killSignal?: NodeJS.Signals;
}

export interface LocalServer extends Backend {
  folder: string;
  logFile: string;
  /** The ports given to prepare(); they stay the same across kill() and start(). */
  ports: number[];
  pid(): number | undefined;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function logTail(logFile: string): string {
  if (!existsSync(logFile)) return '(no output)';
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return lines.slice(-15).join('\n');
}

const START_ATTEMPTS = 3;

/**
 * Starts the server on free ports and resolves once it answers. A port can be taken between
 * freePort() and the server's bind, so a failed first start is retried with fresh ports.
 */
export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  for (let attempt = 1; ; attempt += 1) {
    const ports = await freePorts(spec.portCount);
    try {
      return await startOnPorts(spec, ports);
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function startOnPorts(spec: LocalServerSpec, ports: number[]): Promise<LocalServer> {
  sweepLeftoversOnce();
  const folder = await mkdtemp(folderPrefix(spec.name));
  const logFile = join(folder, `${spec.name}.log`);
  let child: ChildProcess | undefined;
  let spawnError: Error | undefined;

  const args = await spec.prepare(folder, ports);

  // The services keep the real clock when the suite runs under libfaketime (docs/testing.md,
  // "Dates and time zones"): redis-server cannot start with it preloaded, and influxd ignores it.
  const serviceEnv = (): NodeJS.ProcessEnv =>
    Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME')),
    );
  const spawnServer = (): ChildProcess => {
    const fd = openSync(logFile, 'a');
    try {
      const [command, argv] = SETPRIV
        ? [SETPRIV, ['--pdeathsig', 'KILL', '--', spec.binary, ...args]]
        : [spec.binary, args];
      const started = spawn(command, argv, { cwd: folder, env: serviceEnv(), stdio: ['ignore', fd, fd] });
      started.once('error', (error) => (spawnError = error));
      started.unref();
      track(started, folder);
      if (started.pid !== undefined) writeFileSync(join(folder, PID_FILE), String(started.pid));
      return started;
    } finally {
      closeSync(fd); // the child holds its own copy
    }
  };

  const waitUntilReady = async (started: ChildProcess): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`could not start ${spec.binary}: ${spawnError.message}`);
      if (hasExited(started)) {
        throw new Error(
          `${spec.name} (${spec.binary}) exited with ${started.exitCode ?? started.signalCode} before it was ready; ` +
            `last lines of ${logFile}:\n${logTail(logFile)}`,
        );
      }
      if (await spec.isReady(ports).catch(() => false)) return;
      await sleep(POLL_INTERVAL_MS);
    }
    started.kill('SIGKILL');
    throw new Error(
      `${spec.name} did not answer within ${READY_TIMEOUT_MS} ms; last lines of ${logFile}:\n${logTail(logFile)}`,
    );
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current === undefined || hasExited(current)) return;
    current.kill(signal);
    if (await waitForExit(current, STOP_TIMEOUT_MS)) return;
    current.kill('SIGKILL');
    await waitForExit(current, STOP_TIMEOUT_MS);
  };

  const start = async (): Promise<void> => {
    if (child !== undefined && !hasExited(child)) throw new Error(`${spec.name} is already running`);
    child = spawnServer();
    await waitUntilReady(child);
  };

  try {
    await start();
  } catch (error) {
    await halt('SIGKILL');
    await rm(folder, { recursive: true, force: true });
    untrackFolder(folder);
    throw error;
  }

  return {
    folder,
    logFile,
    ports,
    pid: () => (child !== undefined && !hasExited(child) ? child.pid : undefined),
    start,
    kill: () => halt(spec.killSignal ?? 'SIGKILL'),
    stop: async () => {
      await halt('SIGTERM');
      await rm(folder, { recursive: true, force: true });
      untrackFolder(folder);
    },
  };
}
