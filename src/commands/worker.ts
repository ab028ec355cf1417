// `enphase-etl worker`: processes discovery, sync and backfill jobs; run as many as you like on
// as many machines as you like against one Redis (one limiter and quota ledger per API key).
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { runStart } from './start.js';

function parseConcurrency(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256)
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got '${text}'`);
  return Number(text);
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('processes discovery, sync and backfill jobs; stops gracefully on SIGINT/SIGTERM')
    .option('--concurrency <n>', 'jobs processed at once per queue', parseConcurrency, 4)
    .action(async (opts: { concurrency: number }) =>
      runStart({ worker: true, scheduler: false, concurrency: opts.concurrency }),
    );
}
