// Which time ranges a sync or backfill of one (system, dataset) fetches (pure). The watermark says
// "loaded and settled up to here"; the floor says "contiguous from here up to the watermark", so a
// backfill that reaches further back than the service's first sync fills the gap before the floor
// and does not mistake the watermark for "everything before is loaded".
import { addDays, localMidnight } from '../normalize/time.js';
import { syncStart } from '../state/watermarks.js';

export interface Segment {
  /** Epoch seconds, [from, to). */
  from: number;
  to: number;
  /** True when loading this segment extends the contiguous range, so the watermark may follow it. */
  advancesWatermark: boolean;
}

export interface RangeInput {
  /** What is asked for, epoch seconds [from, to). */
  from: number;
  to: number;
  watermark?: number | undefined;
  floor?: number | undefined;
  nowSec: number;
  settleWindowMs: number;
  /** Fetch [from, to) again whatever is loaded (`backfill --force`). */
  force?: boolean;
  /** Load what lies before the floor too (backfill); the service's sync only moves forwards. */
  fillBeforeFloor?: boolean;
}

export interface RangePlan {
  segments: Segment[];
  /** The floor once every segment is loaded; undefined: unchanged. */
  floorAfter?: number;
}

export function planRange(input: RangeInput): RangePlan {
  const { from, to, watermark, nowSec, settleWindowMs } = input;
  if (to <= from) return { segments: [] };
  if (watermark === undefined) {
    return { segments: [{ from, to, advancesWatermark: true }], floorAfter: from };
  }
  const floor = input.floor ?? Number.NEGATIVE_INFINITY;
  if (input.force) {
    // Contiguous with the loaded range only when it starts at or before the watermark.
    const contiguous = from <= watermark && to >= floor;
    return {
      segments: [{ from, to, advancesWatermark: contiguous }],
      ...(contiguous && from < floor ? { floorAfter: from } : {}),
    };
  }
  const segments: Segment[] = [];
  let floorAfter: number | undefined;
  if (input.fillBeforeFloor && from < floor) {
    const headEnd = Math.min(floor, to);
    segments.push({ from, to: headEnd, advancesWatermark: false });
    floorAfter = from;
  }
  // The tail: from the watermark, minus the settle window (recent intervals may still change).
  const tailStart = Math.max(from, syncStart(watermark, nowSec, settleWindowMs));
  if (tailStart < to) segments.push({ from: tailStart, to, advancesWatermark: tailStart <= watermark });
  return floorAfter === undefined ? { segments } : { segments, floorAfter };
}

/**
 * A backfill's local calendar days [fromDate, toDate] of a system as epoch seconds [from, to):
 * from local midnight of `fromDate` to local midnight after `toDate`, clamped to now.
 */
export function localDayRange(
  fromDate: string,
  toDate: string,
  timeZone: string,
  nowSec: number,
): { from: number; to: number } {
  const from = localMidnight(fromDate, timeZone);
  const to = Math.min(localMidnight(addDays(toDate, 1), timeZone), nowSec);
  return { from, to: Math.max(from, to) };
}
