// `enphase-etl scheduler`: keeps the job schedulers (discovery daily, sync rounds per the budget
// plan) in place; upserts are idempotent, so a restart or a second scheduler duplicates nothing.
import type { Command } from 'commander';
import { runStart } from './start.js';

export function registerSchedulerCommand(program: Command): void {
  program
    .command('scheduler')
    .description('schedules discovery and sync rounds (budget plan); stops on SIGINT/SIGTERM')
    .action(async () => runStart({ worker: false, scheduler: true }));
}
