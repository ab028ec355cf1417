// Waiting for a known set of jobs (one-shot commands): BullMQ's event stream says when each one
// finishes or reports progress; a slow poll of the pending ones covers events missed while Redis
// was unreachable.
import { QueueEvents, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export type JobOutcome = { state: 'completed'; result: unknown } | { state: 'failed'; reason: string };

export interface WaitHandlers {
  onProgress?(jobId: string, data: unknown): void;
  onDone(jobId: string, outcome: JobOutcome): void;
}

const RECONCILE_EVERY_MS = 5_000;

/** Starts listening before the jobs are added (call `ready()` first), then `wait(ids)`. */
export async function listenForJobs(queue: Queue, redis: Redis, prefix: string) {
  const connection = redis.duplicate();
  const events = new QueueEvents(queue.name, { connection, prefix });
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
      const reconcile = async (): Promise<void> => {
        for (const id of [...pending].slice(0, 1_000)) {
          const job = await queue.getJob(id);
          if (!job) continue;
          const state = await job.getState();
          if (state === 'completed') finish(id, { state: 'completed', result: job.returnvalue });
          else if (state === 'failed') finish(id, { state: 'failed', reason: job.failedReason });
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
          await reconcile().catch(() => undefined);
        }
      } finally {
        clearInterval(timer);
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
        events.off('progress', onProgress);
      }
    },
    async close(): Promise<void> {
      await events.close();
      connection.disconnect();
    },
  };
}
