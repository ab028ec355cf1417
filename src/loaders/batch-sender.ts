// Delivery of one batch: the taxonomy of policy.ts applied until InfluxDB has every good line of it
// (retry — without time limit, or for `patienceMs` —, split on 413, bisect to the bad lines on other
// 4xx, stop on configuration errors), with the counters the loader's stats report.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.js';
import { backoffDelay } from './backoff.js';
import { InfluxConfigError, InfluxUnreachableError, LoaderAbortedError, refusalMessage } from './errors.js';
import type { LoaderOptions } from './contract.js';
import { bodyOf, linesOf } from './line-bytes.js';
import { classifyFailure, classifyResponse, halves, type WriteVerdict } from './policy.js';
import type { WriteTransport } from './transport.js';

/** Log a retried batch on its first failure and then every this many attempts, not on each one. */
const RETRY_LOG_EVERY = 10;
/** A bad line is logged up to this many characters. */
const LOGGED_LINE_CHARS = 1_000;

export class BatchSender {
  /** Counted here, read by the writer's stats(). */
  delivered = 0;
  dropped = 0;
  retries = 0;
  /** Monotonic ms since which no write was accepted while one was failing; undefined: none failing. */
  private outageSince: number | undefined;

  constructor(
    private readonly transport: WriteTransport,
    private readonly options: LoaderOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends one batch (`body`: its `lines` lines, UTF-8, separated by `\n`) until InfluxDB has every
   * good line of it. Rejects only to stop the loader: with `failure()` when `signal` was aborted
   * because the loader stopped.
   */
  async deliver(
    body: Buffer,
    lines: number,
    signal: AbortSignal,
    failure: () => Error | undefined,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw failure() ?? new LoaderAbortedError(lines);
      const verdict = await this.attempt(body, signal);
      switch (verdict.kind) {
        case 'delivered':
          this.outageSince = undefined;
          this.delivered += lines;
          if (attempt > 1)
            this.logger.info(
              { transport: this.transport.name, lines, attempts: attempt },
              'InfluxDB write succeeded after retries',
            );
          return;
        case 'split':
        case 'reject': {
          const all = linesOf(body);
          if (all.length <= 1) {
            this.drop(all[0] ?? '', verdict.reason);
            return;
          }
          // Every line that is not bad gets written: a half that succeeds is done, a half that is
          // rejected again is halved again, down to the bad lines. Rewrites are idempotent.
          for (const half of halves(all)) await this.deliver(bodyOf(half), half.length, signal, failure);
          return;
        }
        case 'config':
          throw new InfluxConfigError(refusalMessage(this.transport.name, verdict.reason), verdict.status);
        case 'retry': {
          if (signal.aborted) continue; // the top of the loop reports it
          this.retries++;
          const now = performance.now();
          this.outageSince ??= now;
          const patienceLeft =
            this.options.patienceMs === undefined
              ? Number.POSITIVE_INFINITY
              : this.options.patienceMs - (now - this.outageSince);
          if (patienceLeft <= 0)
            throw new InfluxUnreachableError(
              this.transport.url,
              verdict.reason,
              this.options.patienceMs as number,
            );
          const waitMs = Math.min(
            verdict.waitMs ?? backoffDelay(attempt, this.options.backoff, this.options.random),
            patienceLeft,
          );
          if (attempt === 1 || attempt % RETRY_LOG_EVERY === 0)
            this.logger.warn(
              {
                transport: this.transport.name,
                lines,
                attempt,
                waitMs,
                reason: verdict.reason,
              },
              'InfluxDB write failed; retrying',
            );
          try {
            await sleep(waitMs, undefined, { signal });
          } catch {
            // aborted: the top of the loop reports it
          }
        }
      }
    }
  }

  private async attempt(body: Buffer, signal: AbortSignal): Promise<WriteVerdict> {
    try {
      return classifyResponse(await this.transport.send(body, signal));
    } catch (error) {
      if (signal.aborted) return { kind: 'retry', reason: 'aborted' };
      const verdict = classifyFailure(error);
      if (verdict === undefined) throw error;
      return verdict;
    }
  }

  private drop(line: string, reason: string): void {
    this.dropped++;
    this.logger.error(
      {
        transport: this.transport.name,
        line: line.length > LOGGED_LINE_CHARS ? `${line.slice(0, LOGGED_LINE_CHARS)}…` : line,
        reason,
      },
      'InfluxDB rejected a line; dropped it and wrote the rest',
    );
  }
}
