// The chaos suite (issue 10, "Proof"): the same scenario twice on one simulated fleet — clean, then
// with worker processes SIGKILLed at seeded moments, InfluxDB stopped and restarted, Redis restarted
// once with its AOF and once empty, and the simulator injecting 5xx, 429 bursts, timeouts and
// malformed bodies. At the end InfluxDB must hold what the clean run wrote (0 missing, 0 extra,
// 0 wrong), the watermarks must be consistent, the extra API hits are reported (and bounded), every
// command ended by itself or within the shutdown bound of a signal, and nothing printed an
// unhandled error. Bounded here; `npm run test:chaos` (CHAOS=long) runs the long variant.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { localDate } from '../../src/normalize/time.js';
import { startSimulator } from '../../src/simulator/index.js';
import { DAY, HIGH_LIMITS, TRUTH_MEASUREMENTS, truthFor, type PointMap } from '../e2e/support.js';
import {
  compareDumps,
  describeDifference,
  differenceCount,
  endingProblems,
  parseKey,
  watermarkProblems,
  type Difference,
} from './compare.js';
import { runScenario, SHUTDOWN_BOUND_MS, type Fleet, type RunResult } from './scenario.js';
import { chaosSchedule, type ChaosEvent } from './schedule.js';
import { variantFromEnv } from './variants.js';

const variant = variantFromEnv(process.env.CHAOS);
/** The settle window the commands run with (the default, SETTLE_WINDOW=24h). */
const SETTLE_SEC = DAY;
const RESULTS =
  process.env.CHAOS_RESULTS ?? join(tmpdir(), 'enphase-etl-chaos', `${variant.name}-results.json`);

let fleet: Fleet;
let clean: RunResult;
let chaos: RunResult;
let events: ChaosEvent[];
let cutoffSec: number;
let truth: PointMap;
let againstClean: Difference;
let cleanAgainstTruth: Difference;
let extraHits: number;
const log = (line: string) => process.stderr.write(`[chaos ${variant.name}] ${line}\n`);

function onlyMeasurements(map: PointMap, measurements: readonly string[]): PointMap {
  return new Map([...map].filter(([key]) => measurements.includes(parseKey(key).measurement)));
}

function settled(map: PointMap): PointMap {
  return new Map([...map].filter(([key]) => parseKey(key).time < cutoffSec));
}

function summaryLine(): string {
  const kills = chaos.fired.filter((e) => e.includes('SIGKILL')).length;
  const extra = `${extraHits >= 0 ? '+' : ''}${(extraHits * 100).toFixed(1)} %`;
  return (
    `chaos ${variant.name} (seed ${variant.seed}): ${variant.systems} systems × ${variant.days} days, every dataset, ` +
    `${variant.workers} workers; ${kills} worker kills, InfluxDB down ${variant.influxOutageMs / 1000} s, ` +
    `Redis restarted with AOF and empty, simulator faults on; API hits clean ${clean.hits.total} / chaos ` +
    `${chaos.hits.total} (${extra}); ${againstClean.compared} settled points and ${againstClean.seriesCompared} ` +
    `recent series compared: ${againstClean.missing.length} missing, ${againstClean.extra.length} extra, ` +
    `${againstClean.wrong.length} wrong; backfill runs ${chaos.backfillRuns.length}; ` +
    `clean ${(clean.totalMs / 1000).toFixed(0)} s, chaos ${(chaos.totalMs / 1000).toFixed(0)} s`
  );
}

beforeAll(
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'enphase-etl-chaos-'));
    const sim = await startSimulator({
      systems: variant.systems,
      seed: variant.seed,
      limits: HIGH_LIMITS,
      rateWindowMs: variant.simRateWindowMs,
    });
    // The machine's clock, shared by the simulator and every command and worker process: the
    // service rounds have no date range to fix, and the CLI has no clock to inject. What is compared
    // does not depend on the date: the chaos run against the clean one, and both against the truth
    // for intervals settled before the clean run began (docs/testing.md, "Dates and time zones").
    const startSec = Math.floor(Date.now() / 1000);
    fleet = { sim, folder, fromDate: localDate(startSec - variant.days * DAY, 'UTC') };
    // Intervals older than this were settled when the clean run started (the simulator revises for
    // up to 12 h; a local day's total is final a day after it ends): both runs must agree exactly.
    cutoffSec = startSec - 2 * DAY;
    try {
      clean = await runScenario(fleet, { variant, kind: 'clean', patienceMs: 600_000, log });
      log(`clean: ${clean.hits.total} hits, backfill ${(clean.backfillMs / 1000).toFixed(1)} s`);
      events = chaosSchedule({
        seed: variant.seed,
        kills: variant.kills,
        workers: variant.workers,
        influxOutageMs: variant.influxOutageMs,
        backfillMs: clean.backfillMs,
        totalMs: clean.totalMs,
      });
      chaos = await runScenario(fleet, {
        variant,
        kind: 'chaos',
        events,
        // A hang is a backfill that sends no request for longer than the outage plus 90 s (a request
        // timeout of 30 s, a killed worker's job lock of 30 s, and slack) without ending.
        patienceMs: variant.influxOutageMs + 90_000,
        log,
      });
      const injected = new Map<string, number>();
      for (const e of sim.requestLog.entries())
        if (e.injected !== undefined) injected.set(e.injected, (injected.get(e.injected) ?? 0) + 1);

      truth = new Map();
      for (const id of sim.fleet.ids())
        for (const [k, v] of truthFor(sim, id, fleet.fromDate, chaos.endMs)) truth.set(k, v);
      againstClean = compareDumps(chaos.dump, clean.dump, cutoffSec);
      cleanAgainstTruth = compareDumps(
        settled(onlyMeasurements(clean.dump, TRUTH_MEASUREMENTS)),
        settled(truth),
        cutoffSec,
      );
      extraHits = chaos.hits.total / clean.hits.total - 1;
      const line = summaryLine();
      log(line);
      mkdirSync(dirname(RESULTS), { recursive: true });
      writeFileSync(
        RESULTS,
        JSON.stringify(
          {
            summary: line,
            variant,
            events: chaos.fired,
            injected: Object.fromEntries(injected),
            hits: { clean: clean.hits, chaos: chaos.hits, extraFraction: extraHits },
            durationsMs: {
              clean: { backfill: clean.backfillMs, total: clean.totalMs },
              chaos: { backfill: chaos.backfillMs, total: chaos.totalMs },
            },
            backfillRuns: { clean: clean.backfillRuns, chaos: chaos.backfillRuns },
            comparison: {
              compared: againstClean.compared,
              seriesCompared: againstClean.seriesCompared,
              differences: describeDifference(againstClean, 50),
              counts: {
                missing: againstClean.missing.length,
                extra: againstClean.extra.length,
                wrong: againstClean.wrong.length,
                missingSeries: againstClean.missingSeries.length,
                extraSeries: againstClean.extraSeries.length,
              },
            },
            stalls: { clean: clean.stalls, chaos: chaos.stalls },
            endings: endingProblems([...clean.endings, ...chaos.endings], SHUTDOWN_BOUND_MS),
            unhandled: chaos.unhandled.slice(0, 50),
            logs: folder,
          },
          null,
          2,
        ),
      );
      log(`results: ${RESULTS}; process output: ${folder}`);
    } finally {
      await sim.close();
    }
  },
  variant.name === 'long' ? 3 * 3_600_000 : 1_200_000,
);
afterAll(() => {
  // The processes' output stays when anything went wrong (the results file names the folder).
  const troubled =
    chaos === undefined ||
    chaos.stalls.length > 0 ||
    chaos.unhandled.length > 0 ||
    differenceCount(againstClean) > 0 ||
    endingProblems([...clean.endings, ...chaos.endings], SHUTDOWN_BOUND_MS).length > 0;
  if (fleet?.folder && !troubled && process.env.CHAOS_KEEP === undefined)
    rmSync(fleet.folder, { recursive: true, force: true });
});

describe(`the chaos scenario (${variant.name})`, () => {
  it('has a sound clean run: one backfill, exit 0, every settled interval equal to the simulator', () => {
    expect(clean.backfillRuns.map((r) => r.code)).toEqual([0]);
    expect(clean.stalls).toEqual([]);
    expect(cleanAgainstTruth.compared).toBeGreaterThan(variant.systems * variant.days * 288);
    expect(describeDifference(cleanAgainstTruth)).toEqual([]);
  });

  it('suffered every scheduled event and the simulator’s faults', () => {
    expect(chaos.fired).toHaveLength(events.length);
    const kinds = chaos.fired.join('\n');
    expect(kinds).toMatch(/Redis restarted empty/);
    expect(kinds).toMatch(/Redis restarted \(AOF kept\)/);
    expect(kinds).toMatch(/InfluxDB down/);
  });

  it('leaves InfluxDB equal to the clean run: 0 missing, 0 extra, 0 wrong', () => {
    expect(againstClean.compared).toBeGreaterThan(variant.systems * variant.days * 288);
    expect(againstClean.seriesCompared).toBeGreaterThan(0);
    expect([differenceCount(againstClean), describeDifference(againstClean)]).toEqual([0, []]);
  });

  it('leaves consistent watermarks: none past now − settle window (snapshots: now), none past missing data', () => {
    const nowSec = Math.floor(chaos.endMs / 1000);
    expect(watermarkProblems(chaos.watermarks, chaos.dump, settled(truth), nowSec, SETTLE_SEC)).toEqual([]);
    // Every system has watermarks again, also after Redis came back empty.
    for (const [id, marks] of chaos.watermarks)
      expect([id, Object.keys(marks).length > 0]).toEqual([id, true]);
  });

  it(`spends at most ${variant.extraHitsBound * 100} % more API hits than the clean run (target ≤ 10 %)`, () => {
    expect(extraHits).toBeLessThanOrEqual(variant.extraHitsBound);
  });

  it('ends every command by itself, or within the shutdown bound of a signal', () => {
    expect(chaos.stalls).toEqual([]);
    expect(endingProblems([...clean.endings, ...chaos.endings], SHUTDOWN_BOUND_MS)).toEqual([]);
  });

  it('prints no unhandled error and no stack trace', () => {
    expect(clean.unhandled.slice(0, 10)).toEqual([]);
    expect(chaos.unhandled.slice(0, 10)).toEqual([]);
  });
});
