// The queues' names and where BullMQ keeps them in Redis, apart from queues.ts (BullMQ itself):
// `status` reads the queues' counts and failed jobs with plain Redis commands.

export const QUEUE_DISCOVER = 'discover';
export const QUEUE_SYNC = 'sync';
export const QUEUE_BACKFILL = 'backfill';
export const QUEUE_NAMES = [QUEUE_DISCOVER, QUEUE_SYNC, QUEUE_BACKFILL] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** A queue's key for `part` (a state such as `failed`, or a job id), as BullMQ names it under `bullPrefix`. */
export function queueKey(bullPrefix: string, queue: QueueName, part: string): string {
  return `${bullPrefix}:${queue}:${part}`;
}
