// Normalization + plausibility + line-protocol throughput on one core (issue 4's benchmark).
// Run: node --import tsx bench/normalize.ts [--days 7] [--micros 20] [--seconds 5]
//
// A realistic mix: one system with `micros` microinverters, two Encharges and revenue-grade
// meters, `days` days of every interval endpoint as the API returns them (per-micro 5-minute
// telemetry dominates, as it does in a real backfill), plus its lifetime series. The responses
// are built in memory first; only normalize + toLineProtocol is timed. One response is
// normalized and serialized at a time, so memory stays proportional to one response.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { NORMALIZERS } from '../src/datasets/normalizers.js';
import { toLineProtocol, type NormalizeContext } from '../src/normalize/index.js';
import { PlausibilityCheck, plausibilityLimits } from '../src/normalize/plausibility.js';

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    micros: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
  },
});
const DAYS = Number(args.days);
const MICROS = Number(args.micros);
const SECONDS = Number(args.seconds);

const DAY = 86_400;
const START = Date.UTC(2026, 9, 1) / 1000; // 2026-10-01T00:00Z
const ZONE = 'Australia/Sydney';

type Op = keyof typeof NORMALIZERS;
interface Job {
  op: Op;
  body: unknown;
  ctx: NormalizeContext;
}

// A deterministic pseudo-random source: the same mix on every run.
let seed = 42;
const rand = (max: number) => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed % max;
};
// Enphase's end_at is sometimes a few seconds off the grid.
const jitter = () => (rand(10) === 0 ? rand(30) : 0);

function intervals<T>(dayStart: number, length: number, make: (end: number) => T): T[] {
  const out: T[] = [];
  for (let end = dayStart + length; end <= dayStart + DAY; end += length) out.push(make(end + jitter()));
  return out;
}

function buildJobs(): Job[] {
  const jobs: Job[] = [];
  const ctx: NormalizeContext = { systemId: 698905955, timeZone: ZONE, now: START + (DAYS + 1) * DAY };
  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY;
    const window = { from: day, to: day + DAY };
    const c = { ...ctx, window };
    jobs.push({
      op: 'getProductionMicroTelemetry',
      body: {
        intervals: intervals(day, 300, (end_at) => ({
          end_at,
          devices_reporting: MICROS,
          powr: rand(4000),
          enwh: rand(400),
        })),
      },
      ctx: c,
    });
    for (let m = 0; m < MICROS; m++) {
      jobs.push({
        op: 'getMicroTelemetry',
        body: {
          serial_number: `4820${String(m).padStart(8, '0')}`,
          intervals: intervals(day, 300, (end_at) => ({ end_at, powr: rand(300), enwh: rand(30) })),
        },
        ctx: { ...c, serial: `4820${String(m).padStart(8, '0')}` },
      });
    }
    jobs.push({
      op: 'getProductionMeterTelemetry',
      body: {
        intervals: intervals(day, 900, (end_at) => ({ end_at, devices_reporting: 1, wh_del: rand(1200) })),
      },
      ctx: c,
    });
    jobs.push({
      op: 'getConsumptionMeterTelemetry',
      body: {
        intervals: intervals(day, 900, (end_at) => ({ end_at, devices_reporting: 1, enwh: rand(900) })),
      },
      ctx: c,
    });
    jobs.push({
      op: 'getBatteryTelemetry',
      body: {
        intervals: intervals(day, 900, (end_at) => ({
          end_at,
          charge: { enwh: rand(500), devices_reporting: 2 },
          discharge: { enwh: rand(500), devices_reporting: 2 },
          soc: { percent: rand(100), devices_reporting: 2 },
        })),
      },
      ctx: c,
    });
    for (const serial of ['492205005191', '492217007127']) {
      jobs.push({
        op: 'getEnchargeTelemetry',
        body: {
          serial_number: serial,
          intervals: intervals(day, 900, (end_at) => ({
            end_at,
            charge: { enwh: rand(250) },
            discharge: { enwh: rand(250) },
            soc: { percent: rand(100) },
          })),
        },
        ctx: { ...c, serial },
      });
    }
    jobs.push({
      op: 'getRgmStats',
      body: {
        intervals: intervals(day, 900, (end_at) => ({ end_at, wh_del: rand(1200), devices_reporting: 2 })),
        meter_intervals: ['1218676784', '1218676791'].map((meter) => ({
          meter_serial_number: meter,
          envoy_serial_number: '1218347675',
          intervals: intervals(day, 900, (end_at) => ({
            channel: 1,
            end_at,
            wh_del: rand(600),
            curr_w: rand(2400),
          })),
        })),
      },
      ctx: c,
    });
    for (const [op, key] of [
      ['getEnergyImportTelemetry', 'wh_imported'],
      ['getEnergyExportTelemetry', 'wh_exported'],
    ] as const) {
      jobs.push({
        op,
        body: {
          intervals: [0, 1].map(() => intervals(day, 900, (end_at) => ({ end_at, [key]: rand(400) }))),
        },
        ctx: c,
      });
    }
  }
  // Lifetime series: one request each for a year.
  const year = () => Array.from({ length: 365 }, () => rand(30_000));
  const life = { ...ctx, now: START };
  jobs.push({
    op: 'getEnergyLifetime',
    body: {
      start_date: '2025-09-01',
      meter_start_date: '2025-09-03',
      production: year(),
      micro_production: year(),
      meter_production: year(),
    },
    ctx: life,
  });
  jobs.push({
    op: 'getConsumptionLifetime',
    body: { start_date: '2025-09-01', consumption: year() },
    ctx: life,
  });
  jobs.push({
    op: 'getBatteryLifetime',
    body: { start_date: '2025-09-01', charge: year(), discharge: year() },
    ctx: life,
  });
  return jobs;
}

/**
 * Normalizes, checks the plausibility bounds of (as sync does, one check per response window)
 * and serializes every response once; returns points and bytes of line protocol.
 */
function pass(jobs: readonly Job[]): { points: number; bytes: number } {
  let points = 0;
  let bytes = 0;
  for (const job of jobs) {
    const normalize = NORMALIZERS[job.op] as (
      body: unknown,
      ctx: NormalizeContext,
    ) => ReturnType<(typeof NORMALIZERS)[Op]>;
    const limits = plausibilityLimits({ operationalAt: null, micros: MICROS, now: START + (DAYS + 1) * DAY });
    const out = new PlausibilityCheck(limits).filter(normalize(job.body, job.ctx)).points;
    for (let i = 0; i < out.length; i++) bytes += toLineProtocol(out[i]!).length + 1;
    points += out.length;
  }
  return { points, bytes };
}

const jobs = buildJobs();
const once = pass(jobs); // warm-up (JIT) and the size of one pass
const byOp = new Map<string, number>();
for (const job of jobs) {
  const normalize = NORMALIZERS[job.op] as (body: unknown, ctx: NormalizeContext) => unknown[];
  byOp.set(job.op, (byOp.get(job.op) ?? 0) + normalize(job.body, job.ctx).length);
}

let points = 0;
let bytes = 0;
let passes = 0;
const heapBefore = process.memoryUsage().heapUsed;
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < SECONDS) {
  const r = pass(jobs);
  points += r.points;
  bytes += r.bytes;
  passes++;
  elapsed = Number(process.hrtime.bigint() - started) / 1e9;
}
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// On a shared machine the wall clock counts time the process waited for a core; the CPU time
// the process used is what one core delivers (GC helper threads included, so it is pessimistic).
const rate = points / cpuSeconds;

const mix = [...byOp.entries()]
  .sort((a, b) => b[1] - a[1])
  .map(
    ([op, n]) =>
      `  ${op.padEnd(30)} ${String(n).padStart(7)} points (${((100 * n) / once.points).toFixed(1)} %)`,
  )
  .join('\n');
console.log(`normalize + plausibility + toLineProtocol, one core
machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}, node ${process.version}
mix: ${jobs.length} responses, ${once.points} points per pass (${DAYS} days, ${MICROS} micros), ${(once.bytes / once.points).toFixed(0)} bytes/line
${mix}
${passes} passes, ${points} points in ${elapsed.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU
throughput: ${Math.round(rate).toLocaleString('en-US')} points per CPU-second (${(bytes / cpuSeconds / 1e6).toFixed(0)} MB/s of line protocol)
wall clock: ${Math.round(points / elapsed).toLocaleString('en-US')} points/s (lower when other processes share the cores)
heap change over the run: ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB`);
