// Whether the pipeline's Redis answers, watched on the connection's own events. ioredis
// reconnects by itself and queues every command meanwhile (`maxRetriesPerRequest: null`, as
// BullMQ workers need), so a lost Redis shows nowhere else: commands just wait. This watch says so
// once per outage in the log, tells /healthz, and — for one-shot commands, which have a patience —
// gives up when the outage outlasts it: it aborts `gaveUp` and closes the connection, so every
// queued command fails at once instead of waiting for ever.
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/** A one-shot command gave up on Redis: it ends with exit 1 and this one line. */
export class RedisLostError extends Error {
  override name = 'RedisLostError';
  readonly retryable = true;
}

export interface RedisHealth {
  /** True while the connection is ready (false while connecting, reconnecting, closed). */
  reachable(): boolean;
  /** Aborted (with a RedisLostError) when Redis stayed unreachable for longer than the patience. */
  gaveUp: AbortSignal;
  /** Stops watching (a deliberate close of the connection is not an outage, nor worth a line). */
  close(): void;
}

export interface RedisHealthOptions {
  logger: Logger;
  /** How long an outage may last; undefined: as long as it takes (the service). */
  patienceMs?: number;
  /** Called when the patience runs out, before the connection is closed. */
  onGiveUp?: () => void;
}

/**
 * Ends a connection whose `retryStrategy` refuses every further attempt from now on, so that each
 * command queued on it fails ("Connection is closed") instead of waiting for ever. ioredis 6
 * strands its offline queue when `disconnect()` comes while it is 'reconnecting': the pending
 * attempt is cancelled and, the socket being closed already, no 'close' follows to fail the queue
 * — the commands never settle, and with no timer left Node ends the process with exit 13
 * ("unsettled top-level await"). There the pending attempt is left to run: refused by the
 * strategy, it ends the connection and fails the queue within one retry delay (≤ 2 s here).
 */
export function endConnection(redis: Redis): void {
  if (redis.status !== 'reconnecting') redis.disconnect();
}

export function watchRedis(redis: Redis, options: RedisHealthOptions): RedisHealth {
  const { logger, patienceMs } = options;
  const gaveUp = new AbortController();
  let reachable = redis.status === 'ready';
  let watching = true;
  let outage: { since: number; logged: boolean; timer?: NodeJS.Timeout } | undefined;

  const lost = (): void => {
    reachable = false;
    if (!watching || outage || gaveUp.signal.aborted) return;
    outage = { since: Date.now(), logged: false };
    if (patienceMs !== undefined) {
      outage.timer = setTimeout(() => {
        const seconds = Math.round(patienceMs / 1_000);
        const error = new RedisLostError(
          `lost the connection to Redis at REDIS_URL and it did not come back within ${seconds} s (REDIS_PATIENCE); ` +
            'nothing unwritten was committed: run it again to resume',
        );
        options.onGiveUp?.();
        gaveUp.abort(error);
        // Every command queued on the connection fails, so nothing waits on it any longer.
        endConnection(redis);
      }, patienceMs);
      outage.timer.unref();
    }
  };
  const onError = (error: Error): void => {
    if (!watching) return;
    lost();
    if (outage && !outage.logged) {
      outage.logged = true;
      logger.warn(
        { err: error.message, patienceMs: patienceMs ?? 'unbounded' },
        patienceMs === undefined
          ? 'Redis unreachable; waiting for it to come back'
          : `Redis unreachable; waiting up to ${Math.round(patienceMs / 1_000)} s for it to come back`,
      );
    } else logger.debug({ err: error.message }, 'redis connection error');
  };
  const onReady = (): void => {
    reachable = true;
    if (outage) {
      clearTimeout(outage.timer);
      if (outage.logged)
        logger.info({ afterMs: Date.now() - outage.since }, 'Redis is reachable again; carrying on');
      outage = undefined;
    }
  };
  // Connecting at start-up counts as an outage too: the patience covers a Redis that never answers.
  if (!reachable) lost();
  redis.on('error', onError);
  redis.on('close', lost);
  redis.on('ready', onReady);
  return {
    reachable: () => reachable,
    gaveUp: gaveUp.signal,
    close() {
      // The listeners stay: an 'error' without one would make ioredis print its own warning.
      watching = false;
      clearTimeout(outage?.timer);
    },
  };
}
