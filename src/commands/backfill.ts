// `enphase-etl backfill --system <ids|all> --from YYYY-MM-DD [--to] [--datasets a,b] [--force]
// [--enqueue-only]`: loads history, processing its own jobs with a progress bar, and exits 0 only
// when everything requested is loaded (datasets the plan does not include are listed, not failed).
// Its options are defined in definitions.ts; the parsers of --from, --to and --datasets are here,
// beside the dataset registry they read (the command line loads this module before it parses them).
import { DATASET_NAMES, isDatasetName, type DatasetName } from '../datasets/index.js';
import { backfill, type SystemSelection } from '../jobs/backfill-and-sync.js';
import { createProgressReporter } from '../jobs/progress.js';
import { checkInfluxSink } from '../loaders/index.js';
import { UsageError } from './errors.js';
import { runOneShotCommand } from './one-shot-command.js';

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

export interface BackfillOptions {
  system: SystemSelection;
  from: string;
  to?: string;
  datasets?: DatasetName[];
  force?: boolean;
  enqueueOnly?: boolean;
  concurrency: number;
}

/** The command's work, with its options parsed (definitions.ts). */
export async function runBackfillCommand(opts: BackfillOptions): Promise<void> {
  if (opts.to !== undefined && opts.to < opts.from)
    throw new UsageError(`--to (${opts.to}) is before --from (${opts.from})`);
  const today = new Date().toISOString().slice(0, 10);
  if (opts.from > today) throw new UsageError(`--from (${opts.from}) is in the future`);
  await runOneShotCommand(
    'backfill',
    async (runtime, signal) => {
      // Enqueue-only writes nothing itself; otherwise a refusing InfluxDB costs no API hit.
      if (opts.enqueueOnly !== true)
        await checkInfluxSink(runtime.config.influx, { logger: runtime.logger, signal });
      return backfill(
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
          signal,
        },
      );
    },
    'backfill interrupted; run it again to resume',
  );
}
