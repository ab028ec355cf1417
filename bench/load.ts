// Loader throughput vs raw curl, and peak RSS under a slow InfluxDB (issue 5's benchmark).
// Run: node --import tsx bench/load.ts [--lines 600000] [--rounds 4] [--rss-lines 1000000]
// (--rounds 0 measures only the memory under a slow InfluxDB).
// Needs influxd and curl (see docs/benchmarks.md for a recorded run).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLoader } from '../src/loaders/index.js';
import { createLogger } from '../src/log.js';
import { tsxArgs } from '../test/support/node-child.js';
import { startInfluxV1 } from '../test/support/services.js';
import {
  CURL_BATCH as BATCH,
  CURL_CONCURRENCY as CONCURRENCY,
  createDatabase,
  runCurl,
  writeCurlBatches,
} from './load/curl.js';
import { systemLines } from './load/lines.js';
import { startSlowProxy } from './load/slow-proxy.js';

const POINTS_PER_SYSTEM = 10_000;
const logger = createLogger({ level: 'warn', name: 'bench' }, process.stderr);

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '600000' },
    rounds: { type: 'string', default: '4' },
    'rss-lines': { type: 'string', default: '1000000' },
    'rss-child': { type: 'string' },
    'buffer-lines': { type: 'string' },
  },
});

function allLines(total: number): string[] {
  const lines: string[] = [];
  for (let system = 1; lines.length < total; system++)
    lines.push(...systemLines(system, Math.min(POINTS_PER_SYSTEM, total - lines.length)));
  return lines;
}

async function count(url: string, database: string): Promise<number> {
  const form = new URLSearchParams({ q: 'SELECT count(energy_wh) FROM production', db: database });
  const body = (await (await fetch(`${url}/query`, { method: 'POST', body: form })).json()) as {
    results: { series?: { values: [string, number][] }[] }[];
  };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

/** One curl process, keep-alive, CONCURRENCY requests in parallel: the physical limit here. */
function rawCurl(url: string, database: string, lines: string[], folder: string): number {
  return runCurl(writeCurlBatches(url, database, lines, folder));
}

async function throughLoader(url: string, database: string, lines: string[]): Promise<number> {
  const loader = createLoader(
    { url, api: 'v1', database, bucket: 'unused' },
    { batchSize: BATCH, concurrency: CONCURRENCY },
    logger,
  );
  const started = performance.now();
  await loader.write(lines);
  await loader.flush();
  const elapsed = performance.now() - started;
  await loader.close();
  return elapsed;
}

/** Child mode: writes through a slow proxy, sampling RSS; prints one JSON line. */
async function rssChild(target: string): Promise<void> {
  const [url, database] = target.split('|') as [string, string];
  const bufferLines = Number(args['buffer-lines']);
  const total = Number(args.lines);
  const proxy = await startSlowProxy(url, 150);
  const loader = createLoader(
    { url: proxy.url, api: 'v1', database, bucket: 'unused' },
    { batchSize: BATCH, concurrency: CONCURRENCY, maxBufferedLines: bufferLines },
    logger,
  );
  const samples: { progress: number; rssMb: number; heapMb: number }[] = [];
  let written = 0;
  // Progress is what InfluxDB acknowledged, so samples spread over the whole run.
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    samples.push({
      progress: loader.stats().delivered / total,
      rssMb: memory.rss / 2 ** 20,
      heapMb: memory.heapUsed / 2 ** 20,
    });
  }, 50);
  const started = performance.now();
  // The pipeline: a day of one system at a time, as the extractors produce them.
  for (let system = 1; written < total; system++) {
    for (let offset = 0; offset < POINTS_PER_SYSTEM && written < total; offset += 288) {
      const window = systemLines(system, Math.min(288, total - written), offset);
      await loader.write(window);
      written += window.length;
    }
  }
  await loader.flush();
  const seconds = (performance.now() - started) / 1_000;
  clearInterval(sampler);
  const memory = process.memoryUsage();
  samples.push({ progress: 1, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20 });
  await loader.close();
  await proxy.stop();
  const at = (p: number, pick: 'rssMb' | 'heapMb') =>
    samples.find((x) => x.progress >= p)?.[pick] ?? Number.NaN;
  const marks = [0.1, 0.25, 0.5, 0.75, 0.99];
  console.log(
    JSON.stringify({
      bufferLines,
      seconds,
      rssAt: marks.map((p) => at(p, 'rssMb')),
      heapAt: marks.map((p) => at(p, 'heapMb')),
      peak: Math.max(...samples.map((x) => x.rssMb)),
    }),
  );
}

function runRssChild(url: string, database: string, bufferLines: number, lines: number) {
  return new Promise<{
    bufferLines: number;
    seconds: number;
    rssAt: number[];
    heapAt: number[];
    peak: number;
  }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      tsxArgs(
        process.argv[1] as string,
        '--rss-child',
        `${url}|${database}`,
        '--buffer-lines',
        String(bufferLines),
        '--lines',
        String(lines),
      ),
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`rss child exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const total = Number(args.lines);
  const rounds = Number(args.rounds);
  const influx = await startInfluxV1();
  const folder = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const url = influx.url;
  try {
    if (rounds > 0) await throughput(url, total, rounds, folder);
    const rssLines = Number(args['rss-lines']);
    await createDatabase(url, 'rss');
    // The bounded buffer against one that holds everything (the limit set to all the lines).
    for (const bufferLines of [20_000, rssLines]) {
      const r = await runRssChild(url, 'rss', bufferLines, rssLines);
      console.log(
        `slow InfluxDB (150 ms per request), ${rssLines} lines, maxBufferedLines ${bufferLines}: ` +
          `${r.seconds.toFixed(1)} s; at 10/25/50/75/99 % acknowledged: RSS MB ${r.rssAt.map((m) => m.toFixed(0)).join(' / ')}, ` +
          `heap used MB ${r.heapAt.map((m) => m.toFixed(0)).join(' / ')}; peak RSS ${r.peak.toFixed(0)} MB`,
      );
    }
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ` +
        `load average at the end: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await influx.stop();
  }
}

/** Loader vs raw curl into fresh databases, `rounds` times, order alternating. */
async function throughput(url: string, total: number, rounds: number, folder: string): Promise<void> {
  const lines = allLines(total);
  const raw: number[] = [];
  const loader: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const rawDb = `raw_${round}`;
    const loaderDb = `loader_${round}`;
    await createDatabase(url, rawDb);
    await createDatabase(url, loaderDb);
    // Alternate who goes first: influxd compacts the previous run's data in the background, which
    // would otherwise always slow down the second one.
    if (round % 2 === 0) {
      raw.push(rawCurl(url, rawDb, lines, folder));
      loader.push(await throughLoader(url, loaderDb, lines));
    } else {
      loader.push(await throughLoader(url, loaderDb, lines));
      raw.push(rawCurl(url, rawDb, lines, folder));
    }
    for (const db of [rawDb, loaderDb]) {
      const n = await count(url, db);
      if (n !== total) throw new Error(`${db} holds ${n} points, expected ${total}`);
    }
  }
  const rate = (ms: number) => Math.round(total / (ms / 1_000));
  const bestRaw = rate(Math.min(...raw));
  const bestLoader = rate(Math.min(...loader));
  console.log(`lines: ${total}, batch ${BATCH}, ${CONCURRENCY} in flight, rounds: ${rounds}`);
  console.log(`raw curl   points/s per round: ${raw.map(rate).join(', ')} (best ${bestRaw})`);
  console.log(`loader v1  points/s per round: ${loader.map(rate).join(', ')} (best ${bestLoader})`);
  // Rounds run back to back under the same machine load, so the ratio within a round is the
  // fairer figure on a shared machine; the median of those is the headline.
  const paired = raw.map((r, i) => r / (loader[i] as number)).sort((a, b) => a - b);
  const middle = Math.floor(paired.length / 2);
  const median =
    paired.length % 2 === 1
      ? (paired[middle] as number)
      : ((paired[middle - 1] as number) + (paired[middle] as number)) / 2;
  console.log(
    `loader / raw per round: ${raw.map((r, i) => `${((r / (loader[i] as number)) * 100).toFixed(0)} %`).join(', ')}`,
  );
  console.log(
    `loader / raw: median of rounds ${(median * 100).toFixed(1)} %, best of each ${((bestLoader / bestRaw) * 100).toFixed(1)} %`,
  );
}

if (args['rss-child'] !== undefined) await rssChild(args['rss-child']);
else await main();
