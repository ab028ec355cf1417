// An InfluxDB 1.x for tests: from TEST_INFLUX_V1_URL, an influxdb:1.8 container, or a local
// influxd (1.6.7 from Debian). Every handle gets a database of its own.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { influxdConfig } from '../../src/commands/influxd-config.js';
import { externalBackend, type Backend } from './backend.js';
import { containerRuntimeAvailable, startServiceContainer } from './containers.js';
import { serviceUrlFromEnv } from './env.js';
import { findBinary, startLocalServer } from './local-server.js';
import { missingServiceError } from './missing.js';
import { uniqueId } from './unique.js';

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxV1Handle {
  url: string;
  /** A fresh database, created for this handle, so tests never share data. */
  database: string;
  /** Runs InfluxQL against `database` (timestamps in epoch seconds); throws on any error. */
  query(influxql: string): Promise<InfluxSeries[]>;
  /** Stops what this handle started; on an external server it drops the handle's database. */
  stop(): Promise<void>;
  /** SIGKILLs the server; data written before survives start() (the WAL is replayed). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folders. */
  start(): Promise<void>;
}

interface QueryResponse {
  error?: string;
  results?: { statement_id?: number; error?: string; series?: InfluxSeries[] }[];
}

async function influxAnswersPing(baseUrl: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/ping`, { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return response.status === 204;
}

/** POSTs InfluxQL (POST allows CREATE/DROP too) and returns every series of every statement. */
export async function influxQuery(
  baseUrl: string,
  influxql: string,
  database?: string,
): Promise<InfluxSeries[]> {
  const form = new URLSearchParams({ q: influxql, epoch: 's' });
  if (database !== undefined) form.set('db', database);
  const response = await fetch(`${baseUrl}/query`, { method: 'POST', body: form });
  const text = await response.text();
  let body: QueryResponse;
  try {
    body = JSON.parse(text) as QueryResponse;
  } catch {
    throw new Error(
      `InfluxDB answered ${response.status} to ${JSON.stringify(influxql)}: ${text.slice(0, 300)}`,
    );
  }
  const statementError = body.results?.find((result) => result.error !== undefined)?.error;
  if (!response.ok || body.error !== undefined || statementError !== undefined) {
    throw new Error(
      `InfluxDB rejected ${JSON.stringify(influxql)} (${response.status}): ${body.error ?? statementError ?? text}`,
    );
  }
  return (body.results ?? []).flatMap((result) => result.series ?? []);
}

async function locateServer(): Promise<{ url: string; backend: Backend; external: boolean }> {
  const external = serviceUrlFromEnv('influxV1');
  if (external !== undefined) return { url: external, backend: externalBackend('influxV1'), external: true };

  if (await containerRuntimeAvailable()) {
    const container = await startServiceContainer({
      image: 'influxdb:1.8',
      port: 8086,
      environment: { INFLUXDB_REPORTING_DISABLED: 'true', INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false' },
      isReady: (host, port) => influxAnswersPing(`http://${host}:${port}`),
    });
    return { url: `http://${container.host}:${container.port}`, backend: container, external: false };
  }

  const binary = findBinary('influxd');
  if (binary === undefined) throw missingServiceError('influxV1', 'InfluxDB 1.x', 'influxd');
  const server = await startLocalServer({
    name: 'influxd',
    binary,
    portCount: 2,
    prepare: async (folder, [httpPort = 0, rpcPort = 0]) => {
      const configFile = join(folder, 'influxdb.conf');
      await writeFile(configFile, influxdConfig(folder, httpPort, rpcPort));
      return ['-config', configFile];
    },
    isReady: ([httpPort]) => influxAnswersPing(`http://127.0.0.1:${httpPort}`),
  });
  return { url: `http://127.0.0.1:${server.ports[0]}`, backend: server, external: false };
}

export async function startInfluxV1(): Promise<InfluxV1Handle> {
  const { url, backend, external } = await locateServer();
  const database = `test_${uniqueId()}`;
  try {
    await influxQuery(url, `CREATE DATABASE "${database}"`);
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return {
    url,
    database,
    query: (influxql) => influxQuery(url, influxql, database),
    kill: backend.kill,
    start: backend.start,
    stop: external
      ? () => influxQuery(url, `DROP DATABASE "${database}"`).then(() => undefined)
      : backend.stop,
  };
}
