// The loader: line protocol in, InfluxDB out (DESIGN §3: batched, retried, idempotent writes).
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { BatchingWriter } from './batching-writer.js';
import { resolveLoaderOptions, type LineWriter, type LoaderOptions } from './contract.js';
import { createV1Transport } from './v1.js';
import { createV2Transport } from './v2.js';

export {
  InfluxConfigError,
  InfluxUnreachableError,
  LoaderAbortedError,
  LoaderClosedError,
  stopsTheRun,
} from './errors.js';
export { checkInfluxSink, DEFAULT_INFLUX_PATIENCE_MS } from './probe.js';
export {
  DEFAULT_LOADER_OPTIONS,
  type EncodedLines,
  type LineWriter,
  type LoaderOptions,
  type LoaderStats,
} from './contract.js';

/**
 * A LineWriter for `config.influx`: `/write` for INFLUX_API=v1, `/api/v2/write` for v2. Batching
 * comes from the configuration (INFLUX_BATCH_SIZE, …); `options` override it (tests, benchmarks).
 */
export function createLoader(
  config: Config['influx'],
  options: Partial<LoaderOptions> = {},
  logger: Logger,
): LineWriter {
  const resolved = resolveLoaderOptions({ ...config.write, ...options });
  const transport =
    config.api === 'v1' ? createV1Transport(config, resolved, logger) : createV2Transport(config, resolved);
  return new BatchingWriter(transport, resolved, logger.child({ component: 'loader', api: config.api }));
}
