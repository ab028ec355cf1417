// The sink check every writing command makes before its first API request: an empty write through
// the configured transport. A refusing InfluxDB (401/403/404) is a configuration error found
// before any quota is spent; one that does not answer is waited for, within the patience.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { backoffDelay } from './backoff.js';
import { InfluxConfigError, InfluxUnreachableError, refusalMessage } from './errors.js';
import { resolveLoaderOptions, type LoaderOptions } from './contract.js';
import { classifyFailure, classifyResponse, type WriteVerdict } from './policy.js';
import type { WriteTransport } from './transport.js';
import { createV1Transport } from './v1.js';
import { createV2Transport } from './v2.js';

/** How long a command waits at start for an InfluxDB that does not answer (INFLUX_PATIENCE). */
export const DEFAULT_INFLUX_PATIENCE_MS = 120_000;

export interface SinkCheckOptions {
  logger: Logger;
  /** Default: config.patienceMs, else DEFAULT_INFLUX_PATIENCE_MS. */
  patienceMs?: number;
  /** SIGINT/SIGTERM: stop waiting (InfluxUnreachableError with `interrupted`). */
  signal?: AbortSignal;
  /** Tests: the backoff between attempts. */
  backoff?: LoaderOptions['backoff'];
}

/**
 * What an empty write's answer says about the sink (pure): `ok` when InfluxDB took the credentials
 * and the target — a 2xx, or a 4xx about the (empty) body, which servers check only after both —,
 * `refused` for the loader's configuration verdicts, `unreachable` for what the loader retries.
 */
export function judgeProbe(
  verdict: WriteVerdict,
):
  | { kind: 'ok' }
  | { kind: 'refused'; reason: string; status: number }
  | { kind: 'unreachable'; reason: string } {
  switch (verdict.kind) {
    case 'config':
      return { kind: 'refused', reason: verdict.reason, status: verdict.status };
    case 'retry':
      return { kind: 'unreachable', reason: verdict.reason };
    default:
      return { kind: 'ok' };
  }
}

async function probeOnce(transport: WriteTransport, signal: AbortSignal): Promise<WriteVerdict> {
  try {
    return classifyResponse(await transport.probe(signal));
  } catch (error) {
    if (signal.aborted) return { kind: 'retry', reason: 'aborted' };
    const verdict = classifyFailure(error);
    if (verdict === undefined) throw error;
    return verdict;
  }
}

/**
 * Resolves when InfluxDB accepts an (empty) write with the configured credentials and target.
 * Rejects with InfluxConfigError on 401/403/404 (exit 2, the loader's own line), with
 * InfluxUnreachableError when it has not answered within the patience (exit 1) or when `signal`
 * ends the wait.
 */
export async function checkInfluxSink(config: Config['influx'], options: SinkCheckOptions): Promise<void> {
  const patienceMs = options.patienceMs ?? config.patienceMs ?? DEFAULT_INFLUX_PATIENCE_MS;
  const resolved = resolveLoaderOptions({ ...config.write });
  const logger = options.logger.child({ component: 'loader', api: config.api });
  const transport =
    config.api === 'v1' ? createV1Transport(config, resolved, logger) : createV2Transport(config, resolved);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const started = performance.now();
  try {
    for (let attempt = 1; ; attempt++) {
      const verdict = judgeProbe(await probeOnce(transport, stop.signal));
      if (verdict.kind === 'ok') {
        if (attempt > 1) logger.info({ url: config.url }, 'InfluxDB answers');
        return;
      }
      if (verdict.kind === 'refused')
        throw new InfluxConfigError(refusalMessage(transport.name, verdict.reason), verdict.status);
      const waited = performance.now() - started;
      if (stop.signal.aborted) throw new InfluxUnreachableError(config.url, verdict.reason, patienceMs, true);
      const left = patienceMs - waited;
      if (left <= 0) throw new InfluxUnreachableError(config.url, verdict.reason, patienceMs);
      if (attempt === 1)
        logger.warn(
          { url: config.url, reason: verdict.reason, patienceMs },
          'InfluxDB does not answer; waiting for it before any API request',
        );
      const waitMs = Math.min(backoffDelay(attempt, options.backoff ?? resolved.backoff), left);
      await sleep(waitMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await transport.close();
  }
}
