import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerPidOf, PID_FILE, sweepLeftovers } from './leftovers.js';

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** The PID of a process that has already exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await exited(child);
  if (child.pid === undefined) throw new Error('could not spawn `true`');
  return child.pid;
}

describe('ownerPidOf', () => {
  it('reads the owner PID from harness folder names only', () => {
    expect(ownerPidOf('enphase-etl-test-4242-influxd-AbC123')).toBe(4242);
    expect(ownerPidOf('enphase-etl-test-influxd-AbC123')).toBeUndefined();
    expect(ownerPidOf('something-else-4242-')).toBeUndefined();
  });
});

describe('sweepLeftovers', () => {
  let parent: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'sweep-check-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(parent, { recursive: true, force: true });
  });

  /** A stand-in server: a process whose command line names `folder` (as real servers' do). */
  function fakeServer(folder: string, namesFolder: boolean): ChildProcess {
    const args = namesFolder ? ['-c', 'sleep 60', folder] : ['-c', 'sleep 60'];
    const child = spawn('sh', args, { stdio: 'ignore' });
    children.push(child);
    return child;
  }

  it("kills the server of a dead owner's folder and removes the folder", async () => {
    const folder = join(parent, `enphase-etl-test-${await deadPid()}-redis-x1`);
    mkdirSync(folder);
    const server = fakeServer(folder, true);
    writeFileSync(join(folder, PID_FILE), String(server.pid));

    sweepLeftovers(parent);

    await exited(server);
    expect(server.signalCode).toBe('SIGKILL');
    expect(existsSync(folder)).toBe(false);
  });

  it('never kills a process whose command line does not name the folder (a reused PID)', async () => {
    const folder = join(parent, `enphase-etl-test-${await deadPid()}-redis-x2`);
    mkdirSync(folder);
    const stranger = fakeServer(folder, false);
    writeFileSync(join(folder, PID_FILE), String(stranger.pid));

    sweepLeftovers(parent);

    expect(existsSync(folder)).toBe(false);
    expect(stranger.exitCode).toBeNull();
    expect(stranger.signalCode).toBeNull();
    expect(() => process.kill(stranger.pid ?? 0, 0)).not.toThrow();
  });

  it('keeps folders of live owners and folders it did not make', () => {
    const live = join(parent, `enphase-etl-test-${process.ppid}-influxd-x3`);
    const foreign = join(parent, 'some-other-tool-1-x4');
    mkdirSync(live);
    mkdirSync(foreign);

    sweepLeftovers(parent);

    expect(existsSync(live)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
  });
});
