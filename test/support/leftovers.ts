// The safety net: no server outlives the test process that started it, and no temp folder
// piles up. Three layers, because jest runs test files in a sandbox whose `process` never emits
// 'exit' (so an exit hook alone does nothing there):
//  1. setpriv's parent-death signal: the kernel SIGKILLs the server when its starter dies in any
//     way, even by SIGKILL (Linux; setpriv is in util-linux, which every Debian has);
//  2. an 'exit' hook, for starters outside jest (scripts, benchmarks);
//  3. a sweep at the first start in each process: folders whose owner process is gone are removed,
//     after killing a server still running from them (found by its PID file and checked against
//     its command line, so a reused PID is never hit).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FOLDER_PREFIX = 'enphase-etl-test-';
export const PID_FILE = 'server.pid';

/** The temp-folder name prefix for a server started by this process: the owner PID comes first. */
export function folderPrefix(serverName: string): string {
  return join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-${serverName}-`);
}

/** The owner PID encoded in a folder name made by folderPrefix, or undefined for other names. */
export function ownerPidOf(folderName: string): number | undefined {
  const match = new RegExp(`^${FOLDER_PREFIX}(\\d+)-`).exec(folderName);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killOrphanedServer(folder: string): void {
  const pidFile = join(folder, PID_FILE);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // no /proc: cannot prove the PID is still our server, so leave it
  }
  if (commandLine.includes(folder)) process.kill(pid, 'SIGKILL');
}

/** Removes the harness folders in `parent` whose owner process is gone (see layer 3 above). */
export function sweepLeftovers(parent: string = tmpdir()): void {
  for (const name of readdirSync(parent)) {
    const owner = ownerPidOf(name);
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const folder = join(parent, name);
    try {
      killOrphanedServer(folder);
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // another process swept it first, or it is not ours to remove
    }
  }
}

let swept = false;

export function sweepLeftoversOnce(): void {
  if (swept) return;
  swept = true;
  sweepLeftovers();
}

const running = new Set<ChildProcess>();
const folders = new Set<string>();
let exitHookInstalled = false;

export function track(child: ChildProcess, folder: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const started of running) started.kill('SIGKILL');
      for (const path of folders) rmSync(path, { recursive: true, force: true });
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
  folders.add(folder);
}

export function untrackFolder(folder: string): void {
  folders.delete(folder);
}
