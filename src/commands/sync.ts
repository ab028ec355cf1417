// `enphase-etl sync [--system <ids|all>]`: one incremental round of every dataset now, processed
// in this process; waits for it and exits 0 when every system synced.
import { syncNow, type SystemSelection } from '../jobs/backfill-and-sync.js';
import { createProgressReporter } from '../jobs/progress.js';
import { checkInfluxSink } from '../loaders/index.js';
import { runOneShotCommand } from './one-shot-command.js';

/** The command's work, with its options parsed (definitions.ts). */
export async function runSyncCommand(opts: { system: SystemSelection }): Promise<void> {
  await runOneShotCommand(
    'sync',
    async (runtime, signal) => {
      await checkInfluxSink(runtime.config.influx, { logger: runtime.logger, signal });
      return syncNow(runtime, opts.system, { progress: createProgressReporter('sync'), signal });
    },
    'sync interrupted',
  );
}
