// The BullMQ queues of the pipeline (DESIGN §2) and the shapes of their jobs. Every process opens
// them the same way, under `keys.bullPrefix`, so workers on many machines share one set.
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { DatasetName } from '../datasets/index.js';
import type { RedisKeys } from '../state/keys.js';

import { QUEUE_BACKFILL, QUEUE_DISCOVER, QUEUE_SYNC } from './queue-names.js';

export {
  QUEUE_BACKFILL,
  QUEUE_DISCOVER,
  QUEUE_NAMES,
  QUEUE_SYNC,
  queueKey,
  type QueueName,
} from './queue-names.js';

/** Job names inside QUEUE_DISCOVER. */
export const JOB_DISCOVER = 'discover';
/** A sync round: one sync job per system of the registry, no API call of its own. */
export const JOB_ROUND = 'round';

export interface DiscoverJobData {
  /** Only these systems (GET /systems/{id}); otherwise every system of the API key. */
  systemIds?: number[];
  /** Enqueue one sync job per discovered system afterwards. */
  enqueueSync?: boolean;
}

/** Data of a round job: nothing; the round plans itself from the registry and the config. */
export type RoundJobData = Record<string, never>;

export interface SyncJobData {
  systemId: number;
  /** Dataset → cadence (ms): a dataset is synced when its last sync is at least this old. */
  cadences?: Partial<Record<DatasetName, number>>;
  /** Only these datasets (a retry narrows the list to the ones that failed). */
  datasets?: DatasetName[];
  /** Sync every dataset now, whatever its cadence (`enphase-etl sync`). */
  all?: boolean;
}

export interface BackfillJobData {
  systemId: number;
  /** Local calendar days of the system, inclusive (YYYY-MM-DD); no `toDate`: the system's today. */
  fromDate: string;
  toDate?: string;
  datasets?: DatasetName[];
  force: boolean;
  runId: string;
}

/** What a finished sync or backfill job returns (kept by BullMQ for `status` and the progress bar). */
export interface SyncResult {
  systemId: number;
  loaded: DatasetName[];
  /** `status` set: this system's own refusal or permanent answer, skipped until a recheck. */
  skipped: Array<{ dataset: DatasetName; reason: string; status?: number }>;
  failed: Array<{ dataset: DatasetName; message: string; retryable: boolean }>;
  windows: number;
  points: number;
  /**
   * Implausible points left out, by reason (normalize/plausibility.ts); not failures. Always set
   * by syncSystem; optional because results kept from before it existed have none.
   */
  rejected?: Record<string, number>;
}

export interface Queues {
  discover: Queue<DiscoverJobData | RoundJobData>;
  sync: Queue<SyncJobData>;
  backfill: Queue<BackfillJobData>;
  close(): Promise<void>;
}

/** Finished jobs are kept a while for `status` (failed ones longer: the dead-letter view). */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 14 * 86_400, count: 10_000 },
};

export function openQueues(connection: ConnectionOptions, keys: RedisKeys): Queues {
  const options = { connection, prefix: keys.bullPrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const discover = new Queue<DiscoverJobData | RoundJobData>(QUEUE_DISCOVER, options);
  const sync = new Queue<SyncJobData>(QUEUE_SYNC, options);
  const backfill = new Queue<BackfillJobData>(QUEUE_BACKFILL, options);
  // The connection's errors are the runtime's Redis watch to report, once per outage
  // (src/jobs/redis-health.ts); without a listener BullMQ prints each one with its stack.
  for (const queue of [discover, sync, backfill]) queue.on('error', () => undefined);
  return {
    discover,
    sync,
    backfill,
    async close() {
      await Promise.all([discover.close(), sync.close(), backfill.close()]);
    },
  };
}

/** The deterministic id of a system's sync job in one round. */
function syncJobId(systemId: number, round: string): string {
  return `sync-${systemId}-${round}`;
}

/** The deterministic id of a system's backfill job in one backfill run. */
export function backfillJobId(systemId: number, runId: string): string {
  return `backfill-${systemId}-${runId}`;
}

/**
 * Options of a system's sync job: the deduplication id is per system, so while one sync job of a
 * system waits or runs, another round's job for it is dropped instead of piling up.
 */
export function syncJobOptions(systemId: number, round: string): JobsOptions {
  return { jobId: syncJobId(systemId, round), deduplication: { id: `sync-${systemId}` } };
}
