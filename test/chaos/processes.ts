// The chaos suite's child processes: the real command line (`backfill`, `start`) and the e2e worker
// fixture, each writing its output to a file of its own, and a record of how each one ended — by
// itself, after a signal the suite sent (and how long after), or killed by the chaos on purpose.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from '../support/local-server.js';
import { machineEnv, tsxArgs } from '../support/node-child.js';

const CLI = new URL('../fixtures/run-cli.ts', import.meta.url).pathname;
const WORKER = new URL('../e2e/fixtures/worker.ts', import.meta.url).pathname;

/** How a process ended, for the "every command ended" assertion. */
export interface Ending {
  name: string;
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The signal the suite sent first (SIGINT/SIGTERM to stop it, SIGKILL as chaos or last resort). */
  sent: NodeJS.Signals | null;
  /** Milliseconds from the suite's first signal to the exit (null when it ended by itself). */
  afterSignalMs: number | null;
  /** True when the suite had to SIGKILL it because it outlived the shutdown bound. */
  forced: boolean;
  /** SIGKILLed on purpose, as chaos. */
  chaosKill: boolean;
  runMs: number;
}

export interface Supervised {
  name: string;
  child: ChildProcess;
  exited: Promise<Ending>;
  running(): boolean;
  /** Sends a stop signal; resolves with the ending (SIGKILL after `boundMs`, recorded as forced). */
  stop(signal: 'SIGINT' | 'SIGTERM', boundMs: number): Promise<Ending>;
  /** SIGKILL as chaos. */
  chaosKill(): Promise<Ending>;
  output(): string;
}

/** A child dies with the jest worker that started it, as the harness's servers do (Linux). */
const SETPRIV = findBinary('setpriv');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function supervise(name: string, args: string[], env: Record<string, string>, logFile: string): Supervised {
  const fd = openSync(logFile, 'w');
  const started = Date.now();
  const [command, argv] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, argv, {
    env: { PATH: process.env.PATH ?? '', ...machineEnv(), ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let sent: NodeJS.Signals | null = null;
  let sentAt = 0;
  let forced = false;
  let chaosKill = false;
  let ended: Ending | undefined;
  const exited = new Promise<Ending>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = {
        name,
        code,
        signal,
        sent,
        afterSignalMs: sent === null ? null : Date.now() - sentAt,
        forced,
        chaosKill,
        runMs: Date.now() - started,
      };
      resolve(ended);
    }),
  );
  const running = () => ended === undefined;
  const signal = (s: NodeJS.Signals) => {
    if (sent === null) {
      sent = s;
      sentAt = Date.now();
    }
    child.kill(s);
  };
  return {
    name,
    child,
    exited,
    running,
    async stop(s, boundMs) {
      if (!running()) return exited;
      signal(s);
      const outcome = await Promise.race([exited, sleep(boundMs).then(() => undefined)]);
      if (outcome !== undefined) return outcome;
      forced = true;
      child.kill('SIGKILL');
      return exited;
    },
    async chaosKill() {
      if (!running()) return exited;
      chaosKill = true;
      signal('SIGKILL');
      return exited;
    },
    output: () => readFileSync(logFile, 'utf8'),
  };
}

export interface ProcessFactory {
  /** `enphase-etl <args>` from source, configured by `env` (the process's whole environment). */
  command(name: string, args: string[], env: Record<string, string>): Supervised;
  /** The e2e worker fixture (short BullMQ locks, so a killed worker's jobs come back in seconds). */
  worker(name: string, env: Record<string, string>, keyPrefix: string): Supervised;
  all(): Supervised[];
  /** SIGKILLs whatever still runs (a run that threw must leave nothing behind). */
  killAll(): Promise<void>;
}

export function processFactory(folder: string): ProcessFactory {
  mkdirSync(folder, { recursive: true });
  const all: Supervised[] = [];
  const add = (s: Supervised) => {
    all.push(s);
    return s;
  };
  return {
    command: (name, args, env) =>
      add(supervise(name, tsxArgs(CLI, ...args), env, join(folder, `${name}.log`))),
    worker: (name, env, keyPrefix) =>
      add(
        supervise(
          name,
          tsxArgs(WORKER),
          { E2E_ENV: JSON.stringify(env), E2E_PREFIX: keyPrefix },
          join(folder, `${name}.log`),
        ),
      ),
    all: () => [...all],
    async killAll() {
      for (const s of all) if (s.running()) s.child.kill('SIGKILL');
      await Promise.all(all.map((s) => s.exited));
    },
  };
}
