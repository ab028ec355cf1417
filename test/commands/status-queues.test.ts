// `status` reads the queues without BullMQ (src/commands/status/queues.ts): its counts and failed
// jobs must be what BullMQ's own getJobCounts and getFailed say, on the same jobs in every state
// status shows (waiting, prioritized, delayed, active, failed after one and after two attempts,
// completed), on a real Redis. Should BullMQ store its jobs differently, this fails.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { FAILED_JOBS_SHOWN, readQueues } from '../../src/commands/status/queues.js';
import type { FailedJob } from '../../src/commands/status/report.js';
import { openQueues, QUEUE_BACKFILL, QUEUE_NAMES, QUEUE_SYNC, type Queues } from '../../src/jobs/queues.js';
import { createKeys } from '../../src/state/keys.js';
import { startRedis, type RedisHandle } from '../support/services.js';

let server: RedisHandle;
let redis: Redis;
let queues: Queues;
const keys = () => createKeys(server.prefix);

/** BullMQ's own answer, in the shape status reports (what collect.ts did with BullMQ before). */
async function throughBullmq(): Promise<Awaited<ReturnType<typeof readQueues>>> {
  const counts = {} as Awaited<ReturnType<typeof readQueues>>['queues'];
  const failedJobs: FailedJob[] = [];
  for (const name of QUEUE_NAMES) {
    const queue = queues[name];
    counts[name] = await queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'failed',
      'completed',
    );
    for (const job of await queue.getFailed(0, FAILED_JOBS_SHOWN - 1)) {
      const data = (job.data ?? {}) as { systemId?: unknown };
      failedJobs.push({
        queue: name,
        id: job.id ?? null,
        name: job.name,
        systemId: typeof data.systemId === 'number' ? data.systemId : null,
        reason: job.failedReason ?? '',
        attempts: job.attemptsMade,
        failedAt: job.finishedOn ?? null,
      });
    }
  }
  failedJobs.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
  return { queues: counts, failedJobs };
}

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  queues = openQueues(redis, keys());
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await server?.stop();
});

it('agrees with BullMQ when every queue is empty', async () => {
  expect(await readQueues(redis, keys())).toEqual(await throughBullmq());
});

it('agrees with BullMQ on jobs in every state', async () => {
  const connection = new Redis(server.url, { maxRetriesPerRequest: null });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  try {
    // Failed: at once (unrecoverable), after two attempts, and one with data that has no system.
    await queues.sync.add('sync', { systemId: 11 }, { jobId: 'sync-11-r1', attempts: 1 });
    await queues.sync.add(
      'sync',
      { systemId: 12 },
      { jobId: 'sync-12-r1', attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    );
    await queues.backfill.add('odd', { note: 'no system' } as never, { jobId: 'odd-1', attempts: 1 });
    // Completed.
    await queues.sync.add('sync', { systemId: 13 }, { jobId: 'sync-13-r1' });
    const worker = (name: string, run: (job: Job) => Promise<unknown>) =>
      new Worker(name, run, { connection, prefix: keys().bullPrefix, concurrency: 4 });
    const done = new Set<string>();
    const syncWorker = worker(QUEUE_SYNC, async (job) => {
      done.add(job.id!);
      if (job.id === 'sync-11-r1') throw new UnrecoverableError('system 11 has no time zone');
      if (job.id === 'sync-12-r1') throw new Error(`attempt ${job.attemptsMade + 1} failed`);
      return { ok: true };
    });
    const backfillWorker = worker(QUEUE_BACKFILL, async () => {
      throw new Error('odd job');
    });
    const until = Date.now() + 20_000;
    while (Date.now() < until && (await throughBullmq()).failedJobs.length < 3)
      await new Promise((r) => setTimeout(r, 50));
    await Promise.all([syncWorker.close(), backfillWorker.close()]);
    // Active: a job a worker holds while both read; waiting, prioritized and delayed ones.
    const holder = worker(QUEUE_BACKFILL, () => held);
    await queues.backfill.add('backfill', { systemId: 14 } as never, { jobId: 'held' });
    while (Date.now() < until && ((await queues.backfill.getJobCounts('active')).active ?? 0) < 1)
      await new Promise((r) => setTimeout(r, 20));
    await queues.discover.add('discover', {}, { jobId: 'waiting-1' });
    await queues.discover.add('discover', {}, { jobId: 'waiting-2' });
    await queues.discover.add('discover', {}, { jobId: 'prioritized-1', priority: 5 });
    await queues.sync.add('sync', { systemId: 15 }, { jobId: 'delayed-1', delay: 3_600_000 });

    const direct = await readQueues(redis, keys());
    expect(direct).toEqual(await throughBullmq());
    // And it is not an agreement on nothing.
    expect(direct.queues.sync).toMatchObject({ failed: 2, completed: 1, delayed: 1 });
    expect(direct.queues.discover).toMatchObject({ waiting: 2, prioritized: 1 });
    expect(direct.queues.backfill).toMatchObject({ active: 1, failed: 1 });
    expect(direct.failedJobs.find((j) => j.id === 'sync-12-r1')).toMatchObject({
      systemId: 12,
      attempts: 2,
      reason: 'attempt 2 failed',
    });
    expect(direct.failedJobs.find((j) => j.id === 'odd-1')).toMatchObject({ systemId: null, name: 'odd' });
    release();
    await holder.close();
  } finally {
    release();
    connection.disconnect();
  }
});
