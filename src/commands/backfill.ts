// `enphase-etl backfill --system <ids|all> --from YYYY-MM-DD [--to] [--datasets a,b] [--force]
// [--enqueue-only]`: loads history, processing its own jobs with a progress bar, and exits 0 only
// when everything requested is loaded (datasets the plan does not include are listed, not failed).
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { DATASET_NAMES, isDatasetName, type DatasetName } from '../datasets.js';
import { backfill, UnknownSystemsError, type SystemSelection } from '../jobs/backfill.js';
import type { OneShotSummary } from '../jobs/one-shot.js';
import { createProgressReporter } from '../jobs/progress.js';
import { createRuntime } from '../jobs/runtime.js';
import { createLogger } from '../log.js';
import { InterruptedError, UsageError } from './errors.js';

export function parseSystems(text: string): SystemSelection {
  if (text.trim() === 'all') return 'all';
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0))
    throw new UsageError(`--system must be 'all' or comma-separated system ids, got '${text}'`);
  return [...new Set(parts.map(Number))];
}

export function parseDate(name: string, text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const valid =
    match !== null &&
    (() => {
      const d = new Date(`${text}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
    })();
  if (!valid) throw new UsageError(`${name} must be a date YYYY-MM-DD, got '${text}'`);
  return text;
}

export function parseDatasets(text: string): DatasetName[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isDatasetName(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--datasets: unknown dataset ${unknown.join(', ') || "''"} (known: ${DATASET_NAMES.join(', ')})`,
    );
  return [...new Set(names)] as DatasetName[];
}

/** A readable summary of a one-shot run. */
export function formatSummary(what: string, summary: OneShotSummary & { notInPlan?: DatasetName[] }): string {
  const lines = [
    summary.enqueuedOnly
      ? `${what}: ${summary.total} system job(s) enqueued; workers will process them`
      : `${what}: ${summary.completed.length}/${summary.total} systems loaded, ${summary.failed.length} failed, ` +
        `${summary.windows} windows, ${summary.points} points, ${summary.hits} API hits, ${(summary.durationMs / 1_000).toFixed(1)} s` +
        (summary.interrupted ? ' (interrupted)' : ''),
  ];
  if (summary.notInPlan && summary.notInPlan.length > 0)
    lines.push(`  skipped, not included in the API plan: ${summary.notInPlan.join(', ')}`);
  for (const [dataset, s] of summary.skipped)
    lines.push(`  skipped ${dataset} on ${s.systems} system(s): ${s.reason}`);
  for (const f of summary.failed) lines.push(`  failed system ${f.systemId}: ${f.reason}`);
  return `${lines.join('\n')}\n`;
}

/** SIGINT/SIGTERM → abort (graceful stop); the returned function removes the handlers. */
export function abortOnSignal(controller: AbortController): () => void {
  const on = (): void => controller.abort();
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}

interface BackfillOptions {
  system: SystemSelection;
  from: string;
  to?: string;
  datasets?: DatasetName[];
  force?: boolean;
  enqueueOnly?: boolean;
  concurrency: number;
}

export function registerBackfillCommand(program: Command): void {
  program
    .command('backfill')
    .description('loads history for some systems or all, with a progress bar; resumable')
    .requiredOption('--system <ids|all>', "system ids (comma-separated) or 'all'", parseSystems)
    .requiredOption('--from <YYYY-MM-DD>', 'first local day of each system', (t) => parseDate('--from', t))
    .option('--to <YYYY-MM-DD>', 'last local day, inclusive (default: today; clamped to now)', (t) =>
      parseDate('--to', t),
    )
    .option('--datasets <a,b>', 'only these datasets', parseDatasets)
    .option('--force', 'fetch again what is already loaded')
    .option('--enqueue-only', 'only enqueue the jobs; running workers process them')
    .option(
      '--concurrency <n>',
      'systems processed at once',
      (t) => {
        if (!/^\d+$/.test(t) || Number(t) < 1)
          throw new UsageError(`--concurrency must be a positive whole number, got '${t}'`);
        return Number(t);
      },
      4,
    )
    .action(async (opts: BackfillOptions) => {
      if (opts.to !== undefined && opts.to < opts.from)
        throw new UsageError(`--to (${opts.to}) is before --from (${opts.from})`);
      const today = new Date().toISOString().slice(0, 10);
      if (opts.from > today) throw new UsageError(`--from (${opts.from}) is in the future`);
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      const runtime = createRuntime(config, { logger, onQuotaExhausted: 'throw' });
      const controller = new AbortController();
      const removeHandlers = abortOnSignal(controller);
      try {
        const summary = await backfill(
          runtime,
          {
            systems: opts.system,
            fromDate: opts.from,
            ...(opts.to ? { toDate: opts.to } : {}),
            ...(opts.datasets ? { datasets: opts.datasets } : {}),
            force: opts.force === true,
          },
          {
            enqueueOnly: opts.enqueueOnly === true,
            concurrency: opts.concurrency,
            progress: createProgressReporter('backfill'),
            signal: controller.signal,
          },
        );
        process.stdout.write(formatSummary('backfill', summary));
        if (summary.interrupted) throw new InterruptedError('backfill interrupted; run it again to resume');
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
