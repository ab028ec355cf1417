// `enphase-etl start`: worker + scheduler in one process (the single-machine service). Without
// Enphase credentials and with the default API URL it runs the built-in simulator in-process and
// uses its demo credentials, so a first `start` shows the whole pipeline working.
import { DEFAULT_API_URL, loadConfig, usesSimulator, type Config } from '../config.js';
import { checkInfluxSink, InfluxUnreachableError } from '../loaders/index.js';
import { createLogger, type Logger } from '../log.js';
import { startService } from '../service.js';
import type { RunningSimulator } from '../simulator/index.js';
import { requireRedis } from './redis-check.js';
import { endSoon, firstStopSignal } from './signals.js';

/** The config pointed at a built-in simulator started now (when `usesSimulator(config)`). */
async function withBuiltinSimulator(
  config: Config,
  logger: Logger,
): Promise<{ config: Config; simulator?: RunningSimulator }> {
  if (!usesSimulator(config)) return { config };
  // Loaded only here: the simulator and fastify cost a worker with real credentials ~27 MiB.
  const { startSimulator } = await import('../simulator/index.js');
  const simulator = await startSimulator({ systems: 5 });
  const pair = simulator.issueTokenPair();
  logger.warn(
    { simulator: simulator.url, defaultApiUrl: DEFAULT_API_URL },
    'no Enphase credentials (ENPHASE_API_KEY) and the default API URL: using the built-in simulator with its demo credentials',
  );
  return {
    simulator,
    config: {
      ...config,
      enphase: {
        ...config.enphase,
        apiUrl: simulator.url,
        apiKey: 'sim-key-watt',
        clientId: 'sim-client',
        clientSecret: 'sim-secret',
        accessToken: pair.access_token,
        refreshToken: pair.refresh_token,
      },
    },
  };
}

export async function runStart(options: {
  worker: boolean;
  scheduler: boolean;
  concurrency?: number;
}): Promise<void> {
  const loaded = loadConfig();
  await requireRedis(loaded.redisUrl);
  const logger = createLogger({ level: loaded.logLevel });
  // From here on a signal is ours: the first stops gracefully (exit 0), a second at once (130).
  const stopSignal = firstStopSignal();
  // A signal during start-up (the sink check may wait INFLUX_PATIENCE, the scheduler's set-up
  // waits for a Redis that went away) ends the start-up: nothing runs yet that could commit.
  const starting = new AbortController();
  void stopSignal.signal.then(() => starting.abort());
  const { config, simulator } =
    options.worker && options.scheduler
      ? await withBuiltinSimulator(loaded, logger)
      : { config: loaded, simulator: undefined };
  try {
    // before any API request
    if (options.worker) await checkInfluxSink(config.influx, { logger, signal: starting.signal });
    const launched = startService(config, {
      logger,
      worker: options.worker ? (options.concurrency ? { concurrency: options.concurrency } : {}) : false,
      scheduler: options.scheduler ? {} : false,
      // The scheduler alone serves no metrics (DESIGN §4: `start` and `worker`).
      ...(options.worker ? {} : { metricsPort: false as const }),
    });
    const service = await Promise.race([launched, stopSignal.signal.then(() => undefined)]);
    if (service === undefined) {
      logger.info('signal received while starting; stopped');
      // Should the start-up still complete, what it started is stopped before the process ends.
      void launched.then((late) => late.stop()).catch(() => undefined);
      return;
    }
    const signal = await Promise.race([stopSignal.signal, service.failure]);
    if (signal instanceof Error) throw signal; // stopped by itself: InfluxDB refuses the writes
    logger.info({ signal }, 'signal received');
    await service.stop();
  } catch (error) {
    if (!(error instanceof InfluxUnreachableError && error.interrupted)) throw error;
    logger.info('signal received while waiting for InfluxDB; stopped');
  } finally {
    await simulator?.close();
    stopSignal.remove();
    endSoon();
  }
}
