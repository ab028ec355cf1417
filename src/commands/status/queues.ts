// The queues' side of `status`: each queue's job counts and its newest failed jobs, read with plain
// Redis commands from where BullMQ keeps them (a list per waiting and active state, a sorted set per
// other state, a hash per job), so that `status` does not load BullMQ (about a third of its start:
// docs/benchmarks.md). What BullMQ's own getJobCounts and getFailed answer is the reference:
// test/commands/status-queues.test.ts compares both on the same jobs, so a BullMQ that stores them
// differently fails there first.
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, queueKey, type QueueName } from '../../jobs/queue-names.js';
import type { RedisKeys } from '../../state/keys.js';
import type { FailedJob, StatusReport } from './report.js';

/** Failed jobs shown per queue (newest first); BullMQ keeps them for 14 days. */
export const FAILED_JOBS_SHOWN = 50;

/** The counts `status` shows, each with the Redis type BullMQ keeps that state in. */
const STATES = [
  ['waiting', 'wait', 'list'],
  ['active', 'active', 'list'],
  ['delayed', 'delayed', 'zset'],
  ['prioritized', 'prioritized', 'zset'],
  ['failed', 'failed', 'zset'],
  ['completed', 'completed', 'zset'],
] as const;

type Reply = [Error | null, unknown];

function value(reply: Reply | undefined): unknown {
  if (!reply) throw new Error('Redis answered fewer replies than commands');
  if (reply[0]) throw reply[0];
  return reply[1];
}

/** A failed job from its hash, as BullMQ reads it (Job.fromJSON); undefined when it is gone. */
function failedJob(queue: QueueName, id: string, hash: Record<string, string>): FailedJob | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  let data: { systemId?: unknown } = {};
  try {
    data = (JSON.parse(hash['data'] || '{}') ?? {}) as { systemId?: unknown };
  } catch {
    // a job whose data is not JSON is still listed, without its system
  }
  return {
    queue,
    id: hash['id'] || id,
    name: hash['name'] ?? '',
    systemId: typeof data.systemId === 'number' ? data.systemId : null,
    reason: hash['failedReason'] ?? '',
    attempts: parseInt(hash['attemptsMade'] || hash['atm'] || '0'),
    failedAt: hash['finishedOn'] ? parseInt(hash['finishedOn']) : null,
  };
}

/** Each queue's job counts, and the failed jobs of all of them, newest first (two round trips). */
export async function readQueues(
  redis: Redis,
  keys: RedisKeys,
): Promise<Pick<StatusReport, 'queues' | 'failedJobs'>> {
  const key = (queue: QueueName, part: string): string => queueKey(keys.bullPrefix, queue, part);
  const counting = redis.pipeline();
  for (const queue of QUEUE_NAMES) {
    for (const [, state, type] of STATES)
      if (type === 'list') counting.llen(key(queue, state));
      else counting.zcard(key(queue, state));
    counting.zrevrange(key(queue, 'failed'), 0, FAILED_JOBS_SHOWN - 1);
  }
  const replies = ((await counting.exec()) ?? []) as Reply[];
  const queues = {} as StatusReport['queues'];
  const failedIds: Array<[QueueName, string]> = [];
  let next = 0;
  for (const queue of QUEUE_NAMES) {
    const counts: Record<string, number> = {};
    for (const [name] of STATES) counts[name] = Number(value(replies[next++])) || 0;
    queues[queue] = counts;
    for (const id of value(replies[next++]) as string[]) failedIds.push([queue, id]);
  }
  const reading = redis.pipeline();
  for (const [queue, id] of failedIds) reading.hgetall(key(queue, id));
  const hashes = failedIds.length > 0 ? (((await reading.exec()) ?? []) as Reply[]) : [];
  const failedJobs = failedIds
    .map(([queue, id], i) => failedJob(queue, id, value(hashes[i]) as Record<string, string>))
    .filter((job): job is FailedJob => job !== undefined);
  failedJobs.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
  return { queues, failedJobs };
}
