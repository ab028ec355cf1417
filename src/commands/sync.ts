// `enphase-etl sync [--system <ids|all>]`: one incremental round of every dataset now, processed
// in this process; waits for it and exits 0 when every system synced.
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { syncNow, UnknownSystemsError, type SystemSelection } from '../jobs/backfill.js';
import { createProgressReporter } from '../jobs/progress.js';
import { createRuntime } from '../jobs/runtime.js';
import { createLogger } from '../log.js';
import { abortOnSignal, formatSummary, parseSystems } from './backfill.js';
import { InterruptedError, UsageError } from './errors.js';

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
    .action(async (opts: { system: SystemSelection }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const runtime = createRuntime(config, { logger, onQuotaExhausted: 'throw' });
      const controller = new AbortController();
      const removeHandlers = abortOnSignal(controller);
      try {
        const summary = await syncNow(runtime, opts.system, {
          progress: createProgressReporter('sync'),
          signal: controller.signal,
        });
        process.stdout.write(formatSummary('sync', summary));
        if (summary.interrupted) throw new InterruptedError('sync interrupted');
        if (summary.failed.length > 0) process.exitCode = 1;
      } catch (error) {
        if (error instanceof UnknownSystemsError) throw new UsageError(error.message);
        throw error;
      } finally {
        removeHandlers();
        await runtime.close({ deadlineMs: 30_000 });
      }
    });
}
