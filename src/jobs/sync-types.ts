// What a system's sync is given (its services and settings) and asked (a sync or a backfill).
import type { Redis } from 'ioredis';
import type { DatasetName } from '../datasets/index.js';
import type { EnphaseClient } from '../enphase/client.js';
import type { PlanName } from '../enphase/plans.js';
import type { Extractor } from '../extractors/index.js';
import type { LineWriter } from '../loaders/index.js';
import type { Logger } from '../log.js';
import type { PipelineMetrics } from '../metrics.js';
import type { FloorStore } from '../state/floors.js';
import type { RedisKeys } from '../state/keys.js';
import type { LastErrorStore } from '../state/last-errors.js';
import type { SyncMarkStore } from '../state/sync-marks.js';
import type { UnavailableStore } from '../state/unavailable.js';
import type { WatermarkStore } from '../state/watermarks.js';

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
