// The chaos suite's judgements, as pure functions of what the runs left behind: InfluxDB dumps,
// watermarks, process endings and output. Tested without services in compare.test.ts.
import type { PointMap } from '../e2e/support.js';
import type { Ending } from './processes.js';

const DAY = 86_400;

/** `measurement|tags|time` → its parts (the key format of test/e2e/support.ts). */
export function parseKey(key: string): { measurement: string; series: string; time: number; tags: string } {
  const last = key.lastIndexOf('|');
  const series = key.slice(0, last);
  const first = series.indexOf('|');
  return {
    measurement: series.slice(0, first),
    tags: series.slice(first + 1),
    series,
    time: Number(key.slice(last + 1)),
  };
}

export interface Difference {
  /** Settled points compared exactly. */
  compared: number;
  missing: string[];
  extra: string[];
  wrong: string[];
  /** Series with observations after the cutoff (snapshots, the unsettled tail), compared as sets. */
  seriesCompared: number;
  missingSeries: string[];
  extraSeries: string[];
}

const sortedJson = (fields: Record<string, unknown> | undefined) =>
  JSON.stringify(fields, Object.keys(fields ?? {}).sort());

/**
 * `actual` against `expected`: points older than `cutoffSec` exactly (same keys, same fields); the
 * younger ones — snapshots observed at the run's own time, intervals that may still be revised —
 * by series, since two runs minutes apart observe them at different instants.
 */
export function compareDumps(actual: PointMap, expected: PointMap, cutoffSec: number): Difference {
  const out: Difference = {
    compared: 0,
    missing: [],
    extra: [],
    wrong: [],
    seriesCompared: 0,
    missingSeries: [],
    extraSeries: [],
  };
  const recent = (map: PointMap) => {
    const series = new Set<string>();
    for (const key of map.keys()) {
      const { series: s, time } = parseKey(key);
      if (time >= cutoffSec) series.add(s);
    }
    return series;
  };
  for (const [key, want] of expected) {
    if (parseKey(key).time >= cutoffSec) continue;
    out.compared += 1;
    const got = actual.get(key);
    if (got === undefined) out.missing.push(key);
    else if (sortedJson(got) !== sortedJson(want))
      out.wrong.push(`${key}: expected ${sortedJson(want)}, got ${sortedJson(got)}`);
  }
  for (const key of actual.keys())
    if (parseKey(key).time < cutoffSec && !expected.has(key)) out.extra.push(key);
  const want = recent(expected);
  const got = recent(actual);
  out.seriesCompared = want.size;
  for (const s of want) if (!got.has(s)) out.missingSeries.push(s);
  for (const s of got) if (!want.has(s)) out.extraSeries.push(s);
  return out;
}

export function differenceCount(d: Difference): number {
  return d.missing.length + d.extra.length + d.wrong.length + d.missingSeries.length + d.extraSeries.length;
}

/** Up to `limit` lines naming the differences, for a readable failure. */
export function describeDifference(d: Difference, limit = 10): string[] {
  return [
    ...d.missing.map((k) => `missing ${k}`),
    ...d.extra.map((k) => `extra ${k}`),
    ...d.wrong.map((k) => `wrong ${k}`),
    ...d.missingSeries.map((s) => `missing series ${s}`),
    ...d.extraSeries.map((s) => `extra series ${s}`),
  ].slice(0, limit);
}

/** Where each interval dataset's points live, and how long an interval is (s). */
const INTERVAL_DATASETS: Record<string, { measurements: string[]; tag?: string; lengthSec: number }> = {
  production_micro: { measurements: ['production'], tag: 'source=micro', lengthSec: 300 },
  production_meter: { measurements: ['production'], tag: 'source=meter', lengthSec: 900 },
  rgm: { measurements: ['rgm', 'rgm_meter'], lengthSec: 900 },
  consumption: { measurements: ['consumption'], lengthSec: 900 },
  battery: { measurements: ['battery'], lengthSec: 900 },
  grid_import: { measurements: ['grid'], lengthSec: 900 },
  grid_export: { measurements: ['grid'], lengthSec: 900 },
  micro: { measurements: ['micro'], lengthSec: 300 },
  battery_device: { measurements: ['battery_device'], lengthSec: 900 },
  // A local day: 25 hours bounds the longest one (a DST change), so no day is judged early.
  energy_daily: { measurements: ['energy_daily'], lengthSec: 25 * 3_600 },
};

/** Datasets whose watermark is the observation time (docs/state.md, "A snapshot … is settled when observed"). */
export const SNAPSHOT_DATASETS = new Set(['system', 'latest', 'config']);

export type Watermarks = Map<number, Record<string, number>>;

/**
 * Watermarks that break docs/state.md: an interval dataset's past `now − settle window`, a
 * snapshot's past now, and — using the simulator's truth for the interval measurements — any point
 * that is missing or wrong below its dataset's watermark (a watermark past data that is not there
 * is data no rerun will ever fetch again).
 */
export function watermarkProblems(
  watermarks: Watermarks,
  stored: PointMap,
  truth: PointMap,
  nowSec: number,
  settleSec: number,
): string[] {
  const problems: string[] = [];
  for (const [systemId, marks] of watermarks)
    for (const [dataset, mark] of Object.entries(marks)) {
      const limit = SNAPSHOT_DATASETS.has(dataset) ? nowSec : nowSec - settleSec;
      if (mark > limit)
        problems.push(`${systemId} ${dataset}: watermark ${mark} is ${mark - limit} s past ${limit}`);
    }
  for (const [key, want] of truth) {
    const { measurement, tags, time } = parseKey(key);
    const systemId = Number(/(?:^|,)system_id=(\d+)/.exec(tags)?.[1]);
    const marks = watermarks.get(systemId) ?? {};
    for (const [dataset, rule] of Object.entries(INTERVAL_DATASETS)) {
      if (!rule.measurements.includes(measurement)) continue;
      if (rule.tag !== undefined && !tags.split(',').includes(rule.tag)) continue;
      const mark = marks[dataset];
      if (mark === undefined || time + rule.lengthSec > mark) continue;
      const got = stored.get(key);
      if (sortedJson(got) !== sortedJson(want)) {
        problems.push(
          `${systemId} ${dataset}: watermark ${mark} is past ${key}, which holds ${sortedJson(got)}`,
        );
        break;
      }
    }
    if (problems.length >= 20) break;
  }
  return problems;
}

/** Output lines that betray an unhandled error or a stack trace. */
export function unhandledLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /Unhandled/i.test(line) || /^\s+at .+:\d+:\d+\)?$/.test(line) || /"stack"/.test(line));
}

/**
 * Processes that did not end properly: a command must end by itself, or within `boundMs` of the
 * suite's SIGINT/SIGTERM with exit 0 (130 for a second SIGINT is never sent here); workers the
 * chaos SIGKILLed are exempt.
 */
export function endingProblems(endings: readonly Ending[], boundMs: number): string[] {
  const problems: string[] = [];
  for (const e of endings) {
    if (e.chaosKill) continue;
    if (e.forced)
      problems.push(`${e.name}: still running ${Math.round(boundMs / 1000)} s after ${e.sent}, killed`);
    else if (e.signal !== null) problems.push(`${e.name}: ended by ${e.signal}`);
    else if (e.sent !== null && (e.afterSignalMs ?? 0) > boundMs)
      problems.push(`${e.name}: took ${Math.round((e.afterSignalMs ?? 0) / 1000)} s after ${e.sent}`);
    else if (e.sent !== null && e.code !== 0 && !(e.sent === 'SIGINT' && e.name.startsWith('backfill')))
      problems.push(`${e.name}: exit ${e.code} after ${e.sent}`);
  }
  return problems;
}

export { DAY };
