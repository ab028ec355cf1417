// One system's sync or backfill (DESIGN §2–§3): for each selected dataset, fetch window by window
// from its watermark, hand the points to the loader, and commit the watermark only after the
// loader's flush — so a crash at any moment repeats work but never skips data. Datasets run with
// bounded concurrency (p-limit) inside the client's global rate limiter; one dataset's failure is
// recorded for `status` and never stops the others.
import type { Redis } from 'ioredis';
import pLimit from 'p-limit';
import { DATASET_NAMES, EXTRACTORS, WINDOW_RULES, type DatasetName } from '../datasets/index.js';
import type { EnphaseClient } from '../enphase/client.js';
import { PermanentAnswerError, PlanRestrictedError } from '../enphase/errors/index.js';
import type { PlanName } from '../enphase/plans.js';
import type { Extractor, SystemInfo } from '../extractors/index.js';
import type { ExtractedWindow } from '../extractors/types.js';
import type { LineWriter } from '../loaders/index.js';
import type { Logger } from '../log.js';
import type { PipelineMetrics } from '../metrics.js';
import { toLineProtocol, type DataPoint } from '../normalize/index.js';
import { PlausibilityCheck, plausibilityLimits } from '../normalize/plausibility.js';
import { localDate } from '../normalize/time.js';
import type { FloorStore } from '../state/floors.js';
import type { RedisKeys } from '../state/keys.js';
import type { LastErrorStore } from '../state/last-errors.js';
import type { SyncMarkStore } from '../state/sync-marks.js';
import { unavailableReason, type Unavailability, type UnavailableStore } from '../state/unavailable.js';
import { settledWatermark, type WatermarkStore } from '../state/watermarks.js';
import type { SyncResult } from './queues.js';
import { localDayRange, planRange, type Segment } from './ranges.js';

export interface SyncSettings {
  plan: PlanName;
  /** Enabled datasets (DATASETS); undefined: all. */
  datasets?: DatasetName[];
  settleWindowMs: number;
  initialLookbackMs: number;
  /** Datasets of one system fetched at once. */
  datasetConcurrency: number;
  /** Windows between two flush + watermark commits (bounds the work a crash repeats). */
  commitEveryWindows: number;
}

export const DEFAULT_SYNC_SETTINGS: Pick<SyncSettings, 'datasetConcurrency' | 'commitEveryWindows'> = {
  datasetConcurrency: 3,
  commitEveryWindows: 14,
};

export interface SyncDeps {
  client: EnphaseClient;
  loader: LineWriter;
  redis: Redis;
  keys: RedisKeys;
  watermarks: WatermarkStore;
  unavailable: UnavailableStore;
  lastErrors: LastErrorStore;
  floors: FloorStore;
  syncMarks: SyncMarkStore;
  settings: SyncSettings;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  extractors?: Readonly<Record<DatasetName, Extractor>>;
  metrics?: PipelineMetrics;
  /** Aborted on shutdown: the job is handed back, not recorded as a failure of its datasets. */
  signal?: AbortSignal;
}

export type SyncRequest =
  | {
      kind: 'sync';
      /** Dataset → cadence in ms; a dataset is due when its last sync is at least this old. */
      cadences?: Partial<Record<DatasetName, number>>;
      /** Every selected dataset now, whatever its cadence. */
      all?: boolean;
      datasets?: DatasetName[];
    }
  | { kind: 'backfill'; fromDate: string; toDate?: string; datasets?: DatasetName[]; force: boolean };

export interface SyncProgress {
  dataset: DatasetName;
  windows: number;
  points: number;
}

/** A round's cadence check tolerates this share of the cadence, so timer jitter never skips a round. */
const DUE_TOLERANCE = 0.1;

export function isDue(lastSyncMs: number | undefined, everyMs: number | undefined, nowMs: number): boolean {
  if (lastSyncMs === undefined || everyMs === undefined) return true;
  return nowMs - lastSyncMs >= everyMs * (1 - DUE_TOLERANCE);
}

export type Selection = { run: DatasetName[]; skipped: Array<{ dataset: DatasetName; reason: string }> };

/** Which datasets a request covers for a system, and why the others are left out (pure). */
export function selectDatasets(
  system: SystemInfo,
  wanted: readonly DatasetName[],
  plan: PlanName,
  extractors: Readonly<Record<DatasetName, Extractor>>,
): Selection {
  const run: DatasetName[] = [];
  const skipped: Selection['skipped'] = [];
  for (const dataset of wanted) {
    const extractor = extractors[dataset];
    if (plan !== 'custom' && !extractor.plans.includes(plan)) {
      skipped.push({ dataset, reason: `not included in the ${plan} plan` });
    } else if (!extractor.appliesTo(system)) {
      skipped.push({ dataset, reason: 'the system has no such data (no matching device)' });
    } else run.push(dataset);
  }
  return { run, skipped };
}

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

/** The segments of one dataset, from its watermark and floor. */
async function segmentsOf(
  deps: SyncDeps,
  system: SystemInfo,
  dataset: DatasetName,
  request: SyncRequest,
  nowSec: number,
): Promise<{ segments: Segment[]; floorAfter?: number }> {
  const [watermark, floor] = await Promise.all([
    deps.watermarks.get(system.id, dataset),
    deps.floors.get(system.id, dataset),
  ]);
  const { settleWindowMs } = deps.settings;
  if (request.kind === 'sync') {
    const from = nowSec - Math.floor(deps.settings.initialLookbackMs / 1_000);
    return planRange({ from, to: nowSec, watermark, floor, nowSec, settleWindowMs });
  }
  const toDate = request.toDate ?? localDate(nowSec, system.timeZone);
  const { from, to } = localDayRange(request.fromDate, toDate, system.timeZone, nowSec);
  return planRange({
    from,
    to,
    watermark,
    floor,
    nowSec,
    settleWindowMs,
    force: request.force,
    fillBeforeFloor: true,
  });
}

async function syncDataset(
  deps: SyncDeps,
  dataset: DatasetName,
  extractor: Extractor,
  system: SystemInfo,
  request: SyncRequest,
  onProgress: (progress: SyncProgress) => void,
): Promise<{ windows: number; points: number; rejected: Record<string, number> }> {
  const nowSec = () => Math.floor(deps.now() / 1_000);
  const { segments, floorAfter } = await segmentsOf(deps, system, dataset, request, nowSec());
  const totals = { windows: 0, points: 0, rejected: {} as Record<string, number> };
  const extractDeps = { client: deps.client, now: nowSec };
  const snapshot = WINDOW_RULES[dataset].kind === 'snapshot';

  for (const segment of segments) {
    let loadedUntil: number | undefined;
    let pendingWindows = 0;
    let pendingPoints = 0;
    // Everything written before flush() is acknowledged: only then may the watermark move.
    const commit = async (): Promise<void> => {
      await deps.loader.flush();
      if (loadedUntil !== undefined && segment.advancesWatermark) {
        // A snapshot has no interval Enphase could still revise: it is settled when observed.
        const to = snapshot
          ? loadedUntil
          : settledWatermark(loadedUntil, nowSec(), deps.settings.settleWindowMs);
        await deps.watermarks.advance(system.id, dataset, to);
        if (floorAfter !== undefined) await deps.floors.setIfAbsent(system.id, dataset, floorAfter);
        deps.metrics?.recordLag(dataset, system.id, nowSec() - to);
      }
      deps.metrics?.pointsWritten.inc({ dataset }, pendingPoints);
      totals.windows += pendingWindows;
      totals.points += pendingPoints;
      onProgress({ dataset, windows: pendingWindows, points: pendingPoints });
      pendingWindows = 0;
      pendingPoints = 0;
    };
    try {
      for await (const window of extractor.extract(extractDeps, system, segment.from, segment.to)) {
        const points = plausiblePoints(deps, system, dataset, window, nowSec(), totals.rejected);
        if (points.length > 0) await deps.loader.write(points.map(toLineProtocol));
        loadedUntil = window.loadedUntil;
        pendingWindows += 1;
        pendingPoints += points.length;
        if (pendingWindows >= deps.settings.commitEveryWindows) await commit();
      }
    } catch (error) {
      // The windows loaded before a failing one are kept: a window that cannot succeed now (a bad
      // body is not retried) must not cost the ones before it, or every rerun would fetch them
      // again and fail at the same place. Not at shutdown (the job is handed back as it is), and
      // when the loader itself is what failed the commit fails too: the first error is the one.
      if (pendingWindows > 0 && !deps.signal?.aborted) await commit().catch(() => undefined);
      throw error;
    }
    await commit();
  }
  // The range before the old floor is loaded now: the floor moves back.
  if (floorAfter !== undefined) await deps.floors.lower(system.id, dataset, floorAfter);
  return totals;
}

/**
 * The window's points that pass the plausibility bounds (docs/schema.md); the others are counted
 * into `rejected` and the metrics, and logged once for the window with the first offending value.
 */
function plausiblePoints(
  deps: SyncDeps,
  system: SystemInfo,
  dataset: DatasetName,
  extracted: ExtractedWindow,
  nowSec: number,
  rejected: Record<string, number>,
): DataPoint[] {
  const limits = plausibilityLimits({
    operationalAt: system.operationalAt,
    micros: system.devices.micros.length,
    now: nowSec,
  });
  const checked = new PlausibilityCheck(limits).filter(extracted.points);
  if (checked.rejectedCount === 0) return checked.points;
  for (const [reason, n] of Object.entries(checked.rejected)) {
    rejected[reason] = (rejected[reason] ?? 0) + n;
    deps.metrics?.pointsRejected.inc({ dataset, reason }, n);
  }
  const first = checked.first;
  deps.logger.warn(
    {
      systemId: system.id,
      dataset,
      window: { from: extracted.window.from, to: extracted.window.to },
      rejected: checked.rejectedCount,
      reasons: checked.rejected,
      ...(first === undefined
        ? {}
        : { measurement: first.measurement, field: first.field, value: first.value, time: first.time }),
    },
    'implausible points not written',
  );
  return checked.points;
}
