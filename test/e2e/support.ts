// Shared by the orchestration tests: the simulator (fixed or advancing clock), a real Redis and a
// real influxd from the harness, a Runtime wired to them exactly as the commands wire theirs, the
// simulator's truth for every measurement of DESIGN §4, and a dump of what InfluxDB holds.
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/jobs/runtime.js';
import { createLogger, type Logger } from '../../src/log.js';
import { addDays, localDate, localMidnight } from '../../src/normalize/time.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import type { DailyKind } from '../../src/simulator/model/daily.js';
import { simulatorEnv } from '../support/cli-env.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';

/** 2026-04-10 06:00 UTC (the extractor tests' instant: Sydney's DST end lies in the month before). */
export const NOW_MS = Date.UTC(2026, 3, 10, 6, 0, 0);
export const DAY = 86_400;

export const HIGH_LIMITS = Object.fromEntries(
  (['watt', 'kilowatt', 'megawatt', 'partner'] as const).map((plan) => [
    plan,
    { perMinute: 1_000_000, perMonth: null },
  ]),
);

export interface E2eWorld {
  sim: RunningSimulator;
  redis: RedisHandle;
  influx: InfluxV1Handle;
  clock: { ms: number };
  /** An advancing clock's distance from the machine's (0 on the machine's clock): for child processes. */
  clockOffsetMs: number;
  env: Record<string, string>;
  config(extra?: Record<string, string>): Config;
  runtime(options?: Partial<RuntimeOptions> & { env?: Record<string, string> }): Runtime;
  stop(): Promise<void>;
}

export const silentLogger = (): Logger => createLogger({ level: 'silent' });

/** A logger whose JSON lines are kept in memory. */
export function memoryLogger(level = 'info'): { logger: Logger; lines(): Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger({ level }, stream),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export async function startE2eWorld(
  simOptions: SimulatorOptions = {},
  options: { advancingClock?: boolean; advancingFrom?: number } = {},
): Promise<E2eWorld> {
  const clock = { ms: NOW_MS };
  const [redis, influx] = await Promise.all([startRedis(), startInfluxV1()]);
  // Advancing from a fixed instant: real time passes, but the date is the test's choice.
  const clockOffsetMs = options.advancingFrom === undefined ? 0 : options.advancingFrom - Date.now();
  const now =
    options.advancingFrom !== undefined
      ? () => Date.now() + clockOffsetMs
      : options.advancingClock
        ? undefined
        : () => clock.ms;
  const sim = await startSimulator({
    systems: 5,
    seed: 7,
    limits: HIGH_LIMITS,
    ...(now ? { now } : {}),
    ...simOptions,
  });
  const env = simulatorEnv(sim, redis, influx);
  const config = (extra: Record<string, string> = {}) => parseConfig({ ...env, ...extra });
  return {
    sim,
    redis,
    influx,
    clock,
    clockOffsetMs,
    env,
    config,
    runtime(opts = {}) {
      const { env: extra, ...rest } = opts;
      return createRuntime(config(extra), {
        logger: silentLogger(),
        keyPrefix: redis.prefix,
        onQuotaExhausted: 'throw',
        loader: { flushIntervalMs: 50 },
        ...(now ? { now } : {}),
        ...rest,
      });
    },
    async stop() {
      await sim.close();
      await Promise.all([redis.stop(), influx.stop()]);
    },
  };
}

/** Requests the simulator answered on API routes (OAuth and the admin routes left out). */
export function apiHits(sim: RunningSimulator): number {
  return sim.requestLog.entries().filter((e) => e.route.startsWith('/api/v4/')).length;
}

export type PointMap = Map<string, Record<string, unknown>>;

function pointKey(measurement: string, tags: Record<string, string>, time: number): string {
  const tagText = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
  return `${measurement}|${tagText}|${time}`;
}

/** Everything InfluxDB holds for these measurements: key → fields (nulls left out). */
export async function dumpInflux(influx: InfluxV1Handle, measurements: readonly string[]): Promise<PointMap> {
  const out: PointMap = new Map();
  for (const measurement of measurements) {
    const series = await influx.query(`SELECT * FROM "${measurement}" GROUP BY *`);
    for (const s of series) {
      const tags = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
      for (const row of s.values) {
        const fields: Record<string, unknown> = {};
        s.columns.forEach((column, i) => {
          if (column !== 'time' && row[i] !== null && row[i] !== undefined) fields[column] = row[i];
        });
        out.set(pointKey(measurement, tags, row[0] as number), fields);
      }
    }
  }
  return out;
}

export const TRUTH_MEASUREMENTS = [
  'production',
  'rgm',
  'rgm_meter',
  'consumption',
  'battery',
  'grid',
  'energy_daily',
  'micro',
  'battery_device',
] as const;

/**
 * The simulator's truth at `nowMs` for system `id`, interval starts in [from, alignDown(now)) and
 * local days from `fromDate` to yesterday: what a backfill from `fromDate` must leave in InfluxDB.
 */
export function truthFor(sim: RunningSimulator, id: number, fromDate: string, nowMs: number): PointMap {
  const fleet = sim.fleet;
  const profile = fleet.system(id)!;
  const zone = profile.place.timezone;
  const now = Math.floor(nowMs / 1000);
  const out: PointMap = new Map();
  const put = (m: string, tags: Record<string, string>, time: number, fields: Record<string, unknown>) => {
    const key = pointKey(m, tags, time);
    out.set(key, { ...out.get(key), ...fields });
  };
  const sys = String(id);
  const rangeStart = Math.max(localMidnight(fromDate, zone), profile.operationalAt);
  const each = (grid: number, visit: (start: number, end: number) => void) => {
    const down = (t: number) => Math.floor(t / grid) * grid;
    const first = Math.max(down(localMidnight(fromDate, zone)), down(profile.operationalAt));
    for (let start = first; start + grid <= down(now); start += grid) visit(start, start + grid);
  };
  each(300, (start, end) => {
    const v = fleet.productionMicro(id, end, nowMs);
    if (v)
      put('production', { system_id: sys, source: 'micro' }, start, {
        power_w: v.powr,
        energy_wh: v.enwh,
        devices_reporting: v.devicesReporting,
      });
    profile.micros.forEach((m, i) => {
      const d = fleet.micro(id, i, end, nowMs);
      if (d)
        put('micro', { system_id: sys, serial: m.serial }, start, { power_w: d.powr, energy_wh: d.enwh });
    });
  });
  each(900, (start, end) => {
    if (profile.productionMeter) {
      const v = fleet.productionMeter(id, end, nowMs);
      if (v) {
        put('production', { system_id: sys, source: 'meter' }, start, {
          energy_wh: v.enwh,
          devices_reporting: v.devicesReporting,
        });
        put('rgm', { system_id: sys }, start, { energy_wh: v.enwh, devices_reporting: v.devicesReporting });
        const legs = profile.place.country === 'US' ? 2 : 1;
        const first = legs === 1 ? v.enwh : Math.ceil(v.enwh / 2);
        const parts = legs === 1 ? [first] : [first, v.enwh - first];
        parts.forEach((wh, i) =>
          put(
            'rgm_meter',
            {
              system_id: sys,
              meter_serial: profile.productionMeter!.serial,
              envoy_serial: profile.envoySerial,
              channel: String(i + 1),
            },
            start,
            { energy_wh: wh, power_w: wh * 4 },
          ),
        );
      }
    }
    if (profile.consumptionMeter) {
      const c = fleet.consumption(id, end, nowMs);
      if (c)
        put('consumption', { system_id: sys }, start, {
          energy_wh: c.enwh,
          devices_reporting: c.devicesReporting,
        });
      const g = fleet.grid(id, end, nowMs);
      if (g) put('grid', { system_id: sys }, start, { import_wh: g.importWh, export_wh: g.exportWh });
    }
    if (profile.batteries.length > 0) {
      const b = fleet.battery(id, end, nowMs);
      if (b) {
        put('battery', { system_id: sys }, start, {
          charge_wh: b.chargeWh,
          discharge_wh: b.dischargeWh,
          soc_pct: b.socPct,
          devices_reporting: b.devicesReporting,
        });
        profile.batteries.forEach((battery, i) => {
          const d = b.devices[i];
          if (d)
            put('battery_device', { system_id: sys, serial: battery.serial, type: battery.type }, start, {
              charge_wh: d.chargeWh,
              discharge_wh: d.dischargeWh,
              soc_pct: d.socPct,
            });
        });
      }
    }
  });
  // energy_daily: local days from fromDate (or the operational day) to yesterday.
  const meterStart = profile.productionMeter
    ? addDays(localDate(profile.productionMeter.startAt, zone), 1)
    : undefined;
  const daily = (kind: DailyKind, date: string) => fleet.daily(id, kind, date, nowMs);
  const yesterday = addDays(localDate(now, zone), -1);
  const firstDay = localDate(rangeStart, zone);
  for (let date = firstDay; date <= yesterday; date = addDays(date, 1)) {
    const t = localMidnight(date, zone);
    const add = (kind: string, wh: number) =>
      put('energy_daily', { system_id: sys, kind }, t, { energy_wh: wh });
    const micro = daily('production_micro', date);
    add('production_micro', micro);
    if (meterStart !== undefined && date >= meterStart) {
      const meter = daily('production_meter', date);
      add('production_meter', meter);
      add('production', meter);
    } else add('production', micro);
    if (profile.consumptionMeter) {
      add('consumption', daily('consumption', date));
      add('import', daily('import', date));
      add('export', daily('export', date));
    }
    if (profile.batteries.length > 0) {
      add('battery_charge', daily('battery_charge', date));
      add('battery_discharge', daily('battery_discharge', date));
    }
  }
  return out;
}

/** Up to `limit` differences between two dumps (a readable failure, fast on a million points). */
export function diffPoints(actual: PointMap, expected: PointMap, limit = 10): string[] {
  const out: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (
      JSON.stringify(got, Object.keys(want).sort()) !== JSON.stringify(want, Object.keys(want).sort()) ||
      Object.keys(got ?? {}).length !== Object.keys(want).length
    )
      out.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    if (out.length >= limit) return out;
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) out.push(`${key}: unexpected ${JSON.stringify(actual.get(key))}`);
    if (out.length >= limit) return out;
  }
  return out;
}
