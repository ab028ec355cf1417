// One-shot runs (`backfill`, `sync`): enqueue one job per system under ids of this run, process
// them in this process (other workers may help) and wait, reporting progress; or only enqueue.
// An abort (SIGINT) stops taking jobs, lets the active ones finish, removes this run's waiting
// jobs and returns with `interrupted` — nothing half committed (watermarks follow flushes). A loader
// that stops for good (InfluxDB refuses the writes, or accepts none for INFLUX_PATIENCE) stops the
// run the same way, at once, and the run rejects with that error: no job fetches for nothing.
// Redis restarted empty takes this run's jobs with it: they are enqueued again (what they had
// committed is gone too, so they start over, idempotently). Redis lost for longer than the
// runtime's patience ends the run with RedisLostError.
import type { JobsOptions, Queue } from 'bullmq';
import type { DatasetName } from '../datasets/index.js';
import { stopsTheRun } from '../loaders/index.js';
import type { QueueName, SyncResult } from './queues.js';
import type { ProgressReporter } from './progress.js';
import type { Runtime } from './runtime.js';
import { listenForJobs } from './wait-jobs.js';
import { startWorkers } from './worker.js';
import { withinMs } from './within.js';

/** What closing the workers may take beyond the shutdown timeout (their forced close). */
const CLOSE_SLACK_MS = 5_000;

export interface OneShotJob<D> {
  id: string;
  systemId: number;
  data: D;
}

export interface OneShotOptions {
  enqueueOnly?: boolean;
  /** Systems processed at once in this process. */
  concurrency?: number;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  /** How long active jobs may take to finish after an abort. */
  shutdownTimeoutMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /**
   * Before jobs that Redis lost are enqueued again: puts back what they need besides themselves
   * (the registry entries of these systems, which a Redis restarted empty lost too).
   */
  restore?: (systemIds: number[]) => Promise<void>;
}

export interface OneShotSummary {
  total: number;
  completed: number[];
  failed: Array<{ systemId: number; reason: string }>;
  /**
   * Dataset and kind of skip → how many systems skipped it, with the first reason seen; for a
   * system's own refusal or permanent answer (a status), which systems.
   */
  skipped: Map<string, { dataset: DatasetName; systems: number; reason: string; systemIds?: number[] }>;
  windows: number;
  points: number;
  /** Implausible points left out, by reason, over every completed system (set by runOneShot). */
  rejected?: Map<string, number>;
  /** The same per system: which systems' answers held them (set by runOneShot). */
  rejectedBySystem?: Map<number, Record<string, number>>;
  hits: number;
  interrupted: boolean;
  enqueuedOnly: boolean;
  durationMs: number;
}

/**
 * The API hits of a run from the quota ledger's successive totals: a total lower than the last
 * one is a ledger that started again (Redis restarted empty), counted from zero — as a
 * Prometheus counter reset is.
 */
export function hitTally(first: number): (total: number) => number {
  let last = first;
  let hits = 0;
  return (total) => {
    hits += total >= last ? total - last : total;
    last = total;
    return hits;
  };
}

export async function runOneShot<D>(
  runtime: Runtime,
  queueName: QueueName,
  queue: Queue<D>,
  jobs: ReadonlyArray<OneShotJob<D>>,
  jobOptions: JobsOptions,
  options: OneShotOptions = {},
): Promise<OneShotSummary> {
  try {
    return await runJobs(runtime, queueName, queue, jobs, jobOptions, options);
  } catch (error) {
    // Given up on Redis, every command still queued fails ("Connection is closed"), closing the
    // workers and the listener included: the run failed because Redis went away, and says so.
    const gaveUp = runtime.redisHealth.gaveUp;
    throw gaveUp.aborted ? gaveUp.reason : error;
  }
}

async function runJobs<D>(
  runtime: Runtime,
  queueName: QueueName,
  queue: Queue<D>,
  jobs: ReadonlyArray<OneShotJob<D>>,
  jobOptions: JobsOptions,
  options: OneShotOptions,
): Promise<OneShotSummary> {
  const started = Date.now();
  const rejected = new Map<string, number>();
  const rejectedBySystem = new Map<number, Record<string, number>>();
  const summary: OneShotSummary = {
    total: jobs.length,
    completed: [],
    failed: [],
    skipped: new Map(),
    windows: 0,
    points: 0,
    rejected,
    rejectedBySystem,
    hits: 0,
    interrupted: false,
    enqueuedOnly: options.enqueueOnly === true,
    durationMs: 0,
  };
  const systemOf = new Map(jobs.map((j) => [j.id, j.systemId]));
  const listener = options.enqueueOnly
    ? undefined
    : await listenForJobs(queue as Queue, runtime.redis, runtime.keys.bullPrefix);
  const tally = hitTally((await runtime.client.quota.usage()).total);
  const jobOf = new Map(jobs.map((j) => [j.id, j]));
  const addJobs = (chunk: ReadonlyArray<OneShotJob<D>>) =>
    (queue as Queue).addBulk(
      chunk.map((j) => ({ name: queueName, data: j.data, opts: { ...jobOptions, jobId: j.id } })),
    );
  for (let i = 0; i < jobs.length; i += 500) {
    await addJobs(jobs.slice(i, i + 500));
  }
  if (!listener) {
    summary.durationMs = Date.now() - started;
    return summary;
  }

  const workers = startWorkers(runtime, {
    queues: [queueName],
    concurrency: options.concurrency ?? 4,
    ...(options.lockDurationMs !== undefined ? { lockDurationMs: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs !== undefined ? { stalledIntervalMs: options.stalledIntervalMs } : {}),
  });
  const progressOf = new Map<string, { windows: number; points: number }>();
  const figures = () => {
    let windows = 0;
    let points = 0;
    for (const p of progressOf.values()) {
      windows += p.windows;
      points += p.points;
    }
    return { done: summary.completed.length + summary.failed.length, windows, points, hits: summary.hits };
  };
  // On abort, the waiting goes on until the workers have closed, so a job that was active when
  // the stop came is counted as what it became (completed or failed), not as never started.
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  const workersClosed = new AbortController();
  // Given up on Redis, an active job can commit nothing: it is handed back at once.
  const closeWorkers = (): void =>
    void workers
      .close(runtime.redisHealth.gaveUp.aborted ? 0 : shutdownTimeoutMs)
      .catch(() => undefined) // closed again, and any error surfaced, below
      .finally(() => workersClosed.abort());
  options.signal?.addEventListener('abort', closeWorkers, { once: true });
  if (options.signal?.aborted) closeWorkers();
  // No job can succeed any more: every wait of the client ends (no request starts after this), the
  // active jobs end at their next write, and the run reports the sink's error.
  let sinkFailure: Error | undefined;
  void runtime.loader.whenFailed().then((error) => {
    if (!stopsTheRun(error) || workersClosed.signal.aborted) return;
    sinkFailure = error;
    runtime.abort.abort();
    closeWorkers();
  });
  const gaveUp = runtime.redisHealth.gaveUp;
  gaveUp.addEventListener('abort', closeWorkers, { once: true });
  if (gaveUp.aborted) closeWorkers();
  options.progress?.start(jobs.length);
  const hitsTimer = setInterval(() => {
    void runtime.client.quota
      .usage()
      .then((u) => {
        summary.hits = tally(u.total);
        options.progress?.update(figures());
      })
      .catch(() => undefined);
  }, 1_000);
  try {
    await listener.wait(
      jobs.map((j) => j.id),
      {
        onProgress(id, data) {
          const p = data as { windows?: number; points?: number } | null;
          if (p && typeof p.windows === 'number' && typeof p.points === 'number')
            progressOf.set(id, { windows: p.windows, points: p.points });
          options.progress?.update(figures());
        },
        async onMissing(ids) {
          const lost = ids.map((id) => jobOf.get(id)).filter((j) => j !== undefined);
          runtime.logger.warn(
            { jobs: lost.length, systems: lost.map((j) => j.systemId).slice(0, 20) },
            'jobs of this run are gone from Redis (restarted empty?); enqueuing them again',
          );
          // Without it a job fails naming what is missing: still better than a run that never ends.
          await options
            .restore?.(lost.map((j) => j.systemId))
            .catch((error: unknown) =>
              runtime.logger.warn({ err: (error as Error).message }, 'could not restore what the jobs need'),
            );
          for (let i = 0; i < lost.length; i += 500) await addJobs(lost.slice(i, i + 500));
        },
        onDone(id, outcome) {
          const systemId = systemOf.get(id) ?? -1;
          if (outcome.state === 'failed') summary.failed.push({ systemId, reason: outcome.reason });
          else {
            summary.completed.push(systemId);
            const result = outcome.result as SyncResult | null;
            if (result && typeof result === 'object') {
              progressOf.set(id, { windows: result.windows ?? 0, points: result.points ?? 0 });
              for (const s of result.skipped ?? []) {
                // One line per dataset and status: a 501 is not reported as the plan's refusal.
                const key = `${s.dataset} ${s.status ?? s.reason}`;
                const entry = summary.skipped.get(key) ?? {
                  dataset: s.dataset,
                  systems: 0,
                  reason: s.reason,
                  ...(s.status !== undefined ? { systemIds: [] } : {}),
                };
                entry.systems += 1;
                entry.systemIds?.push(systemId);
                summary.skipped.set(key, entry);
              }
              for (const [reason, n] of Object.entries(result.rejected ?? {})) {
                rejected.set(reason, (rejected.get(reason) ?? 0) + n);
                const own = rejectedBySystem.get(systemId) ?? {};
                own[reason] = (own[reason] ?? 0) + n;
                rejectedBySystem.set(systemId, own);
              }
            }
          }
          options.progress?.update(figures());
        },
      },
      AbortSignal.any([workersClosed.signal, gaveUp]),
    );
  } finally {
    clearInterval(hitsTimer);
    options.signal?.removeEventListener('abort', closeWorkers);
    gaveUp.removeEventListener('abort', closeWorkers);
    // Bounded: a worker whose Redis is gone may never report itself closed.
    const closeWithin = gaveUp.aborted ? 0 : shutdownTimeoutMs;
    await withinMs(workers.close(closeWithin), closeWithin + CLOSE_SLACK_MS);
    await listener.close();
  }
  if (gaveUp.aborted) throw gaveUp.reason;
  if (summary.completed.length + summary.failed.length < jobs.length) {
    summary.interrupted = true;
    // This run's jobs that never started are withdrawn; a rerun resumes from the watermarks.
    const finished = new Set<number>([...summary.completed, ...summary.failed.map((f) => f.systemId)]);
    for (const job of jobs) {
      if (!finished.has(job.systemId)) await (queue as Queue).remove(job.id).catch(() => 0);
    }
  }
  if (sinkFailure) {
    options.progress?.stop();
    throw sinkFailure;
  }
  summary.hits = tally((await runtime.client.quota.usage()).total);
  const f = figures();
  summary.windows = f.windows;
  summary.points = f.points;
  options.progress?.update(f);
  options.progress?.stop();
  summary.durationMs = Date.now() - started;
  return summary;
}
