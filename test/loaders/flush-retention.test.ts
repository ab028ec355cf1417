// A long-lived loader (the worker's: one for every job it runs) must not keep anything per flush.
// It did: each flush raced the loader's failure promise, which settles only if the loader stops,
// and every race left a reaction on it that held the flush's promise and its outcomes — in the
// worker ~23 KiB a sync job, 99 MiB of live heap after 3,000 jobs (docs/benchmarks.md, "Fleet").
// Counted in heap snapshots (taken after a full GC) of a process of its own, not timed and not by RSS.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { machineEnv, tsxArgs } from '../support/node-child.js';
import { startInfluxV1, type InfluxV1Handle } from '../support/services.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'flush-cycles.ts');
const FROM = 1_700_000_100 - (1_700_000_100 % 300);
const FLUSHES = 300;

describe('loader flushes retain nothing', () => {
  let influx: InfluxV1Handle;

  beforeAll(async () => {
    influx = await startInfluxV1();
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it(`leaves no promise reaction behind over ${FLUSHES} write-and-flush cycles, with batches of other writers in flight`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, tsxArgs(FIXTURE), {
      env: {
        PATH: process.env.PATH,
        ...machineEnv(),
        FC_FLUSHES: String(FLUSHES),
        FC_FROM: String(FROM),
        FC_INFLUX_URL: influx.url,
        FC_DATABASE: `${influx.database}_retention`,
      },
      timeout: 120_000,
    });
    const { before, after, delivered } = JSON.parse(stdout) as {
      before: number;
      after: number;
      delivered: number;
    };
    expect(delivered).toBe(20 + FLUSHES * 20);
    // Before the fix: one reaction left on the loader's failure promise per flush (600 here).
    expect(after - before).toBeLessThan(FLUSHES / 10);
  });
});
