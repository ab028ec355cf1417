// Waiting for a known set of jobs (one-shot commands): BullMQ's event stream says when each one
// finishes or reports progress; a slow poll of the pending ones covers events missed while Redis
// was unreachable, and finds jobs that are gone (a Redis restarted empty): the caller is told, so
// it can enqueue them again instead of waiting for events that will never come.
import { QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { withinMs } from './within.js';

export type JobOutcome = { state: 'completed'; result: unknown } | { state: 'failed'; reason: string };

export interface WaitHandlers {
  onProgress?(jobId: string, data: unknown): void;
  onDone(jobId: string, outcome: JobOutcome): void;
  /** Pending jobs Redis no longer has; they stay pending (the caller may add them again). */
  onMissing?(jobIds: string[]): Promise<void>;
}

const RECONCILE_EVERY_MS = 5_000;
/** The last look after a stop; a Redis that does not answer gets no longer than this. */
const FINAL_RECONCILE_WITHIN_MS = 5_000;

/** Starts listening before the jobs are added (call `ready()` first), then `wait(ids)`. */
export async function listenForJobs(queue: Queue, redis: Redis, prefix: string) {
  const connection = redis.duplicate();
  // Connection errors are reported by the runtime's Redis watch, once per outage.
  connection.on('error', () => undefined);
  const events = new QueueEvents(queue.name, { connection, prefix });
  events.on('error', () => undefined);
  await events.waitUntilReady();
  return {
    async wait(ids: readonly string[], handlers: WaitHandlers, signal?: AbortSignal): Promise<void> {
      const pending = new Set(ids);
      let wake: (() => void) | undefined;
      const finish = (id: string, outcome: JobOutcome): void => {
        if (!pending.delete(id)) return;
        handlers.onDone(id, outcome);
        if (pending.size === 0) wake?.();
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        let result: unknown = returnvalue;
        if (typeof returnvalue === 'string') {
          try {
            result = JSON.parse(returnvalue);
          } catch {
            // kept as text
          }
        }
        finish(jobId, { state: 'completed', result });
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) =>
        finish(jobId, { state: 'failed', reason: failedReason });
      const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
        if (pending.has(jobId)) handlers.onProgress?.(jobId, data);
      };
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      events.on('progress', onProgress);
      let reconciling = false;
      const reconcile = async (): Promise<void> => {
        // One at a time: while Redis is away a poll waits, and the next ones must not pile up.
        if (reconciling) return;
        reconciling = true;
        try {
          const missing: string[] = [];
          for (const id of [...pending].slice(0, 1_000)) {
            const job = await queue.getJob(id);
            if (!job) {
              missing.push(id);
              continue;
            }
            const state = await job.getState();
            if (state === 'completed') finish(id, { state: 'completed', result: job.returnvalue });
            else if (state === 'failed') finish(id, { state: 'failed', reason: job.failedReason });
          }
          if (missing.length > 0 && !signal?.aborted) await handlers.onMissing?.(missing);
        } finally {
          reconciling = false;
        }
      };
      const timer = setInterval(() => void reconcile().catch(() => undefined), RECONCILE_EVERY_MS);
      try {
        await reconcile();
        if (pending.size > 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener('abort', () => resolve(), { once: true });
            if (signal?.aborted) resolve();
          });
          // Stopped early: jobs that finished before the stop but whose event is still on its way.
          await withinMs(reconcile(), FINAL_RECONCILE_WITHIN_MS);
        }
      } finally {
        clearInterval(timer);
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('progress', onProgress);
      }
    },
    async close(): Promise<void> {
      await withinMs(events.close(), FINAL_RECONCILE_WITHIN_MS);
      connection.disconnect();
    },
  };
}
