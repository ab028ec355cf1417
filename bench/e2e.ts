// End to end: the `backfill` command (a child process, from dist/) loading one system with N
// microinverters over D days, every dataset, against the simulator (a child process of its own,
// limits out of the way) into influxd 1.x — compared in the same round with raw curl posting the
// same points (captured once from a warm-up backfill) into a fresh database; and the backfill's
// peak RSS, sampled from /proc. Issue 13's benchmark.
//
//   node --import tsx bench/e2e.ts [--micros 100] [--days 60] [--rounds 5]
//   node --import tsx bench/e2e.ts --rss-only --days 7,730 [--rounds 1]
//   node --import tsx bench/e2e.ts --rounds 1 --child-node-args='--cpu-prof --cpu-prof-dir=/tmp/p'
//   node --import tsx bench/e2e.ts --bin /tmp/before/bin/enphase-etl.js   (another build)
//
// Build first (`npm run build`): the backfill runs bin/enphase-etl.js. Needs redis-server, influxd
// and curl (test/support finds or starts them). Run it under `flock /work/wt/bench.lock` on a
// shared machine.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startInfluxV1, startRedis } from '../test/support/services.js';
import { startCaptureProxy } from './load/capture-proxy.js';
import {
  CURL_BATCH,
  CURL_CONCURRENCY,
  createDatabase,
  dropDatabase,
  influxQuery,
  runCurl,
  writeCurlBatches,
} from './load/curl.js';

const SYSTEM_ID = 100_001; // Los Angeles: battery, meters, an EV charger — every dataset applies.
const SAMPLE_MS = 20;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    micros: { type: 'string', default: '100' },
    days: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '5' },
    'rss-only': { type: 'boolean', default: false },
    'child-node-args': { type: 'string', default: '' },
    /** Appends each backfill's stdout and stderr to this file (e.g. with --trace-gc). */
    'child-log': { type: 'string' },
    /** Extra environment of the backfill, `K=V,K=V` (e.g. INFLUX_MAX_BUFFERED_LINES=20000). */
    'child-env': { type: 'string', default: '' },
    'serve-simulator': { type: 'boolean', default: false },
    /** Another build's bin/enphase-etl.js (a copy of bin/, dist/, openapi/ and package.json beside node_modules). */
    bin: { type: 'string' },
  },
});
const CLI = args.bin ?? join(ROOT, 'bin', 'enphase-etl.js');

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

async function startSimChild(): Promise<{ child: ChildProcess; url: string; pair: TokenPair }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-simulator', '--micros', String(args.micros)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; pair: TokenPair }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { child, ...ready };
}

/** utime + stime of a process in seconds (/proc/<pid>/stat), or NaN once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** Our child processes named `comm` (influxd, redis-server started by test/support). */
function childPid(comm: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === comm && ppid === process.pid) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function statusKb(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
}

interface BackfillRun {
  seconds: number;
  /** max of VmRSS samples every SAMPLE_MS, and the kernel's high-water mark (last read), MiB */
  peakRssMb: number;
  hwmMb: number;
  cpuSeconds: number;
  points: number;
  stdout: string;
}

interface Env {
  simUrl: string;
  pair: TokenPair;
  redisUrl: string;
}

function dates(days: number): { from: string; to: string } {
  // Two days back in UTC: a whole local day in Los Angeles, settled, whatever the hour.
  const toMs = Date.now() - 2 * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(toMs - (days - 1) * 86_400_000), to: iso(toMs) };
}

function runBackfill(env: Env, influxUrl: string, database: string, days: number): Promise<BackfillRun> {
  const { from, to } = dates(days);
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ENPHASE_API_URL: env.simUrl,
    ENPHASE_API_KEY: 'sim-key',
    ENPHASE_CLIENT_ID: 'sim-client',
    ENPHASE_CLIENT_SECRET: 'sim-secret',
    ENPHASE_PLAN: 'partner',
    ENPHASE_RATE_PER_MINUTE: '1000000000',
    ENPHASE_ACCESS_TOKEN: env.pair.access_token,
    ENPHASE_REFRESH_TOKEN: env.pair.refresh_token,
    REDIS_URL: env.redisUrl,
    // A fresh prefix: no watermark, registry or token of an earlier round, a full backfill.
    REDIS_KEY_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
    INFLUX_URL: influxUrl,
    INFLUX_API: 'v1',
    INFLUX_DATABASE: database,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(
      String(args['child-env'])
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      // Node's own flags before the script (--cpu-prof is not allowed in NODE_OPTIONS).
      [
        ...String(args['child-node-args']).split(' ').filter(Boolean),
        CLI,
        'backfill',
        '--system',
        String(SYSTEM_ID),
        '--from',
        from,
        '--to',
        to,
      ],
      { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const pid = child.pid as number;
    let peakKb = 0;
    let hwmKb = 0;
    let cpu = 0;
    const sample = (): void => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, statusKb(status, 'VmRSS') || 0);
        hwmKb = Math.max(hwmKb, statusKb(status, 'VmHWM') || 0);
        const c = cpuSeconds(pid);
        if (!Number.isNaN(c)) cpu = c;
      } catch {
        // exited between two samples
      }
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1_000;
      clearInterval(sampler);
      if (args['child-log']) appendFileSync(args['child-log'], `--- ${database}\n${stdout}${stderr}`);
      if (code !== 0) {
        reject(new Error(`backfill exited ${code}:\n${stdout}\n${stderr.slice(-4_000)}`));
        return;
      }
      const points = Number(/([\d,]+) points/.exec(stdout)?.[1]?.replaceAll(',', '') ?? Number.NaN);
      resolve({ seconds, peakRssMb: peakKb / 1024, hwmMb: hwmKb / 1024, cpuSeconds: cpu, points, stdout });
    });
  });
}

/** Field values stored in a database (count(*) over every measurement), to compare two databases. */
async function fieldValues(url: string, database: string): Promise<number> {
  const body = (await influxQuery(url, database, 'SELECT count(*) FROM /.*/')) as {
    results: { series?: { values: (string | number)[][] }[] }[];
  };
  let total = 0;
  for (const series of body.results[0]?.series ?? [])
    for (const row of series.values) for (const v of row.slice(1)) total += typeof v === 'number' ? v : 0;
  return total;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const mb = (n: number): string => n.toFixed(0);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  if (!existsSync(join(dirname(CLI), '..', 'dist', 'cli.js')))
    throw new Error(`${CLI}: no dist/cli.js beside it (build first: npm run build)`);
  const micros = Number(args.micros);
  const rounds = Number(args.rounds);
  const daysList = String(args.days).split(',').map(Number);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `node ${process.version}; ${new Date().toISOString()}; load average at the start: ${load()}`,
  );
  const redis = await startRedis();
  const influx = await startInfluxV1();
  const sim = await startSimChild();
  const simPid = sim.child.pid as number;
  const influxPid = childPid('influxd');
  const env: Env = { simUrl: sim.url, pair: sim.pair, redisUrl: redis.url };
  const folder = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  try {
    if (args['rss-only']) {
      console.log(
        `RSS only: system ${SYSTEM_ID}, ${micros} micros, days ${daysList.join(', ')}, rounds ${rounds}`,
      );
      for (const days of daysList) {
        for (let round = 0; round < rounds; round++) {
          const db = `e2e_rss_${days}_${round}`;
          await createDatabase(influx.url, db);
          const before = load();
          const r = await runBackfill(env, influx.url, db, days);
          console.log(
            `${days} days, round ${round + 1}: ${fmt(r.points)} points in ${r.seconds.toFixed(1)} s ` +
              `(${fmt(r.points / r.seconds)} points/s); peak RSS ${mb(r.peakRssMb)} MiB (VmHWM ${mb(r.hwmMb)}); ` +
              `backfill CPU ${r.cpuSeconds.toFixed(1)} s; load ${before} → ${load()}`,
          );
          await dropDatabase(influx.url, db);
        }
      }
      return;
    }
    const days = daysList[0] as number;
    // The warm-up: JIT-free caches on the simulator side, the file cache, and the points to replay.
    const proxy = await startCaptureProxy(influx.url);
    await createDatabase(influx.url, 'e2e_capture');
    const warm = await runBackfill(env, proxy.url, 'e2e_capture', days);
    await proxy.stop();
    const lines = proxy.lines;
    await dropDatabase(influx.url, 'e2e_capture');
    console.log(
      `system ${SYSTEM_ID}, ${micros} micros, ${days} days (${dates(days).from} to ${dates(days).to}), every dataset; ` +
        `warm-up backfill: ${fmt(warm.points)} points, ${fmt(lines.length)} lines captured, ${warm.seconds.toFixed(1)} s, ` +
        `peak RSS ${mb(warm.peakRssMb)} MiB`,
    );
    console.log(`curl: ${CURL_BATCH}-line files, ${CURL_CONCURRENCY} in flight, keep-alive`);
    const results: Array<{ raw: number; e2e: number; run: BackfillRun; simCpu: number; influxCpu: number }> =
      [];
    for (let round = 0; round < rounds; round++) {
      const rawDb = `e2e_raw_${round}`;
      const bfDb = `e2e_bf_${round}`;
      await createDatabase(influx.url, rawDb);
      await createDatabase(influx.url, bfDb);
      const curlConfig = writeCurlBatches(influx.url, rawDb, lines, folder, `round-${round}`);
      const before = load();
      let rawMs = 0;
      let run: BackfillRun | undefined;
      let simCpu = 0;
      let influxCpu = 0;
      const backfillStep = async (): Promise<void> => {
        const sim0 = cpuSeconds(simPid);
        const influx0 = influxPid ? cpuSeconds(influxPid) : Number.NaN;
        run = await runBackfill(env, influx.url, bfDb, days);
        simCpu = cpuSeconds(simPid) - sim0;
        influxCpu = influxPid ? cpuSeconds(influxPid) - influx0 : Number.NaN;
      };
      // Alternate who goes first: influxd compacts the previous writer's data in the background.
      if (round % 2 === 0) {
        await backfillStep();
        rawMs = runCurl(curlConfig);
      } else {
        rawMs = runCurl(curlConfig);
        await backfillStep();
      }
      const r = run as unknown as BackfillRun;
      const [rawValues, bfValues] = [
        await fieldValues(influx.url, rawDb),
        await fieldValues(influx.url, bfDb),
      ];
      const raw = lines.length / (rawMs / 1_000);
      const e2e = lines.length / r.seconds;
      results.push({ raw, e2e, run: r, simCpu, influxCpu });
      console.log(
        `round ${round + 1} (${round % 2 === 0 ? 'backfill first' : 'curl first'}): raw curl ${fmt(raw)} points/s ` +
          `(${(rawMs / 1_000).toFixed(1)} s), backfill ${fmt(e2e)} points/s (${r.seconds.toFixed(1)} s, ` +
          `${fmt(r.points)} points), ratio ${(e2e / raw).toFixed(2)}; peak RSS ${mb(r.peakRssMb)} MiB ` +
          `(VmHWM ${mb(r.hwmMb)}); CPU s during the backfill: backfill ${r.cpuSeconds.toFixed(1)}, ` +
          `simulator ${simCpu.toFixed(1)}, influxd ${influxCpu.toFixed(1)}; field values raw ${fmt(rawValues)} / ` +
          `backfill ${fmt(bfValues)}${rawValues === bfValues ? '' : ' DIFFER'}; load ${before} → ${load()}`,
      );
      await dropDatabase(influx.url, rawDb);
      await dropDatabase(influx.url, bfDb);
      for (const f of readdirSync(folder)) rmSync(join(folder, f));
    }
    const ratios = results.map((x) => x.e2e / x.raw);
    console.log(
      `median of ${rounds} rounds: raw curl ${fmt(median(results.map((x) => x.raw)))} points/s, backfill ` +
        `${fmt(median(results.map((x) => x.e2e)))} points/s, ratio ${median(ratios).toFixed(2)} ` +
        `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); peak RSS median ` +
        `${mb(median(results.map((x) => x.run.peakRssMb)))} MiB (${mb(Math.min(...results.map((x) => x.run.peakRssMb)))}–` +
        `${mb(Math.max(...results.map((x) => x.run.peakRssMb)))}); simulator CPU / backfill wall ` +
        `${median(results.map((x) => x.simCpu / x.run.seconds)).toFixed(2)} cores, backfill ` +
        `${median(results.map((x) => x.run.cpuSeconds / x.run.seconds)).toFixed(2)}, influxd ` +
        `${median(results.map((x) => x.influxCpu / x.run.seconds)).toFixed(2)}`,
    );
  } finally {
    console.log(`load average at the end: ${load()}`);
    rmSync(folder, { recursive: true, force: true });
    sim.child.disconnect();
    await new Promise((resolve) => sim.child.once('exit', resolve));
    await influx.stop();
    await redis.stop();
  }
}

if (args['serve-simulator']) {
  const { startSimulator } = await import('../src/simulator/index.js');
  const sim = await startSimulator({
    systems: 1,
    micros: Number(args.micros),
    limits: { partner: { perMinute: 1_000_000_000, perMonth: null } },
  });
  process.send?.({ url: sim.url, pair: sim.issueTokenPair() });
  process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
} else {
  await main();
}
