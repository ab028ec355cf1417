// Raw ingest, the physical limit the loader and the whole pipeline are compared with: the same
// lines in 5,000-line files, posted by one curl process (keep-alive, 2 requests in flight).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CURL_BATCH = 5_000;
export const CURL_CONCURRENCY = 2;

/**
 * Writes `lines` into CURL_BATCH-line files (written beforehand, so the timing holds no
 * serialization) and the curl config that posts them to `url`'s /write into `database`.
 */
export function writeCurlBatches(
  url: string,
  database: string,
  lines: readonly string[],
  folder: string,
  tag = 'batch',
): string {
  const config: string[] = [];
  for (let start = 0, n = 0; start < lines.length; start += CURL_BATCH, n++) {
    const file = join(folder, `${tag}-${n}.lp`);
    writeFileSync(file, lines.slice(start, start + CURL_BATCH).join('\n'));
    config.push(
      `url = "${url}/write?db=${database}&precision=s"`,
      `data-binary = "@${file}"`,
      'output = "/dev/null"',
      'next',
    );
  }
  const configFile = join(folder, `${tag}.curl`);
  writeFileSync(configFile, config.slice(0, -1).join('\n'));
  return configFile;
}

/** Runs a config of writeCurlBatches; returns the wall time in ms. */
export function runCurl(configFile: string): number {
  const started = performance.now();
  execFileSync('curl', [
    '--silent',
    '--show-error',
    '--no-progress-meter',
    '--fail',
    '--parallel',
    '--parallel-max',
    String(CURL_CONCURRENCY),
    '-K',
    configFile,
  ]);
  return performance.now() - started;
}

export async function influxQuery(url: string, database: string, q: string): Promise<unknown> {
  const response = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q, db: database }),
  });
  return response.json();
}

export async function createDatabase(url: string, database: string): Promise<void> {
  await influxQuery(url, database, `CREATE DATABASE ${database}`);
}

export async function dropDatabase(url: string, database: string): Promise<void> {
  await influxQuery(url, database, `DROP DATABASE ${database}`);
}
