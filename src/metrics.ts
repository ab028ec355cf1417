// Prometheus metrics of a worker or service process (DESIGN §4): points written, API calls by
// endpoint and status, 429s, queue depth, watermark lag per dataset; `/metrics` and `/healthz`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError } from './config.js';
import type { EnphaseClient } from './enphase/client.js';
import type { Queues } from './jobs/queues.js';
import { withinMs } from './jobs/within.js';

const QUEUE_COUNTS_WITHIN_MS = 2_000;

export class PipelineMetrics {
  readonly registry = new Registry();
  readonly pointsWritten: Counter<'dataset'>;
  readonly pointsRejected: Counter<'dataset' | 'reason'>;
  readonly apiCalls: Counter<'endpoint' | 'status'>;
  readonly rateLimited: Counter<'endpoint'>;
  readonly jobsFinished: Counter<'queue' | 'outcome'>;
  /** Per dataset, the largest lag (now − watermark) this process saw for any system. */
  private readonly lags = new Map<string, Map<number, number>>();
  private queues: Queues | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'enphase_etl_' });
    this.pointsWritten = new Counter({
      name: 'enphase_etl_points_written_total',
      help: 'Points acknowledged by InfluxDB (committed with their watermark), by dataset',
      labelNames: ['dataset'],
      registers,
    });
    this.pointsRejected = new Counter({
      name: 'enphase_etl_points_rejected_total',
      help: 'Implausible points left out before the write (docs/schema.md bounds), by dataset and reason',
      labelNames: ['dataset', 'reason'],
      registers,
    });
    this.apiCalls = new Counter({
      name: 'enphase_etl_api_calls_total',
      help: 'Enphase API calls by endpoint template and final status (0: no HTTP answer)',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'enphase_etl_api_429_total',
      help: 'Enphase API calls that ended in a 429 (rate limit or monthly quota)',
      labelNames: ['endpoint'],
      registers,
    });
    this.jobsFinished = new Counter({
      name: 'enphase_etl_jobs_total',
      help: 'Jobs finished by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    const lags = this.lags;
    new Gauge({
      name: 'enphase_etl_watermark_lag_seconds',
      help: 'Largest now − watermark among the systems this process synced, by dataset',
      labelNames: ['dataset'],
      registers,
      collect() {
        this.reset();
        for (const [dataset, bySystem] of lags) {
          let max = 0;
          for (const lag of bySystem.values()) max = Math.max(max, lag);
          this.set({ dataset }, max);
        }
      },
    });
    const queuesOf = (): Queues | undefined => this.queues;
    new Gauge({
      name: 'enphase_etl_queue_jobs',
      help: 'Jobs in the BullMQ queues by queue and state',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        const queues = queuesOf();
        if (!queues) return;
        for (const queue of [queues.discover, queues.sync, queues.backfill]) {
          // A Redis that does not answer leaves the gauge empty rather than the scrape hanging.
          const counts = await withinMs(
            queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
            QUEUE_COUNTS_WITHIN_MS,
          ).catch(() => 'timeout' as const);
          if (counts === 'timeout') continue;
          for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
        }
      },
    });
  }

  watchQueues(queues: Queues): void {
    this.queues = queues;
  }

  recordLag(dataset: string, systemId: number, lagSec: number): void {
    let bySystem = this.lags.get(dataset);
    if (!bySystem) this.lags.set(dataset, (bySystem = new Map()));
    bySystem.set(systemId, Math.max(0, lagSec));
  }

  recordCall(endpoint: string, status: number): void {
    this.apiCalls.inc({ endpoint, status: String(status) });
    if (status === 429) this.rateLimited.inc({ endpoint });
  }
}

/**
 * The client with every get/post counted by endpoint and final status. Attempts inside one call
 * (retries, waits for a 429) are the client's business; the quota ledger counts each of those.
 */
export function instrumentClient(client: EnphaseClient, metrics: PipelineMetrics): EnphaseClient {
  const statusOf = (error: unknown): number => {
    const status = (error as { status?: unknown } | null)?.status;
    return typeof status === 'number' ? status : 0;
  };
  const wrap = <F extends (path: string, ...rest: never[]) => Promise<unknown>>(call: F): F =>
    (async (path: string, ...rest: never[]) => {
      try {
        const body = await call(path, ...rest);
        metrics.recordCall(path, 200);
        return body;
      } catch (error) {
        metrics.recordCall(path, statusOf(error));
        throw error;
      }
    }) as F;
  const instrumented: EnphaseClient = Object.create(client) as EnphaseClient;
  Object.assign(instrumented, {
    get: wrap(client.get.bind(client) as never),
    post: wrap(client.post.bind(client) as never),
  });
  return instrumented;
}

/** Why /metrics cannot listen, as the operator can fix it (exit 2); other errors as they are. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port} (METRICS_HOST, METRICS_PORT)`;
  const why: Record<string, string> = {
    EADDRINUSE:
      'the port is in use, by another process or another enphase-etl start/worker on this machine; set METRICS_PORT to a free port (0: any)',
    EADDRNOTAVAIL:
      'this machine has no such address; METRICS_HOST must be one of its addresses, 127.0.0.1 or 0.0.0.0',
    EACCES: 'permission denied (ports below 1024 need privileges); choose a METRICS_PORT from 1024 up',
  };
  const reason = error.code === undefined ? undefined : why[error.code];
  return reason === undefined ? error : new ConfigError(`/metrics cannot listen on ${where}: ${reason}`);
}

export interface MetricsServer {
  port: number;
  /** The address it listens on. */
  host: string;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text) and `/healthz`: 200 while `healthy()` says `true`, else 503 with
 * the reason it gives (`stopping`, `redis unreachable`).
 */
export async function startMetricsServer(
  metrics: PipelineMetrics,
  port: number,
  healthy: () => true | string = () => true,
  host = '127.0.0.1',
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => {
          response.writeHead(200, { 'content-type': metrics.registry.contentType });
          response.end(text);
        })
        .catch((error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        });
      return;
    }
    if (path === '/healthz') {
      const health = healthy();
      response.writeHead(health === true ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(health === true ? 'ok\n' : `${health}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: address.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
