// What of a backfill's range the API can still serve (pure). Interval series go back 2 years,
// events 9 months (src/extractors/windows.ts); the daily lifetime series and the snapshots have no
// such limit. A range that starts before a limit is clamped to it; one that ends before it has
// nothing to fetch. The run says so per dataset, and a run where no requested dataset can fetch
// anything is refused before a job is enqueued (bad usage, exit 2) instead of reporting "loaded".
import { WINDOW_RULES, type DatasetName } from '../datasets/index.js';
import { earliestStart } from '../datasets/windows.js';
import { localDate } from '../normalize/time.js';
import { localDayRange } from './ranges.js';

export interface ReachNote {
  dataset: DatasetName;
  /** Systems whose whole range is older than the limit: nothing fetched. */
  nothing: number[];
  /** Systems whose range starts before the limit: fetched from `from`. */
  clamped: number[];
  /** The first local day the API serves (for the first system named). */
  from: string;
  /** The limit in words: `the last 2 years`. */
  limit: string;
}

export interface ReachSystem {
  id: number;
  timeZone: string;
}

function limitInWords(dataset: DatasetName): string {
  const rule = WINDOW_RULES[dataset];
  return rule.kind === 'events' ? `the last ${rule.maxAgeMonths} months` : 'the last 2 years';
}

/** Per dataset with an age limit that the range runs into: which systems are clamped or empty. */
export function backfillReach(
  systems: readonly ReachSystem[],
  datasets: readonly DatasetName[],
  range: { fromDate: string; toDate?: string },
  nowSec: number,
): ReachNote[] {
  const notes: ReachNote[] = [];
  for (const dataset of datasets) {
    const note: ReachNote = { dataset, nothing: [], clamped: [], from: '', limit: limitInWords(dataset) };
    for (const system of systems) {
      const earliest = earliestStart(dataset, nowSec, system.timeZone);
      if (earliest === undefined) continue;
      const toDate = range.toDate ?? localDate(nowSec, system.timeZone);
      const { from, to } = localDayRange(range.fromDate, toDate, system.timeZone, nowSec);
      if (from >= earliest) continue;
      (to <= earliest ? note.nothing : note.clamped).push(system.id);
      note.from ||= localDate(earliest, system.timeZone);
    }
    if (note.nothing.length + note.clamped.length > 0) notes.push(note);
  }
  return notes;
}

/** True when no requested dataset can fetch anything for any system (pure). */
export function nothingInReach(
  notes: readonly ReachNote[],
  systems: number,
  datasets: readonly DatasetName[],
): boolean {
  if (systems === 0 || datasets.length === 0) return false;
  return datasets.every((d) => notes.find((n) => n.dataset === d)?.nothing.length === systems);
}
