// `enphase-etl sync [--system <ids|all>]`: one incremental round of every dataset now, processed
// in this process; waits for it and exits 0 when every system synced.
import type { Command } from 'commander';
import { syncNow, type SystemSelection } from '../jobs/backfill-and-sync.js';
import { createProgressReporter } from '../jobs/progress.js';
import { checkInfluxSink } from '../loaders/index.js';
import { parseSystems, runOneShotCommand } from './one-shot-command.js';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('one incremental round now (every dataset), waits for it')
    .option(
      '--system <ids|all>',
      "system ids (comma-separated) or 'all'",
      parseSystems,
      'all' as SystemSelection,
    )
    .action(async (opts: { system: SystemSelection }) =>
      runOneShotCommand(
        'sync',
        async (runtime, signal) => {
          await checkInfluxSink(runtime.config.influx, { logger: runtime.logger, signal });
          return syncNow(runtime, opts.system, { progress: createProgressReporter('sync'), signal });
        },
        'sync interrupted',
      ),
    );
}
