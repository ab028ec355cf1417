// A VictoriaMetrics for tests (the one real server here for InfluxDB's /api/v2/write): from
// TEST_VICTORIA_METRICS_URL, a victoriametrics/victoria-metrics container, or a local binary.
// It keeps duplicate samples, so use it to test delivery, and influxd for overwrite semantics.
import { join } from 'node:path';
import { externalBackend, type Backend } from './backend.js';
import { containerRuntimeAvailable, startServiceContainer } from './containers.js';
import { serviceUrlFromEnv } from './env.js';
import { findBinary, startLocalServer } from './local-server.js';
import { missingServiceError } from './missing.js';

export interface VmSample {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface VictoriaMetricsHandle {
  url: string;
  /** Flushes recent writes, then exports every series matching the selector (e.g. '{__name__=~"pv_.*"}'). */
  exportSeries(match: string): Promise<VmSample[]>;
  /** Stops what this handle started (nothing for an external server). */
  stop(): Promise<void>;
  /** Stops the server for outage tests, with SIGTERM so accepted samples survive (local only). */
  kill(): Promise<void>;
  /** Starts it again on the same port and storage folder. */
  start(): Promise<void>;
}

/** The default retention (one month) would reject the historical points tests write. */
const RETENTION = '-retentionPeriod=100y';

async function vmIsHealthy(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return response.ok;
}

async function expectOk(response: Response, what: string): Promise<string> {
  const text = await response.text();
  if (!response.ok)
    throw new Error(`VictoriaMetrics answered ${response.status} to ${what}: ${text.slice(0, 300)}`);
  return text;
}

/** Parses /api/v1/export's JSON lines, sorted by series so results compare stably. */
export function parseExport(text: string): VmSample[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as VmSample)
    .sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

async function exportSeries(baseUrl: string, match: string): Promise<VmSample[]> {
  await expectOk(await fetch(`${baseUrl}/internal/force_flush`), 'force_flush');
  const query = new URLSearchParams({ 'match[]': match });
  const text = await expectOk(
    await fetch(`${baseUrl}/api/v1/export?${query.toString()}`),
    `export of ${match}`,
  );
  return parseExport(text);
}

async function locateServer(): Promise<{ url: string; backend: Backend }> {
  const external = serviceUrlFromEnv('victoriaMetrics');
  if (external !== undefined) return { url: external, backend: externalBackend('victoriaMetrics') };

  if (await containerRuntimeAvailable()) {
    const container = await startServiceContainer({
      image: 'victoriametrics/victoria-metrics',
      port: 8428,
      command: [RETENTION, '-search.latencyOffset=0s'],
      isReady: (host, port) => vmIsHealthy(`http://${host}:${port}`),
      gracefulKill: true, // see killSignal below
    });
    return { url: `http://${container.host}:${container.port}`, backend: container };
  }

  const binary = findBinary('victoria-metrics');
  if (binary === undefined)
    throw missingServiceError('victoriaMetrics', 'VictoriaMetrics', 'victoria-metrics');
  const server = await startLocalServer({
    name: 'victoria-metrics',
    binary,
    portCount: 1,
    prepare: (folder, [port]) => [
      `-storageDataPath=${join(folder, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      RETENTION,
      // Queries see just-written samples at once (the default hides the last 30 s).
      '-search.latencyOffset=0s',
      '-search.disableCache',
    ],
    isReady: ([port]) => vmIsHealthy(`http://127.0.0.1:${port}`),
    // VictoriaMetrics keeps the last seconds of accepted samples in memory (force_flush makes them
    // searchable, not durable): a SIGKILL would drop them, so kill() lets it shut down cleanly.
    killSignal: 'SIGTERM',
  });
  return { url: `http://127.0.0.1:${server.ports[0]}`, backend: server };
}

export async function startVictoriaMetrics(): Promise<VictoriaMetricsHandle> {
  const { url, backend } = await locateServer();
  return {
    url,
    exportSeries: (match) => exportSeries(url, match),
    stop: backend.stop,
    kill: backend.kill,
    start: backend.start,
  };
}
