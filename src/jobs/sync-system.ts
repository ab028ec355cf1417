// One system's sync or backfill (DESIGN §2–§3): for each selected dataset, fetch window by window
// from its watermark, hand the points to the loader, and commit the watermark only after the
// loader's flush — so a crash at any moment repeats work but never skips data. Datasets run with
// bounded concurrency (p-limit) inside the client's global rate limiter; one dataset's failure is
// recorded for `status` and never stops the others.
// The window loop is in sync-dataset.ts; this module runs the datasets and shapes the result.
import pLimit from 'p-limit';
import { DATASET_NAMES, EXTRACTORS } from '../datasets/index.js';
import { PermanentAnswerError, PlanRestrictedError } from '../enphase/errors/index.js';
import type { SystemInfo } from '../extractors/index.js';
import { ImplausibleStore } from '../state/implausible.js';
import { unavailableReason, type Unavailability } from '../state/unavailable.js';
import { isDue, selectDatasets } from './dataset-selection.js';
import type { SyncResult } from './queues.js';
import { syncDataset } from './sync-dataset.js';
import type { SyncDeps, SyncProgress, SyncRequest } from './sync-types.js';

export { isDue, selectDatasets, type Selection } from './dataset-selection.js';
export {
  DEFAULT_SYNC_SETTINGS,
  type SyncDeps,
  type SyncProgress,
  type SyncRequest,
  type SyncSettings,
} from './sync-types.js';

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isRetryable(error: unknown): boolean {
  const flag = (error as { retryable?: unknown } | null)?.retryable;
  // Errors that do not say (network, Redis, the loader) are worth another attempt.
  return typeof flag === 'boolean' ? flag : true;
}

export async function syncSystem(
  deps: SyncDeps,
  system: SystemInfo,
  request: SyncRequest,
  onProgress?: (progress: SyncProgress) => void,
): Promise<SyncResult> {
  const extractors = deps.extractors ?? EXTRACTORS;
  const { settings } = deps;
  const log = deps.logger.child({ systemId: system.id, kind: request.kind });
  const wanted = request.datasets ?? settings.datasets ?? [...DATASET_NAMES];
  const { run, skipped } = selectDatasets(system, wanted, settings.plan, extractors);
  const rejected: Record<string, number> = {};
  const result: SyncResult = {
    systemId: system.id,
    loaded: [],
    skipped,
    failed: [],
    windows: 0,
    points: 0,
    rejected,
  };

  const nowMs = deps.now();
  const implausible = new ImplausibleStore(deps.redis, deps.keys);
  const lastSync = request.kind === 'sync' ? await deps.syncMarks.getSystem(system.id) : {};
  const limit = pLimit(settings.datasetConcurrency);

  await Promise.all(
    run.map((dataset) =>
      limit(async () => {
        const mark = await deps.unavailable.current(system.id, dataset, deps.now());
        if (mark) {
          result.skipped.push({ dataset, reason: unavailableReason(mark), status: mark.status ?? 401 });
          return;
        }
        if (request.kind === 'sync' && !request.all) {
          if (!isDue(lastSync[dataset], request.cadences?.[dataset], nowMs)) return;
        }
        try {
          const counts = await syncDataset(deps, dataset, extractors[dataset], system, request, (p) =>
            onProgress?.(p),
          );
          result.windows += counts.windows;
          result.points += counts.points;
          for (const [reason, n] of Object.entries(counts.rejected))
            rejected[reason] = (rejected[reason] ?? 0) + n;
          await implausible.record(system.id, dataset, counts.rejected, deps.now());
          result.loaded.push(dataset);
          await deps.lastErrors.clear(system.id, dataset);
        } catch (error) {
          // Shutdown, not a failure of the data: nothing unflushed was committed, and the job
          // goes back to the queue with its datasets' state as it was.
          if (deps.signal?.aborted) throw error;
          // The plan, or an answer no retry changes (501, 400, 404 for a device, 422): this
          // system's dataset is skipped until the recheck time, reported, and not a failure.
          if (error instanceof PlanRestrictedError || error instanceof PermanentAnswerError) {
            const mark: Unavailability = {
              reason: error.message,
              at: deps.now(),
              until: error.until,
              ...(error.status !== undefined ? { status: error.status } : {}),
            };
            await deps.unavailable.mark(system.id, dataset, mark);
            log.warn(
              { dataset, status: error.status, until: new Date(error.until).toISOString() },
              'dataset unavailable for this system; skipped until the recheck time',
            );
            result.skipped.push({ dataset, reason: unavailableReason(mark), status: mark.status ?? 401 });
            return;
          }
          const message = errorMessage(error);
          await deps.lastErrors.record(system.id, dataset, message, deps.now());
          result.failed.push({ dataset, message, retryable: isRetryable(error) });
          log.error({ dataset, err: error }, 'dataset sync failed');
        } finally {
          // A job handed back at shutdown runs again elsewhere: its datasets must still be due there.
          if (request.kind === 'sync' && !deps.signal?.aborted)
            await deps.syncMarks.record(system.id, dataset, deps.now());
        }
      }),
    ),
  );
  return result;
}
