// Fault isolation (issue 9, "Proof"): twelve simulated systems, seven of which misbehave in one way
// each, with random 5xx and 429 answers on top. A backfill and a few service rounds must leave
// every healthy system's data exactly equal to the simulator's truth, report each bad system
// precisely (summary and `status`), write no implausible point, retry no request that could not
// succeed, and keep `start` running until SIGTERM, which it answers with exit 0.
import { DEFAULT_RETRY_POLICY } from '../../src/enphase/retry.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { exitCodeOf, formatSummary } from '../../src/commands/one-shot-command.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import type { StatusReport } from '../../src/commands/status/report.js';
import { backfill, type BackfillSummary } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { sanitizeTagValue } from '../../src/normalize/line-protocol.js';
import { MEASUREMENTS } from '../../src/normalize/schema.js';
import { localDate } from '../../src/normalize/time.js';
import { startService, type RunningService } from '../../src/service.js';
import {
  DEFAULT_FOREIGN_IDENTITY_ROUTES,
  DEVICES_ROUTE,
  HOSTILE_NAME,
  IMPLAUSIBLE,
  MICRO_TELEMETRY_ROUTE,
  startSimulator,
  type MisbehaviourOptions,
  type RequestLogEntry,
} from '../../src/simulator/index.js';
import { createKeys } from '../../src/state/keys.js';
import { simulatorEnv } from '../support/cli-env.js';
import { machineEnv, tsxArgs } from '../support/node-child.js';
import { freePort } from '../support/ports.js';
import { startInfluxV1, startRedis } from '../support/services.js';
import {
  DAY,
  HIGH_LIMITS,
  NOW_MS,
  TRUTH_MEASUREMENTS,
  diffPoints,
  dumpInflux,
  silentLogger,
  startE2eWorld,
  truthFor,
  type E2eWorld,
  type PointMap,
} from './support.js';

// One misbehaviour per system (seed 7 fleet: 100001 has an Encharge, so relays to name badly).
const HOSTILE = 100001;
const BAD_ZONE = 100002;
const REFUSES_MICRO = 100003;
const NOT_IMPLEMENTED = 100004; // has an ACB battery: battery telemetry and rgm answer 501
const IMPLAUSIBLE_VALUES = 100005;
const FOREIGN_IDENTITY = 100008; // its bodies name 100009, a healthy system
const MALFORMED_DEVICES = 100012;
const HEALTHY = [100006, 100007, 100009, 100010, 100011];

const RGM_ROUTE = '/api/v4/systems/{system_id}/rgm_stats';
const BATTERY_ROUTE = '/api/v4/systems/{system_id}/telemetry/battery';

const KNOBS: MisbehaviourOptions = {
  [HOSTILE]: { hostileNames: true },
  [BAD_ZONE]: { timezone: 'qui' },
  [REFUSES_MICRO]: { unauthorized: [MICRO_TELEMETRY_ROUTE] },
  [NOT_IMPLEMENTED]: { notImplemented: [RGM_ROUTE, BATTERY_ROUTE] },
  [IMPLAUSIBLE_VALUES]: { implausible: true },
  [FOREIGN_IDENTITY]: { foreignIdentity: true },
  [MALFORMED_DEVICES]: { malformed: [DEVICES_ROUTE] },
};
// Random trouble on every system (5xx and 429 at random, and a 429 burst now and then): retried by
// the client, never a reason to give up.
const FAULTS = { errorRate: 0.03, rate429: 0.02, burst429: { every: 97, length: 1 } };

// Three days: the daily series' re-fetch of the last two local days stays inside the range.
const FROM_DATE = localDate(Math.floor(NOW_MS / 1000) - 3 * DAY, 'UTC');
const HOUR_MS = 3_600_000;
const CLI = new URL('../fixtures/run-cli.ts', import.meta.url).pathname;

/**
 * The measurements the time-series truth (`truthFor`) does not cover: snapshots and records
 * (system, latest, config, load_control, events, alarms, the EV charger's). The simulator's models
 * behind them (summary, live power, config, events, charging sessions) have no point-by-point
 * truth outside its routes, and `system` and `latest` are observations at request time. Their
 * truth here is what the same pipeline writes for the same system from the same simulator at the
 * same fixed instant with no misbehaving neighbour and no fault: any difference is a failure that
 * did not stay where it happened. (The normalizers themselves are checked against fixed bodies in
 * test/normalize/.)
 */
const OTHER_MEASUREMENTS = MEASUREMENTS.filter(
  (m) =>
    !(TRUTH_MEASUREMENTS as readonly string[]).includes(m) && m !== 'pipeline' && m !== 'pipeline_dataset',
);

let w: E2eWorld;
let runtime: Runtime;
let summary: BackfillSummary;
let backfillLog: readonly RequestLogEntry[];
/** The healthy systems' other measurements from a clean fleet (see OTHER_MEASUREMENTS). */
let reference: PointMap;

async function cleanReference(): Promise<PointMap> {
  const clean = await startE2eWorld({ systems: 12, seed: 7, rateWindowMs: 1_000 });
  const cleanRuntime = clean.runtime();
  try {
    const run = await backfill(cleanRuntime, { systems: HEALTHY, fromDate: FROM_DATE, force: false });
    expect(run.failed).toEqual([]);
    return await dumpInflux(clean.influx, OTHER_MEASUREMENTS);
  } finally {
    await cleanRuntime.close();
    await clean.stop();
  }
}

beforeAll(async () => {
  w = await startE2eWorld({ systems: 12, seed: 7, misbehaviour: KNOBS, faults: FAULTS, rateWindowMs: 1_000 });
  runtime = w.runtime();
  summary = await backfill(runtime, { systems: 'all', fromDate: FROM_DATE, force: false });
  backfillLog = [...w.sim.requestLog.entries()];
  reference = await cleanReference();
}, 300_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

const systemKey = (id: number) => new RegExp(`(^|[|,])system_id=${id}([,|])`);
function ofSystem(map: PointMap, id: number, except: readonly string[] = []): PointMap {
  const re = systemKey(id);
  return new Map([...map].filter(([key]) => re.test(key) && !except.some((m) => key.startsWith(`${m}|`))));
}

describe('after a backfill of the whole fleet', () => {
  it('reports each bad system in the summary, fails only those, and exits 1', () => {
    const text = formatSummary('backfill', summary);
    expect(summary.total).toBe(12);
    expect(summary.failed.map((f) => f.systemId).sort()).toEqual([
      BAD_ZONE,
      FOREIGN_IDENTITY,
      MALFORMED_DEVICES,
    ]);
    const reason = (id: number) => summary.failed.find((f) => f.systemId === id)!.reason;
    expect(reason(BAD_ZONE)).toMatch(/quarantined.*'qui'/);
    expect(reason(MALFORMED_DEVICES)).toMatch(/discovery/i);
    expect(reason(FOREIGN_IDENTITY)).toMatch(
      new RegExp(`${FOREIGN_IDENTITY}.*${FOREIGN_IDENTITY + 1}|${FOREIGN_IDENTITY + 1}.*${FOREIGN_IDENTITY}`),
    );
    expect(summary.completed.sort()).toEqual(
      [HOSTILE, REFUSES_MICRO, NOT_IMPLEMENTED, IMPLAUSIBLE_VALUES, ...HEALTHY].sort(),
    );
    // Refusals and 501s are skips of that system's datasets, named with the system.
    expect(text).toMatch(new RegExp(`skipped micro on 1 system\\(s\\) \\(${REFUSES_MICRO}\\)`));
    expect(text).toMatch(new RegExp(`skipped rgm on 1 system\\(s\\) \\(${NOT_IMPLEMENTED}\\).*501`));
    expect(text).toMatch(new RegExp(`skipped battery on 1 system\\(s\\) \\(${NOT_IMPLEMENTED}\\).*501`));
    expect(text).toMatch(/rejected \d+ implausible point\(s\), not written: .*negative_energy/);
    // … and names the one system whose answers held them, with its reasons.
    expect(text).toMatch(new RegExp(`\\n    system ${IMPLAUSIBLE_VALUES}: [^\\n]*negative_energy \\d+`));
    expect([...(summary.rejectedBySystem?.keys() ?? [])]).toEqual([IMPLAUSIBLE_VALUES]);
    expect(exitCodeOf(summary)).toBe(1);
  });

  it('leaves every healthy system, and every healthy dataset of a bad one, exactly equal to the truth', async () => {
    const stored = await dumpInflux(w.influx, TRUTH_MEASUREMENTS);
    const truth = (id: number) => truthFor(w.sim, id, FROM_DATE, NOW_MS);
    for (const id of [...HEALTHY, HOSTILE]) {
      const want = truth(id);
      expect(want.size).toBeGreaterThan(500);
      expect([id, diffPoints(ofSystem(stored, id), want)]).toEqual([id, []]);
    }
    // The bad systems' other datasets are whole; the refused ones are simply absent.
    const partial: Array<[number, string[]]> = [
      [REFUSES_MICRO, ['micro']],
      [NOT_IMPLEMENTED, ['rgm', 'rgm_meter', 'battery']],
      [FOREIGN_IDENTITY, ['micro', 'battery_device']],
    ];
    for (const [id, missing] of partial) {
      const want = ofSystem(truth(id), id, missing);
      expect([id, diffPoints(ofSystem(stored, id), want)]).toEqual([id, []]);
      const absent = missing.map((m) => [m, ofSystem(stored, id).size - ofSystem(stored, id, [m]).size]);
      expect([id, absent]).toEqual([id, missing.map((m) => [m, 0])]);
    }
    // Nothing at all from the quarantined system and the one whose discovery failed.
    for (const id of [BAD_ZONE, MALFORMED_DEVICES]) expect([id, ofSystem(stored, id).size]).toEqual([id, 0]);
  });

  it('leaves every healthy system’s other measurements equal to a clean fleet’s', async () => {
    const stored = await dumpInflux(w.influx, OTHER_MEASUREMENTS);
    const measured = new Set<string>();
    for (const id of HEALTHY) {
      const want = ofSystem(reference, id);
      for (const key of want.keys()) measured.add(key.split('|')[0]!);
      expect([id, diffPoints(ofSystem(stored, id), want)]).toEqual([id, []]);
    }
    // The comparison covers the snapshots and the records, not only what happens to be there.
    expect([...measured].sort()).toEqual(expect.arrayContaining(['config', 'events', 'latest', 'system']));
  });

  it('writes only the plausible intervals of the system that answers implausible values', async () => {
    const stored = ofSystem(await dumpInflux(w.influx, TRUTH_MEASUREMENTS), IMPLAUSIBLE_VALUES);
    const truth = truthFor(w.sim, IMPLAUSIBLE_VALUES, FROM_DATE, NOW_MS);
    // Every point written is a true one; a third of the intervals are left untouched by the knob.
    expect(stored.size).toBeGreaterThan(truth.size / 5);
    expect(stored.size).toBeLessThan(truth.size);
    const sorted = (fields: Record<string, unknown> | undefined) =>
      JSON.stringify(fields, Object.keys(fields ?? {}).sort());
    const wrong = [...stored].filter(([key, fields]) => sorted(fields) !== sorted(truth.get(key)));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('holds no implausible value anywhere in InfluxDB', async () => {
    const everything = await dumpInflux(w.influx, MEASUREMENTS);
    const bad = new Set<number>([
      IMPLAUSIBLE.lowEnergyWh,
      IMPLAUSIBLE.highEnergyWh,
      IMPLAUSIBLE.lowPowerW,
      IMPLAUSIBLE.highPowerW,
      IMPLAUSIBLE.count,
      IMPLAUSIBLE.percent,
      ...IMPLAUSIBLE.reportedAtSec,
    ]);
    const nowSec = Math.floor(NOW_MS / 1000);
    const problems: string[] = [];
    for (const [key, fields] of everything) {
      const time = Number(key.split('|')[2]);
      if (time < Date.UTC(2000, 0, 1) / 1000 || time > nowSec + 3_600) problems.push(`${key}: time`);
      for (const [field, value] of Object.entries(fields)) {
        if (typeof value !== 'number') continue;
        if (bad.has(value)) problems.push(`${key}: ${field}=${value}`);
        if (field.endsWith('_pct') && (value < 0 || value > 100)) problems.push(`${key}: ${field}=${value}`);
        if ((field.endsWith('_wh') || field === 'devices_reporting') && value < 0)
          problems.push(`${key}: ${field}=${value}`);
        if (field.endsWith('_at') && value < Date.UTC(2000, 0, 1) / 1000)
          problems.push(`${key}: ${field}=${value}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(everything.size).toBeGreaterThan(10_000);
  });

  it('round-trips every hostile name through InfluxDB (tags by the documented rule)', async () => {
    const [system] = await w.influx.query(`SELECT "name" FROM "system" WHERE "system_id" = '${HOSTILE}'`);
    expect(system?.values.map((row) => row[1])).toContain(HOSTILE_NAME.replace(/\r\n|\r|\n/g, ' '));
    const relays = await w.influx.query(
      `SHOW TAG VALUES FROM "load_control" WITH KEY = "name" WHERE "system_id" = '${HOSTILE}'`,
    );
    const names = new Set((relays[0]?.values ?? []).map((row) => row[1]));
    expect(names.has(sanitizeTagValue(HOSTILE_NAME))).toBe(true);
    expect(names.size).toBeGreaterThan(5);
  });

  it('retried no request that could not succeed, and asked nothing of the quarantined system', () => {
    // Per URL, the answers in order: only 5xx, 429 and one 401 (the refresh) may come before another try.
    const byUrl = new Map<string, RequestLogEntry[]>();
    for (const e of backfillLog) {
      if (!e.route.startsWith('/api/v4/')) continue;
      byUrl.set(`${e.method} ${e.url}`, [...(byUrl.get(`${e.method} ${e.url}`) ?? []), e]);
    }
    const foreign = new Set(DEFAULT_FOREIGN_IDENTITY_ROUTES);
    const couldNotSucceed = (e: RequestLogEntry, earlier: RequestLogEntry[]) =>
      e.status === 501 ||
      e.status === 400 ||
      e.status === 404 ||
      e.status === 422 ||
      (e.status === 401 && earlier.some((x) => x.status === 401)) ||
      (e.status === 200 && e.systemId === FOREIGN_IDENTITY && foreign.has(e.route));
    const retried: string[] = [];
    for (const [url, entries] of byUrl) {
      entries.forEach((e, i) => {
        if (i < entries.length - 1 && couldNotSucceed(e, entries.slice(0, i)))
          retried.push(`${url}: ${entries.map((x) => x.status).join(',')}`);
      });
    }
    expect(retried).toEqual([]);
    // A body that does not parse is asked for again within the client's retry budget (it may have
    // been cut short on its way), and no more: the knob answers malformed every time.
    const malformed = [...byUrl.values()].filter((entries) =>
      entries.some((e) => e.injected === 'knob:malformed'),
    );
    expect(malformed.length).toBeGreaterThan(0);
    for (const entries of malformed)
      expect(entries.length).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxAttempts);
    // The random faults did happen, and were retried: 5xx, and 429s at random as well as in bursts.
    expect(backfillLog.some((e) => e.injected === 'fault:error')).toBe(true);
    const random429 = backfillLog.filter((e) => e.injected === 'fault:random429');
    expect(random429.length).toBeGreaterThan(5);
    for (const e of random429.slice(0, 20)) {
      const after = byUrl.get(`${e.method} ${e.url}`)!;
      expect([e.url, after.at(-1)?.status]).not.toEqual([e.url, 429]);
    }
    // 401: the first answer, one refresh, the second answer; then the system's micro route is left alone.
    const refused = backfillLog.filter(
      (e) => e.systemId === REFUSES_MICRO && e.route === MICRO_TELEMETRY_ROUTE,
    );
    expect(refused.map((e) => e.status)).toEqual([401, 401]);
    // 501: once per endpoint.
    for (const route of [RGM_ROUTE, BATTERY_ROUTE])
      expect(
        backfillLog.filter((e) => e.systemId === NOT_IMPLEMENTED && e.route === route && e.status === 501),
      ).toHaveLength(1);
    // The quarantined system: at most its own detail record, none of its data.
    expect(
      backfillLog.filter((e) => e.systemId === BAD_ZONE && e.route !== '/api/v4/systems/{system_id}'),
    ).toEqual([]);
  });

  it('shows each bad system precisely in `status`', async () => {
    const report: StatusReport = await collectStatus(runtime.redis, runtime.keys, w.config(), {
      limit: Infinity,
      now: NOW_MS,
    });
    const of = (id: number) => report.systems.shown.find((s) => s.id === id);
    expect(of(BAD_ZONE)?.problem).toMatchObject({ kind: 'quarantined' });
    expect(of(BAD_ZONE)?.problem?.reason).toMatch(/'qui'/);
    expect(of(MALFORMED_DEVICES)?.problem).toMatchObject({ kind: 'discovery-failed' });
    const dataset = (id: number, name: string) => of(id)?.datasets.find((d) => d.dataset === name);
    expect(dataset(REFUSES_MICRO, 'micro')?.unavailable).toMatchObject({ active: true });
    expect(dataset(NOT_IMPLEMENTED, 'rgm')?.unavailable?.reason).toMatch(/501/);
    expect(dataset(NOT_IMPLEMENTED, 'battery')?.unavailable?.reason).toMatch(/501/);
    expect(dataset(FOREIGN_IDENTITY, 'micro')?.lastError?.message).toMatch(
      new RegExp(String(FOREIGN_IDENTITY + 1)),
    );
    // A healthy system: no problem, no error, nothing unavailable.
    for (const id of HEALTHY) {
      expect(of(id)?.problem).toBeNull();
      expect(of(id)?.datasets.filter((d) => d.lastError !== null || d.unavailable?.active)).toEqual([]);
    }
    const restricted = report.restrictedEndpoints
      .map((r) => `${r.systemId} ${r.status} ${r.endpoint}`)
      .sort();
    expect(restricted).toEqual(
      [
        `${REFUSES_MICRO} 401 ${MICRO_TELEMETRY_ROUTE}`,
        `${NOT_IMPLEMENTED} 501 ${RGM_ROUTE}`,
        `${NOT_IMPLEMENTED} 501 ${BATTERY_ROUTE}`,
      ].sort(),
    );
    // The system that answers implausible values: its points left out, per dataset and reason.
    const implausible = of(IMPLAUSIBLE_VALUES)?.implausible;
    expect(implausible?.total).toBe([...summary.rejected!.values()].reduce((a, b) => a + b, 0));
    expect(Object.values(implausible?.byDataset ?? {}).flatMap(Object.keys)).toContain('negative_energy');
    expect(report.systems.shown.filter((s) => s.implausible !== null).map((s) => s.id)).toEqual([
      IMPLAUSIBLE_VALUES,
    ]);
    const text = formatStatus(report).join('\n');
    expect(text).toContain(`${BAD_ZONE}`);
    expect(text).toMatch(/quarantined/);
    expect(text).toMatch(
      new RegExp(
        `System ${IMPLAUSIBLE_VALUES}[^\\n]*\\n  IMPLAUSIBLE POINTS LEFT OUT: ${implausible?.total} since`,
      ),
    );
  });
});

describe('then the service, for a few rounds', () => {
  let service: RunningService | undefined;
  afterAll(async () => {
    await service?.stop();
  });

  it('carries on: rounds keep the healthy systems synced, and a system whose discovery recovers joins', async () => {
    // The device list answers again: the next discovery must pick the system up.
    w.sim.setSystemMisbehaviour(MALFORMED_DEVICES, undefined);
    w.clock.ms = NOW_MS + HOUR_MS;
    service = await startService(
      w.config({ SYNC_INTERVAL: '1s', DATASETS: 'production_micro,system,latest,config' }),
      {
        logger: silentLogger(),
        keyPrefix: w.redis.prefix,
        now: () => w.clock.ms,
        loader: { flushIntervalMs: 50 },
        metricsPort: false,
        worker: { concurrency: 4 },
        // Discovery at start and every few seconds: the recovered system is found in this test's time.
        scheduler: { discoverEveryMs: 2_000 },
      },
    );
    const rt = service.runtime;
    const synced = async (id: number) =>
      Number((await rt.redis.hget(rt.keys.lastSync(id), 'production_micro')) ?? 0);
    for (let step = 1; step <= 3; step++) {
      w.clock.ms = NOW_MS + (step + 1) * HOUR_MS;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const times = await Promise.all([...HEALTHY, MALFORMED_DEVICES].map(synced));
        if (times.every((t) => t >= w.clock.ms)) break;
        if (Date.now() > deadline)
          throw new Error(`round ${step} did not reach every healthy system: ${times.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // The recovered system is no longer a problem, and its data arrived.
    expect(await rt.registry.problems.get(MALFORMED_DEVICES)).toBeUndefined();
    const stored = await dumpInflux(w.influx, ['production']);
    expect(ofSystem(stored, MALFORMED_DEVICES).size).toBeGreaterThan(100);
    // The quarantined system stays quarantined, and the service never asked for its data.
    expect((await rt.registry.problems.get(BAD_ZONE))?.kind).toBe('quarantined');
    expect(
      w.sim.requestLog
        .entries()
        .filter((e) => e.systemId === BAD_ZONE && e.route !== '/api/v4/systems/{system_id}'),
    ).toEqual([]);
    // The healthy systems' settled data still equals the truth: the rounds re-fetched the recent
    // intervals (the simulator revises them for up to 12 h, a local day's total a day after it
    // ends), so everything older than two days before NOW_MS is compared exactly; and the
    // snapshots and records of the backfill are still there, unchanged.
    const cutoff = Math.floor(NOW_MS / 1000) - 2 * DAY;
    const settled = (map: PointMap) =>
      new Map([...map].filter(([key]) => Number(key.split('|')[2]) < cutoff));
    const afterRounds = await dumpInflux(w.influx, TRUTH_MEASUREMENTS);
    const others = await dumpInflux(w.influx, OTHER_MEASUREMENTS);
    for (const id of HEALTHY) {
      const want = settled(truthFor(w.sim, id, FROM_DATE, NOW_MS));
      expect(want.size).toBeGreaterThan(100);
      expect([id, diffPoints(settled(ofSystem(afterRounds, id)), want)]).toEqual([id, []]);
      const kept = [...ofSystem(reference, id)].filter(
        ([key, fields]) => JSON.stringify(others.get(key)) !== JSON.stringify(fields),
      );
      expect([id, kept.slice(0, 3)]).toEqual([id, []]);
    }
    // Still nothing implausible.
    const all = await dumpInflux(w.influx, ['production', 'latest', 'config']);
    const bad = [...all].filter(([, f]) =>
      Object.values(f).some(
        (v) => v === IMPLAUSIBLE.lowPowerW || v === IMPLAUSIBLE.percent || v === IMPLAUSIBLE.lowEnergyWh,
      ),
    );
    expect(bad).toEqual([]);
    await service.stop();
    service = undefined;
  }, 180_000);
});

describe('`enphase-etl start` as a process against the same misbehaving fleet', () => {
  it('keeps running while the bad systems fail, and exits 0 on SIGTERM', async () => {
    // Its own simulator and services, on the machine's clock: a child process cannot share the
    // test's simulated one. Nothing asserted depends on the date.
    const sim = await startSimulator({
      systems: 12,
      seed: 7,
      misbehaviour: KNOBS,
      faults: FAULTS,
      rateWindowMs: 1_000,
      limits: HIGH_LIMITS,
    });
    const [redis, influx] = await Promise.all([startRedis(), startInfluxV1()]);
    const client = new Redis(redis.url);
    const env = simulatorEnv(sim, redis, influx);
    const prefix = 'enphase-etl';
    const keys = createKeys(prefix);
    const child = spawn(process.execPath, tsxArgs(CLI, 'start'), {
      env: {
        PATH: process.env.PATH ?? '',
        ...machineEnv(),
        ...env,
        DATASETS: 'production_micro,micro,system,latest,config,rgm',
        SYNC_INTERVAL: '2s',
        INITIAL_LOOKBACK: '1d',
        METRICS_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const deadline = Date.now() + 120_000;
      const synced = (id: number) => client.hget(keys.lastSync(id), 'production_micro');
      for (;;) {
        const times = await Promise.all(HEALTHY.map(synced));
        const quarantined = await client.hget(keys.systemProblems, String(BAD_ZONE));
        if (times.every((t) => t !== null) && quarantined !== null) break;
        if (child.exitCode !== null) throw new Error(`start exited early (${child.exitCode}): ${output}`);
        if (Date.now() > deadline) throw new Error(`start did not sync the healthy systems: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      // A clean stop, and no stack trace or unhandled error on the way (bad systems log one line each).
      const traces = output.split('\n').filter((l) => /^\s+at .+:\d+:\d+\)?$|"stack"|Unhandled/.test(l));
      expect([code, traces.slice(0, 3)]).toEqual([0, []]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      client.disconnect();
      await sim.close();
      await Promise.all([redis.stop(), influx.stop()]);
    }
  }, 180_000);
});
