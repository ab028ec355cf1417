// The batching core shared by both transports: a bounded buffer cut into batches, a few requests in
// flight, and per batch the taxonomy of policy.ts (retry — without time limit, or for `patienceMs` —,
// split on 413, bisect to the bad lines on other 4xx, stop on configuration errors). Once stopped,
// it stays stopped: every later write and flush rejects with the same error, at once. One batch's
// delivery (the taxonomy and its retries) is in batch-sender.ts; this module is the buffer.
import type { Logger } from '../log.js';
import { BatchSender } from './batch-sender.js';
import { LoaderAbortedError, LoaderClosedError } from './errors.js';
import type { EncodedLines, LineWriter, LoaderOptions, LoaderStats } from './contract.js';
import { BufferPool, endOfLines, LineBytes, type ByteBatch } from './line-bytes.js';
import type { WriteTransport } from './transport.js';

interface Batch {
  bytes: ByteBatch;
  settled: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function newBatch(bytes: ByteBatch): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const settled = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting on this batch (no flush yet): its failure is handled where it is awaited
  // and must never surface as an unhandled rejection.
  settled.catch(() => undefined);
  return { bytes, settled, resolve, reject };
}

const isStrings = (lines: readonly string[] | EncodedLines): lines is readonly string[] =>
  Array.isArray(lines);

export class BatchingWriter implements LineWriter {
  /** The lines of the batch being gathered, as bytes (line-bytes.ts: why not strings). */
  private readonly current: LineBytes;
  private readonly pool: BufferPool;
  private readonly queue: Batch[] = [];
  private readonly unsettled = new Set<Promise<void>>();
  private inFlight = 0;
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private spaceWaiters: (() => void)[] = [];
  /** One per flush in progress: woken when the loader stops (see flush). */
  private readonly failureWaiters = new Set<() => void>();
  private failure: Error | undefined;
  private closed = false;
  private readonly aborter = new AbortController();
  private readonly failed: Promise<Error>;
  private announceFailure!: (error: Error) => void;
  private readonly onAbort = (): void => this.abort();
  private readonly sender: BatchSender;

  constructor(
    private readonly transport: WriteTransport,
    private readonly options: LoaderOptions,
    private readonly logger: Logger,
  ) {
    this.sender = new BatchSender(transport, options, logger);
    // As many buffers as batches the bound lets the loader hold, and the one being gathered.
    this.pool = new BufferPool(Math.ceil(options.maxBufferedLines / options.batchSize) + 1);
    this.current = new LineBytes(this.pool);
    this.failed = new Promise((resolve) => (this.announceFailure = resolve));
    if (options.signal?.aborted) this.abort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async write(lines: readonly string[] | EncodedLines): Promise<void> {
    if (!isStrings(lines)) return this.writeEncoded(lines);
    let offset = 0;
    while (offset < lines.length) {
      this.throwIfUnusable();
      const room = this.options.maxBufferedLines - this.buffered;
      if (room <= 0) {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        continue;
      }
      const end = Math.min(lines.length, offset + room);
      for (; offset < end; offset++) {
        this.current.append(lines[offset] as string);
        this.buffered++;
        if (this.current.lines >= this.options.batchSize) this.cutBatch();
      }
      this.armTimer();
    }
  }

  /** As write(), for lines already encoded: copied into the batches, cut at line boundaries. */
  private async writeEncoded({ bytes, lines }: EncodedLines): Promise<void> {
    let start = 0;
    let left = lines;
    while (left > 0) {
      this.throwIfUnusable();
      const room = this.options.maxBufferedLines - this.buffered;
      if (room <= 0) {
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        continue;
      }
      const take = Math.min(left, room, this.options.batchSize - this.current.lines);
      const end = take === left ? bytes.length : endOfLines(bytes, start, take);
      this.current.appendBytes(bytes, start, end, take);
      this.buffered += take;
      left -= take;
      start = end + 1;
      if (this.current.lines >= this.options.batchSize) this.cutBatch();
      this.armTimer();
    }
  }

  async flush(): Promise<void> {
    this.throwIfFailed();
    this.cutBatch();
    const pending = [...this.unsettled];
    if (pending.length === 0) return;
    // Once the loader has stopped, nothing waits for requests still on the wire (a v2 server that
    // never answers): the flush rejects at once. A waiter of its own, removed when the flush ends:
    // racing `this.failed` (which settles only if the loader stops) would leave a reaction on it
    // per flush, holding that flush's outcomes for the loader's life — ~23 KiB a sync job in the
    // worker's heap (docs/benchmarks.md, "Fleet").
    let wake!: () => void;
    const stopped = new Promise<void>((resolve) => (wake = resolve));
    this.failureWaiters.add(wake);
    let outcomes: PromiseSettledResult<void>[] | void;
    try {
      outcomes = await Promise.race([Promise.allSettled(pending), stopped]);
    } finally {
      this.failureWaiters.delete(wake);
    }
    this.throwIfFailed();
    const failed = (outcomes as PromiseSettledResult<void>[]).find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  whenFailed(): Promise<Error> {
    return this.failed;
  }

  async close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.closed = true;
    this.wakeSpaceWaiters();
    const deadline =
      options.deadlineMs === undefined
        ? undefined
        : setTimeout(() => this.abort(), Math.max(0, options.deadlineMs));
    try {
      if (this.failure === undefined) await this.flush();
      else throw this.failure;
    } finally {
      if (deadline) clearTimeout(deadline);
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.clearTimer();
      await this.transport.close();
    }
  }

  stats(): LoaderStats {
    return {
      delivered: this.sender.delivered,
      dropped: this.sender.dropped,
      retries: this.sender.retries,
      buffered: this.buffered,
    };
  }

  /** Stops every retry now; lines not yet acknowledged are reported, not written. */
  abort(): void {
    if (this.aborter.signal.aborted) return;
    this.fail(new LoaderAbortedError(this.buffered));
    this.aborter.abort();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private throwIfUnusable(): void {
    this.throwIfFailed();
    if (this.closed) throw new LoaderClosedError();
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.current.lines === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.cutBatch();
    }, this.options.flushIntervalMs);
    // The timer alone must not keep a process alive; whoever wrote lines flushes or closes.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Turns the lines gathered so far into a batch and queues it. */
  private cutBatch(): void {
    this.clearTimer();
    const bytes = this.current.cut();
    if (bytes === undefined) return;
    const batch = newBatch(bytes);
    this.unsettled.add(batch.settled);
    if (this.failure !== undefined) {
      this.settle(batch, this.failure);
      return;
    }
    this.queue.push(batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.shift() as Batch;
      this.inFlight++;
      this.sender
        .deliver(batch.bytes.body, batch.bytes.lines, this.aborter.signal, () => this.failure)
        .then(
          () => {
            this.inFlight--;
            this.settle(batch);
          },
          (error: unknown) => {
            this.inFlight--;
            const failure = error instanceof Error ? error : new Error(String(error));
            this.fail(failure);
            this.settle(batch, failure);
          },
        );
    }
  }

  private settle(batch: Batch, error?: Error): void {
    this.buffered -= batch.bytes.lines;
    // Nothing reads the body any more (acknowledged, or given up with its requests ended).
    this.pool.give(batch.bytes.buffer);
    this.unsettled.delete(batch.settled);
    if (error) batch.reject(error);
    else batch.resolve();
    this.wakeSpaceWaiters();
    this.pump();
  }

  /**
   * The loader cannot go on: every queued batch fails with the same error, the batches in flight
   * stop retrying (their requests are cancelled), writers are woken.
   */
  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.logger.error({ err: error }, 'loader stopped');
    for (const batch of this.queue.splice(0)) this.settle(batch, error);
    this.wakeSpaceWaiters();
    this.aborter.abort();
    this.announceFailure(error);
    for (const wake of this.failureWaiters) wake();
  }

  private wakeSpaceWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
