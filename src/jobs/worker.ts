// BullMQ workers for the three queues. A job's failure decides its fate by the errors' own
// `retryable` flag: retryable → thrown, BullMQ retries with backoff (a retry narrows the job to the
// datasets that failed); not retryable (bad configuration, bad data) → UnrecoverableError, the job
// fails at once and keeps its reason for `status` (asJobFailure does the same for any error thrown
// with `retryable: false`). Plan restrictions and permanent answers (501, 400, 404 for a device,
// 422) are not failures at all: the dataset is marked unavailable for the system and skipped.
// A killed worker's active job is stalled: its lock expires and BullMQ hands it to another worker.
import { DelayedError, UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import { describeProblem } from '../state/system-problems.js';
import { discoverSystems } from './discover.js';
import { recordHealth } from './health.js';
import {
  JOB_DISCOVER,
  JOB_ROUND,
  QUEUE_BACKFILL,
  QUEUE_DISCOVER,
  QUEUE_SYNC,
  type BackfillJobData,
  type DiscoverJobData,
  type QueueName,
  type SyncJobData,
  type SyncResult,
} from './queues.js';
import { cadencesOf, currentPlan, enqueueRound } from './round.js';
import type { Runtime } from './runtime.js';
import { syncSystem, type SyncRequest } from './sync-system.js';
import { acquireSystemLock, SystemBusyError } from './system-lock.js';

export interface WorkerOptions {
  queues: readonly QueueName[];
  /** Jobs processed at once by this process (per queue). */
  concurrency: number;
  /** BullMQ's job lock; a killed worker's job is stalled after this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often a job may stall before it fails (a job that kills its worker every time). */
  maxStalledCount?: number;
}

const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  queues: [QUEUE_DISCOVER, QUEUE_SYNC, QUEUE_BACKFILL],
  concurrency: 4,
  // BullMQ's default (1) fails a job whose workers were killed twice while it ran. A job resumes
  // from its watermarks, so each stall costs at most the windows in flight; the bound is left for
  // a job that kills its worker every time.
  maxStalledCount: 10,
};

export interface PipelineWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for the active ones up to `timeoutMs`, then hands them back. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * An error that says it cannot be fixed by a retry (`retryable: false`: a bad configuration, a
 * bad body, an unknown time zone) becomes BullMQ's UnrecoverableError, so the job is attempted
 * once; anything else is thrown as it is and BullMQ retries it.
 */
export function asJobFailure(error: unknown): unknown {
  if (error instanceof UnrecoverableError) return error;
  if ((error as { retryable?: unknown } | null)?.retryable !== false) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new UnrecoverableError(message);
}

/**
 * Runs a processor, turning what no retry can fix into UnrecoverableError (asJobFailure). Not
 * during shutdown: whatever fails then is the shutdown's, and the job must stay retryable.
 */
function failingFast(shutdown: AbortSignal, process: Processor): Processor {
  return async (job, token) => {
    try {
      return (await process(job, token)) as unknown;
    } catch (error) {
      throw shutdown.aborted ? error : asJobFailure(error);
    }
  };
}

/** A job's outcome from its SyncResult: thrown when any dataset failed (see the file comment). */
export async function settleResult(job: Job, result: SyncResult): Promise<SyncResult> {
  if (result.failed.length === 0) return result;
  const summary = result.failed.map((f) => `${f.dataset}: ${f.message}`).join('; ');
  const retryable = result.failed.filter((f) => f.retryable).map((f) => f.dataset);
  if (retryable.length === 0) throw new UnrecoverableError(`system ${result.systemId}: ${summary}`);
  // The next attempt fetches only what failed; the rest is loaded and committed. A sync retry
  // fetches them whatever their cadence: this attempt already counts as their last sync.
  await job.updateData({
    ...(job.data as object),
    datasets: retryable,
    ...(job.queueName === QUEUE_SYNC ? { all: true } : {}),
  });
  throw new Error(`system ${result.systemId}: ${summary}`);
}

/** How long a backfill job whose system is busy waits before it asks for the lock again. */
export const BUSY_SYSTEM_DELAY_MS = 5_000;

/**
 * The system's lock, or — for a backfill job — the job put back to wait without using up an
 * attempt: the holder may be a killed process whose lock lapses only after its TTL, and a backfill
 * that spends its attempts on waiting fails a system that had nothing wrong (the long chaos run).
 * A sync job fails as before: the next round comes soon enough.
 */
async function lockSystem(runtime: Runtime, job: Job, token: string | undefined, systemId: number) {
  try {
    return await acquireSystemLock(
      runtime.redis,
      runtime.keys.systemLock(systemId),
      runtime.lock,
      runtime.abort.signal,
    );
  } catch (error) {
    if (!(error instanceof SystemBusyError) || job.queueName !== QUEUE_BACKFILL || !token) throw error;
    await job.moveToDelayed(Date.now() + BUSY_SYSTEM_DELAY_MS, token);
    throw new DelayedError();
  }
}

async function processSystemJob(
  runtime: Runtime,
  job: Job,
  token: string | undefined,
  request: SyncRequest,
  systemId: number,
) {
  const [system, problem] = await Promise.all([
    runtime.registry.get(systemId),
    runtime.registry.problems.get(systemId),
  ]);
  // A quarantined system, or one never discovered, fails at once, before any lock or request;
  // one whose last discovery failed but has stored facts is synced with them.
  if (problem && (problem.kind === 'quarantined' || !system))
    throw new UnrecoverableError(describeProblem(problem));
  if (!system)
    throw new UnrecoverableError(`system ${systemId} is not in the registry (run discovery first)`);
  const log = runtime.logger.child({ systemId, jobId: job.id, queue: job.queueName });
  const lock = await lockSystem(runtime, job, token, systemId);
  const started = Date.now();
  log.info({ event: 'system-sync-start', at: started, pid: process.pid }, 'system sync started');
  let windows = 0;
  let points = 0;
  try {
    const result = await syncSystem(runtime.syncDeps(), system, request, (p) => {
      windows += p.windows;
      points += p.points;
      void job.updateProgress({ windows, points }).catch(() => undefined);
    });
    return await settleResult(job, result);
  } finally {
    await lock.release().catch(() => undefined);
    log.info(
      { event: 'system-sync-end', at: Date.now(), started, pid: process.pid, windows, points },
      'system sync finished',
    );
  }
}

export function processorFor(runtime: Runtime, queue: QueueName): Processor {
  switch (queue) {
    case QUEUE_SYNC:
      return async (job: Job<SyncJobData>, token) =>
        processSystemJob(
          runtime,
          job,
          token,
          {
            kind: 'sync',
            ...(job.data.cadences ? { cadences: job.data.cadences } : {}),
            ...(job.data.all ? { all: true } : {}),
            ...(job.data.datasets ? { datasets: job.data.datasets } : {}),
          },
          job.data.systemId,
        );
    case QUEUE_BACKFILL:
      return async (job: Job<BackfillJobData>, token) =>
        processSystemJob(
          runtime,
          job,
          token,
          {
            kind: 'backfill',
            fromDate: job.data.fromDate,
            ...(job.data.toDate ? { toDate: job.data.toDate } : {}),
            force: job.data.force,
            ...(job.data.datasets ? { datasets: job.data.datasets } : {}),
          },
          job.data.systemId,
        );
    case QUEUE_DISCOVER:
      return async (job: Job) => {
        const round = String(job.id ?? Date.now()).replace(/[^A-Za-z0-9_-]/g, '_');
        if (job.name === JOB_ROUND) {
          const plan = await currentPlan(runtime.config, runtime.registry, runtime.now());
          const offered = await enqueueRound(runtime.queues, runtime.registry, round, cadencesOf(plan));
          // The pipeline's own health for Grafana (src/jobs/health.ts); never fails the round.
          await recordHealth(runtime).catch((e: unknown) =>
            runtime.logger.warn({ err: (e as Error).message }, 'health not written'),
          );
          return { offered };
        }
        if (job.name === JOB_DISCOVER) {
          const data = job.data as DiscoverJobData;
          const found = await discoverSystems(
            { client: runtime.client, registry: runtime.registry, logger: runtime.logger, now: runtime.now },
            data.systemIds ? { systemIds: data.systemIds } : {},
          );
          if (data.enqueueSync) {
            const plan = await currentPlan(runtime.config, runtime.registry, runtime.now());
            await enqueueRound(runtime.queues, runtime.registry, round, cadencesOf(plan), found.systemIds);
          }
          return {
            systems: found.systemIds.length,
            deviceRequests: found.deviceRequests,
            failed: found.failed,
          };
        }
        throw new UnrecoverableError(`unknown job ${job.name} in queue ${QUEUE_DISCOVER}`);
      };
  }
}

export function startWorkers(runtime: Runtime, options: Partial<WorkerOptions> = {}): PipelineWorkers {
  const resolved = { ...DEFAULT_WORKER_OPTIONS, ...options };
  const workers = resolved.queues.map((queue) => {
    const worker = new Worker(queue, failingFast(runtime.abort.signal, processorFor(runtime, queue)), {
      connection: runtime.redis,
      prefix: runtime.keys.bullPrefix,
      concurrency: resolved.concurrency,
      ...(resolved.lockDurationMs !== undefined ? { lockDuration: resolved.lockDurationMs } : {}),
      ...(resolved.stalledIntervalMs !== undefined ? { stalledInterval: resolved.stalledIntervalMs } : {}),
      ...(resolved.maxStalledCount !== undefined ? { maxStalledCount: resolved.maxStalledCount } : {}),
    });
    worker.on('failed', (job, error) => {
      runtime.metrics.jobsFinished.inc({ queue, outcome: 'failed' });
      runtime.logger.warn(
        { queue, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        'job attempt failed',
      );
    });
    worker.on('completed', () => runtime.metrics.jobsFinished.inc({ queue, outcome: 'completed' }));
    // While Redis is away its watch has said so once; the worker's every retry would repeat it.
    worker.on('error', (error) =>
      runtime.redisHealth.reachable()
        ? runtime.logger.warn({ queue, err: error.message }, 'worker error')
        : runtime.logger.debug({ queue, err: error.message }, 'worker error while Redis is unreachable'),
    );
    return worker;
  });
  return {
    workers,
    async close(timeoutMs) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([graceful.then(() => 'done' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        // Hand the active jobs back: abort their waits; their BullMQ locks lapse and another
        // worker picks them up as stalled jobs. Nothing is committed that was not flushed.
        runtime.logger.warn({ timeoutMs }, 'active jobs did not finish in time; handing them back');
        runtime.abort.abort();
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
