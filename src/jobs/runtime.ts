// The parts every pipeline process wires the same way: config → Redis → client → loader → state
// stores → queues. Commands, the service and the test fixtures build one of these and close it.
import { setMaxListeners } from 'node:events';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createEnphaseClient, type EnphaseClient } from '../enphase/client.js';
import { createLoader, LoaderAbortedError, type LineWriter, type LoaderOptions } from '../loaders/index.js';
import type { Logger } from '../log.js';
import { instrumentClient, PipelineMetrics } from '../metrics.js';
import { FloorStore } from '../state/floors.js';
import { createKeys, DEFAULT_KEY_PREFIX, type RedisKeys } from '../state/keys.js';
import { LastErrorStore } from '../state/last-errors.js';
import { RegistryStore } from '../state/registry.js';
import { SyncMarkStore } from '../state/sync-marks.js';
import { UnavailableStore } from '../state/unavailable.js';
import { WatermarkStore } from '../state/watermarks.js';
import { openQueues, type Queues } from './queues.js';
import { endConnection, watchRedis, type RedisHealth } from './redis-health.js';
import { withinMs } from './within.js';
import { DEFAULT_SYNC_SETTINGS, type SyncDeps, type SyncSettings } from './sync-system.js';
import { DEFAULT_SYSTEM_LOCK, type SystemLockOptions } from './system-lock.js';

export interface RuntimeOptions {
  logger: Logger;
  keyPrefix?: string;
  /** Service: wait for the next month when the quota is spent; one-shot commands: fail. */
  onQuotaExhausted: 'wait' | 'throw';
  /** The API's rate window (60 s; shorter in tests against a simulator with a short window). */
  rateWindowMs?: number;
  /** Slack added to the rate window (the client's default: 2% of it, 20 ms to 1 s). */
  rateMarginMs?: number;
  /** Epoch ms; tests pass the simulator's clock. */
  now?: () => number;
  sync?: Partial<Pick<SyncSettings, 'datasetConcurrency' | 'commitEveryWindows'>>;
  lock?: Partial<SystemLockOptions>;
  loader?: Partial<LoaderOptions>;
  metrics?: PipelineMetrics;
  /** How long a lost Redis may stay away before `redisHealth.gaveUp` (one-shot commands); unbounded when undefined. */
  redisPatienceMs?: number;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  keys: RedisKeys;
  /** One connection for state and BullMQ queues (`maxRetriesPerRequest: null`, as workers need). */
  redis: Redis;
  /** Whether Redis answers (for /healthz), and the give-up signal of a bounded patience. */
  redisHealth: RedisHealth;
  client: EnphaseClient;
  loader: LineWriter;
  registry: RegistryStore;
  watermarks: WatermarkStore;
  unavailable: UnavailableStore;
  lastErrors: LastErrorStore;
  queues: Queues;
  metrics: PipelineMetrics;
  lock: SystemLockOptions;
  now: () => number;
  /** Aborted on a forced shutdown: every wait of the client ends. */
  abort: AbortController;
  syncDeps(): SyncDeps;
  /** Flushes the loader (within `deadlineMs`), closes queues and Redis. */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

/** How long closing waits for a Redis that answers (queues, QUIT) before it just disconnects. */
const CLOSE_REDIS_MS = 5_000;

export function createRuntime(config: Config, options: RuntimeOptions): Runtime {
  const logger = options.logger;
  // ioredis' own backoff until the patience runs out; then no connection made from this one
  // (BullMQ's duplicates copy the strategy) tries again, so each of them ends and lets go.
  const reconnect = { allowed: true };
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    lazyConnect: false,
    retryStrategy: (times) => (reconnect.allowed ? Math.min(times * 50, 2_000) : null),
  });
  const redisHealth = watchRedis(redis, {
    logger,
    onGiveUp: () => (reconnect.allowed = false),
    ...(options.redisPatienceMs !== undefined ? { patienceMs: options.redisPatienceMs } : {}),
  });
  try {
    return assemble(config, options, redis, redisHealth, () => (reconnect.allowed = false));
  } catch (error) {
    // A configuration the client refuses: the connection must not keep the process alive.
    redisHealth.close();
    redis.disconnect();
    throw error;
  }
}

function assemble(
  config: Config,
  options: RuntimeOptions,
  redis: Redis,
  redisHealth: RedisHealth,
  stopReconnecting: () => void,
): Runtime {
  const logger = options.logger;
  const keys = createKeys(options.keyPrefix ?? config.redisKeyPrefix ?? DEFAULT_KEY_PREFIX);
  const abort = new AbortController();
  // Every wait of every concurrent request listens on this one signal.
  setMaxListeners(0, abort.signal);
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? new PipelineMetrics();
  const rawClient = createEnphaseClient({
    config,
    redis,
    keys,
    logger: logger.child({ component: 'enphase' }),
    onQuotaExhausted: options.onQuotaExhausted,
    signal: abort.signal,
    now,
    ...(options.rateWindowMs !== undefined ? { rateWindowMs: options.rateWindowMs } : {}),
    ...(options.rateMarginMs !== undefined ? { rateMarginMs: options.rateMarginMs } : {}),
  });
  const client = instrumentClient(rawClient, metrics);
  // The abort ends the loader's retries too. One-shot runs (which fail rather than wait on a spent
  // quota) give up on an InfluxDB that accepts nothing for INFLUX_PATIENCE; the service waits.
  const patience = options.onQuotaExhausted === 'throw' ? { patienceMs: config.influx.patienceMs } : {};
  const loader = createLoader(
    config.influx,
    { ...patience, ...options.loader, signal: abort.signal },
    logger,
  );
  const queues = openQueues(redis, keys);
  metrics.watchQueues(queues);
  const settings: SyncSettings = {
    plan: config.enphase.plan,
    ...(config.datasets ? { datasets: config.datasets } : {}),
    settleWindowMs: config.settleWindowMs,
    initialLookbackMs: config.initialLookbackMs,
    ...DEFAULT_SYNC_SETTINGS,
    ...options.sync,
  };
  const watermarks = new WatermarkStore(redis, keys);
  const unavailable = new UnavailableStore(redis, keys);
  const lastErrors = new LastErrorStore(redis, keys);
  const floors = new FloorStore(redis, keys);
  const syncMarks = new SyncMarkStore(redis, keys);
  let closed = false;
  const runtime: Runtime = {
    config,
    logger,
    keys,
    redis,
    redisHealth,
    client,
    loader,
    registry: new RegistryStore(redis, keys),
    watermarks,
    unavailable,
    lastErrors,
    queues,
    metrics,
    lock: { ...DEFAULT_SYSTEM_LOCK, ...options.lock },
    now,
    abort,
    syncDeps: () => ({
      client,
      loader,
      redis,
      keys,
      watermarks,
      unavailable,
      lastErrors,
      floors,
      syncMarks,
      settings,
      logger,
      now,
      metrics,
      signal: abort.signal,
    }),
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      try {
        await loader
          .close(closeOptions.deadlineMs !== undefined ? { deadlineMs: closeOptions.deadlineMs } : {})
          .catch((error: unknown) => {
            // Aborted on purpose (a shutdown past its timeout): the unwritten lines were never
            // watermarked, so the next run writes them; not an error of the close.
            if (!(abort.signal.aborted && error instanceof LoaderAbortedError)) throw error;
            logger.warn(
              { err: error },
              'InfluxDB writes abandoned at shutdown; nothing unwritten was committed',
            );
          });
      } finally {
        redisHealth.close();
        // BullMQ's own connections (duplicates of this one) end at their next attempt, rather
        // than keeping a process whose work is done alive by reconnecting to a Redis that is gone.
        stopReconnecting();
        // A Redis that does not answer gets no polite QUIT: it would wait in the offline queue.
        const answering = redis.status === 'ready';
        if (answering)
          await withinMs(
            queues.close().catch(() => undefined),
            CLOSE_REDIS_MS,
          );
        else void queues.close().catch(() => undefined);
        const quit = answering
          ? await withinMs(
              redis.quit().catch(() => 'failed'),
              CLOSE_REDIS_MS,
            )
          : 'not answering';
        if (quit !== 'OK') endConnection(redis);
      }
    },
  };
  return runtime;
}
