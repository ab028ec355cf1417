// One run of the chaos scenario (issue 10, "Proof"): a fleet of simulated systems, every dataset,
// a multi-week `enphase-etl backfill` helped by worker processes, then `enphase-etl start` for a
// fixed number of service rounds. The clean run does only that; the chaos run does the same while
// the schedule (schedule.ts) SIGKILLs workers, stops InfluxDB and restarts Redis, and the simulator
// answers with 5xx, 429 bursts, timeouts and malformed bodies. Like an operator, the scenario
// reruns a backfill that exited 1 ("rerun to resume"). Everything runs on the machine's clock:
// nothing asserted depends on the date (compare.ts compares settled intervals only).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MEASUREMENTS, SCHEMA, type MeasurementSchema } from '../../src/normalize/schema.js';
import type { FaultOptions, RunningSimulator } from '../../src/simulator/index.js';
import { apiHits, dumpInflux, type PointMap } from '../e2e/support.js';
import { simulatorEnv } from '../support/cli-env.js';
import { freePort } from '../support/ports.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';
import { parseWatermarks } from '../../src/state/watermarks.js';
import { unhandledLines, type Watermarks } from './compare.js';
import { processFactory, type Ending, type Supervised } from './processes.js';
import { describeEvent, type ChaosEvent } from './schedule.js';

/** The CLI's default key prefix: the commands and the workers share it, each run has its own Redis. */
export const KEY_PREFIX = 'enphase-etl';
/**
 * docs/operations.md, "Signals and exit codes": active jobs get up to 30 s after SIGINT/SIGTERM,
 * then are handed back; the loader is flushed and Redis closed. 5 s more for that closing.
 */
export const SHUTDOWN_BOUND_MS = 35_000;
/** A rerun after a failed backfill, as an operator would; more would hide a command that never succeeds. */
const MAX_BACKFILL_RUNS = 4;

export interface Variant {
  name: 'bounded' | 'long';
  seed: number;
  systems: number;
  days: number;
  workers: number;
  kills: number;
  influxOutageMs: number;
  serviceRounds: number;
  syncIntervalMs: number;
  /** The simulator's "minute" (a 429 burst's wait for `period_end` is at most this long). */
  simRateWindowMs: number;
  faults: FaultOptions;
  /** Extra API hits of the chaos run over the clean run, as a fraction, that fails the test. */
  extraHitsBound: number;
}

export interface RunResult {
  kind: 'clean' | 'chaos';
  startedMs: number;
  backfillMs: number;
  totalMs: number;
  hits: { backfill: number; service: number; total: number };
  backfillRuns: Array<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Waits that ran out: a command that did not end by itself, rounds that did not come. */
  stalls: string[];
  endings: Ending[];
  unhandled: string[];
  fired: string[];
  dump: PointMap;
  watermarks: Watermarks;
  endMs: number;
}

export interface Fleet {
  /** One simulator for both runs (faults switched on for the chaos run only). */
  sim: RunningSimulator;
  fromDate: string;
  folder: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves undefined once `progress()` has not changed for `quietMs` (a hang: no request sent for
 * that long), or with what `done` resolves to, whichever comes first. A run slowed by the chaos
 * (request timeouts, stalled jobs waiting for their lock) still sends requests: it is not a hang.
 */
async function endingOrHang<T>(
  done: Promise<T>,
  progress: () => number,
  quietMs: number,
): Promise<T | undefined> {
  let finished = false;
  const ended = done.then((value) => {
    finished = true;
    return value;
  });
  const watch = async (): Promise<undefined> => {
    let last = progress();
    let since = Date.now();
    while (!finished) {
      await sleep(1_000);
      const now = progress();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return undefined;
    }
    return undefined;
  };
  return Promise.race([ended, watch()]);
}

/** Measurements the pipeline writes for the data (not the service's own health). */
export const DATA_MEASUREMENTS = MEASUREMENTS.filter(
  (m) => (SCHEMA[m] as MeasurementSchema).writtenBy !== 'service',
);

function baseEnv(fleet: Fleet, redis: RedisHandle, influx: InfluxV1Handle): Record<string, string> {
  return { ...simulatorEnv(fleet.sim, redis, influx), LOG_LEVEL: 'warn' };
}

/** Stops Redis and brings it back with nothing: the AOF folder and any snapshot are removed. */
async function restartRedisEmpty(redis: RedisHandle): Promise<void> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let dir: string | undefined;
  try {
    await client.connect();
    dir = ((await client.config('GET', 'dir')) as string[])[1];
    if (dir === undefined || !existsSync(dir)) {
      // A server in a container: its folder is not ours to delete. Emptied just before the kill.
      await client.flushall();
      dir = undefined;
    }
  } finally {
    client.disconnect();
  }
  await redis.kill();
  if (dir !== undefined) {
    rmSync(join(dir, 'appendonlydir'), { recursive: true, force: true });
    rmSync(join(dir, 'dump.rdb'), { force: true });
  }
  await sleep(2_000);
  await redis.start();
}

async function roundsWritten(influx: InfluxV1Handle): Promise<number> {
  const series = await influx.query('SELECT count("round_at") FROM "pipeline"').catch(() => []);
  return Number(series[0]?.values[0]?.[1] ?? 0);
}

async function readWatermarks(redis: RedisHandle, ids: readonly number[]): Promise<Watermarks> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  try {
    const out: Watermarks = new Map();
    for (const id of ids) out.set(id, parseWatermarks(await client.hgetall(`${KEY_PREFIX}:v1:wm:${id}`)));
    return out;
  } finally {
    client.disconnect();
  }
}

export interface RunOptions {
  variant: Variant;
  kind: 'clean' | 'chaos';
  /** Chaos only: the events, offsets from the run's start. */
  events?: ChaosEvent[];
  /** How long one backfill run may go without any API request before it counts as hung (SIGINT). */
  patienceMs: number;
  log: (line: string) => void;
}

export async function runScenario(fleet: Fleet, options: RunOptions): Promise<RunResult> {
  const { variant, kind, log } = options;
  const [redis, influx] = await Promise.all([startRedis({ appendOnly: true }), startInfluxV1()]);
  const folder = join(fleet.folder, kind);
  const factory = processFactory(folder);
  const env = baseEnv(fleet, redis, influx);
  try {
    const stalls: string[] = [];
    const fired: string[] = [];
    const workers: Supervised[] = [];
    const generation: number[] = [];
    fleet.sim.setFaults(kind === 'chaos' ? variant.faults : {});
    fleet.sim.requestLog.clear();
    const startedMs = Date.now();
    const since = () => Date.now() - startedMs;
    const startWorker = (i: number) => {
      generation[i] = (generation[i] ?? 0) + 1;
      workers[i] = factory.worker(`worker${i + 1}-${generation[i]}`, env, KEY_PREFIX);
    };
    for (let i = 0; i < variant.workers; i += 1) startWorker(i);

    // The chaos driver: fires the events in order; the outage shifts the later ones by its length.
    // Once the service phase starts, the events still pending fire within its first rounds.
    const phase = { service: false, done: false };
    const drive = async (): Promise<void> => {
      let shift = 0;
      let last = 0;
      const pending = [...(options.events ?? [])];
      while (pending.length > 0 && !phase.done) {
        const event = pending[0]!;
        const gap = ((variant.serviceRounds - 1) * variant.syncIntervalMs) / (pending.length + 1);
        if (since() < event.atMs + shift && !(phase.service && since() >= last + gap)) {
          await sleep(100);
          continue;
        }
        pending.shift();
        last = since();
        fired.push(`${(last / 1000).toFixed(1)} s ${describeEvent(event)}`);
        log(`chaos: ${fired.at(-1)}`);
        if (event.kind === 'kill-worker') {
          await workers[event.worker]!.chaosKill();
          await sleep(500);
          startWorker(event.worker);
        } else if (event.kind === 'influx-outage') {
          await influx.kill();
          await sleep(event.forMs);
          await influx.start();
          shift += event.forMs;
        } else if (event.keep === 'aof') {
          await redis.kill();
          await sleep(2_000);
          await redis.start();
        } else {
          await restartRedisEmpty(redis);
        }
      }
    };
    const driver = drive().catch((error: unknown) => {
      stalls.push(`the chaos driver failed: ${(error as Error).message}`);
    });

    // Phase 1: the backfill, rerun while it exits 1.
    const backfillRuns: RunResult['backfillRuns'] = [];
    for (let run = 1; run <= MAX_BACKFILL_RUNS; run += 1) {
      const command = factory.command(
        `backfill-${run}`,
        ['backfill', '--system', 'all', '--from', fleet.fromDate],
        env,
      );
      let ending = await endingOrHang(command.exited, () => apiHits(fleet.sim), options.patienceMs);
      if (ending === undefined) {
        stalls.push(
          `backfill-${run} sent no request for ${Math.round(options.patienceMs / 1000)} s and did not end`,
        );
        log(`${kind}: ${stalls.at(-1)}; SIGINT`);
        ending = await command.stop('SIGINT', SHUTDOWN_BOUND_MS);
      }
      backfillRuns.push({ code: ending.code, signal: ending.signal, ms: ending.runMs });
      log(
        `${kind}: backfill-${run} exit ${ending.code ?? ending.signal} after ${(ending.runMs / 1000).toFixed(1)} s`,
      );
      if (ending.code === 0) break;
    }
    const backfillMs = since();
    const backfillHits = apiHits(fleet.sim);

    // Phase 2: the service, for a fixed number of rounds (so both runs pay for the same rounds).
    phase.service = true;
    const service = factory.command('start', ['start'], {
      ...env,
      SYNC_INTERVAL: `${variant.syncIntervalMs / 1000}s`,
      METRICS_PORT: String(await freePort()),
    });
    const roundsBefore = await roundsWritten(influx);
    const roundsDeadline = Date.now() + variant.serviceRounds * variant.syncIntervalMs + 120_000;
    for (;;) {
      const rounds = (await roundsWritten(influx)) - roundsBefore;
      if (rounds >= variant.serviceRounds) {
        await driver;
        break;
      }
      if (!service.running()) {
        stalls.push(`start ended by itself after ${rounds} round(s)`);
        break;
      }
      if (Date.now() > roundsDeadline) {
        stalls.push(`start made ${rounds} of ${variant.serviceRounds} rounds in time`);
        break;
      }
      await sleep(250);
    }
    phase.done = true;
    await driver;
    await service.stop('SIGTERM', SHUTDOWN_BOUND_MS);
    await Promise.all(workers.map((w) => w.stop('SIGTERM', SHUTDOWN_BOUND_MS)));
    const endMs = Date.now();
    const totalHits = apiHits(fleet.sim);

    const endings = await Promise.all(factory.all().map((p) => p.exited));
    const unhandled = factory
      .all()
      .flatMap((p) => unhandledLines(p.output()).map((line) => `${p.name}: ${line}`));
    const dump = await dumpInflux(influx, DATA_MEASUREMENTS);
    const watermarks = await readWatermarks(redis, fleet.sim.fleet.ids());
    return {
      kind,
      startedMs,
      backfillMs,
      totalMs: endMs - startedMs,
      hits: { backfill: backfillHits, service: totalHits - backfillHits, total: totalHits },
      backfillRuns,
      stalls,
      endings,
      unhandled,
      fired,
      dump,
      watermarks,
      endMs,
    };
  } finally {
    await factory.killAll();
    await Promise.all([redis.stop(), influx.stop()]);
  }
}
