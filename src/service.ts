// The long-running service (`start`, `worker`, `scheduler`): config → Redis → client → loader →
// workers and/or scheduler, with /metrics and /healthz. On SIGINT/SIGTERM it stops taking jobs,
// lets the active ones finish (or hands them back after the timeout), flushes the loader and
// closes Redis; the command then exits 0. When InfluxDB refuses the writes (the loader stops for
// good), it logs the loader's line and stops the same way by itself (`failure`; `start` exits 2):
// every system's job would otherwise fetch its data only to fail at the write.
import type { Config } from './config.js';
import { stopsTheRun } from './loaders/index.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './jobs/runtime.js';
import { startWorkers, type PipelineWorkers, type WorkerOptions } from './jobs/worker.js';
import { withinMs } from './jobs/within.js';
import { PipelineMetrics, startMetricsServer, type MetricsServer } from './metrics.js';
import { startScheduler, type RunningScheduler, type SchedulerOptions } from './scheduler.js';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
/** What closing may take beyond the shutdown timeout: the forced close of the workers. */
const CLOSE_SLACK_MS = 5_000;

export interface ServiceOptions extends Omit<RuntimeOptions, 'onQuotaExhausted'> {
  worker?: Partial<WorkerOptions> | false;
  scheduler?: SchedulerOptions | false;
  /** undefined: config.metricsPort; false: no metrics server. */
  metricsPort?: number | false;
  /** undefined: config.metricsHost (METRICS_HOST). */
  metricsHost?: string;
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  runtime: Runtime;
  workers?: PipelineWorkers;
  scheduler?: RunningScheduler;
  metricsServer?: MetricsServer;
  /** Graceful stop; resolves when everything is closed. Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves with the sink's error when the service stopped itself on it; never otherwise. */
  failure: Promise<Error>;
}

export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const metrics = options.metrics ?? new PipelineMetrics({ defaultMetrics: true });
  const runtime = createRuntime(config, { ...options, metrics, onQuotaExhausted: 'wait' });
  const log = options.logger;
  let stopping = false;
  let metricsServer: MetricsServer | undefined;
  let scheduler: RunningScheduler | undefined;
  let workers: PipelineWorkers | undefined;
  try {
    const port = options.metricsPort === undefined ? config.metricsPort : options.metricsPort;
    if (port !== false)
      metricsServer = await startMetricsServer(
        metrics,
        port,
        () => (stopping ? 'stopping' : runtime.redisHealth.reachable() || 'redis unreachable'),
        options.metricsHost ?? config.metricsHost ?? '127.0.0.1',
      );
    if (options.scheduler !== false) scheduler = await startScheduler(runtime, options.scheduler ?? {});
    if (options.worker !== false) workers = startWorkers(runtime, options.worker ?? {});
  } catch (error) {
    await metricsServer?.close();
    await runtime.close({ deadlineMs: 1_000 }).catch(() => undefined);
    throw error;
  }
  log.info(
    {
      worker: workers !== undefined,
      scheduler: scheduler !== undefined,
      metricsPort: metricsServer?.port,
      metricsHost: metricsServer?.host,
    },
    'service started',
  );

  let stopped: Promise<void> | undefined;
  const timeout = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      log.info({ timeoutMs: timeout }, 'stopping: no new jobs; waiting for the active ones');
      // Bounded, each: with Redis away, BullMQ's closes may wait for it for ever.
      await withinMs(scheduler?.close() ?? Promise.resolve(), timeout);
      // With Redis away an active job can commit nothing: it is handed back at once.
      const jobsWithin = runtime.redisHealth.reachable() ? timeout : 0;
      await withinMs(workers?.close(jobsWithin) ?? Promise.resolve(), jobsWithin + CLOSE_SLACK_MS);
      try {
        await runtime.close({ deadlineMs: timeout });
      } catch (error) {
        log.error(
          { err: (error as Error).message },
          'the loader could not deliver everything before the deadline',
        );
      }
      await metricsServer?.close();
      log.info('stopped');
    })();
    return stopped;
  };
  const failure = runtime.loader.whenFailed().then((error) => {
    if (!stopsTheRun(error) || stopping) return new Promise<Error>(() => undefined);
    log.error({ err: error }, 'InfluxDB refuses the writes; the service stops');
    // No request starts after this: the active jobs end at their next write, handed back.
    runtime.abort.abort();
    return stop().then(() => error);
  });
  return {
    runtime,
    failure,
    ...(workers ? { workers } : {}),
    ...(scheduler ? { scheduler } : {}),
    ...(metricsServer ? { metricsServer } : {}),
    stop,
  };
}

/** Resolves on the first SIGINT or SIGTERM (then the handlers are removed). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
