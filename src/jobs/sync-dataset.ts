// One dataset of one system, window by window from its watermark: the points go to the loader, and
// the watermark (and the floor of a backfill) moves only after the loader's flush, so a crash at any
// moment repeats work but never skips data.
import { WINDOW_RULES, type DatasetName } from '../datasets/index.js';
import type { Extractor, SystemInfo } from '../extractors/index.js';
import { LineEncoder } from '../normalize/line-encoder.js';
import { localDate } from '../normalize/time.js';
import { settledWatermark } from '../state/watermarks.js';
import { PlausibilityGate } from './plausible-points.js';
import { localDayRange, planRange, type Segment } from './ranges.js';
import type { SyncDeps, SyncProgress, SyncRequest } from './sync-types.js';

/** Points serialized at a time: the loader's batch size (DEFAULT_LOADER_OPTIONS.batchSize). */
const WRITE_CHUNK_POINTS = 5_000;

/** The segments of one dataset, from its watermark and floor. */
async function segmentsOf(
  deps: SyncDeps,
  system: SystemInfo,
  dataset: DatasetName,
  request: SyncRequest,
  nowSec: number,
): Promise<{ segments: Segment[]; floorAfter?: number }> {
  const [watermark, floor] = await Promise.all([
    deps.watermarks.get(system.id, dataset),
    deps.floors.get(system.id, dataset),
  ]);
  const { settleWindowMs } = deps.settings;
  if (request.kind === 'sync') {
    const from = nowSec - Math.floor(deps.settings.initialLookbackMs / 1_000);
    return planRange({ from, to: nowSec, watermark, floor, nowSec, settleWindowMs });
  }
  const toDate = request.toDate ?? localDate(nowSec, system.timeZone);
  const { from, to } = localDayRange(request.fromDate, toDate, system.timeZone, nowSec);
  return planRange({
    from,
    to,
    watermark,
    floor,
    nowSec,
    settleWindowMs,
    force: request.force,
    fillBeforeFloor: true,
  });
}

export async function syncDataset(
  deps: SyncDeps,
  dataset: DatasetName,
  extractor: Extractor,
  system: SystemInfo,
  request: SyncRequest,
  onProgress: (progress: SyncProgress) => void,
): Promise<{ windows: number; points: number; rejected: Record<string, number> }> {
  const nowSec = () => Math.floor(deps.now() / 1_000);
  const { segments, floorAfter } = await segmentsOf(deps, system, dataset, request, nowSec());
  const totals = { windows: 0, points: 0, rejected: {} as Record<string, number> };
  const extractDeps = { client: deps.client, now: nowSec };
  const snapshot = WINDOW_RULES[dataset].kind === 'snapshot';
  // Lines go to the loader as bytes, written straight from the points (line-encoder.ts).
  const encoder = new LineEncoder();

  for (const segment of segments) {
    let loadedUntil: number | undefined;
    let pendingWindows = 0;
    let pendingPoints = 0;
    // Everything written before flush() is acknowledged: only then may the watermark move.
    const commit = async (): Promise<void> => {
      await deps.loader.flush();
      if (loadedUntil !== undefined && segment.advancesWatermark) {
        // A snapshot has no interval Enphase could still revise: it is settled when observed.
        const to = snapshot
          ? loadedUntil
          : settledWatermark(loadedUntil, nowSec(), deps.settings.settleWindowMs);
        await deps.watermarks.advance(system.id, dataset, to);
        if (floorAfter !== undefined) await deps.floors.setIfAbsent(system.id, dataset, floorAfter);
        deps.metrics?.recordLag(dataset, system.id, nowSec() - to);
      }
      deps.metrics?.pointsWritten.inc({ dataset }, pendingPoints);
      totals.windows += pendingWindows;
      totals.points += pendingPoints;
      onProgress({ dataset, windows: pendingWindows, points: pendingPoints });
      pendingWindows = 0;
      pendingPoints = 0;
    };
    // One gate per segment: a window's pieces are checked as they come, reported when it ends.
    const gate = new PlausibilityGate(deps, system, dataset);
    try {
      for await (const piece of extractor.extract(extractDeps, system, segment.from, segment.to)) {
        const points = gate.keep(piece, nowSec());
        // Serialized a batch at a time as the loader takes them: lines made all at once would wait
        // in memory for room in the loader's buffer.
        for (let i = 0; i < points.length; i += WRITE_CHUNK_POINTS)
          await deps.loader.write(encoder.encode(points, i, i + WRITE_CHUNK_POINTS));
        pendingPoints += points.length;
        // A piece of a window (a device's share): written, but the window is not loaded yet.
        if (piece.more === true) continue;
        gate.report(piece.window, totals.rejected);
        loadedUntil = piece.loadedUntil;
        pendingWindows += 1;
        if (pendingWindows >= deps.settings.commitEveryWindows) await commit();
      }
    } catch (error) {
      // The windows loaded before a failing one are kept: a window that cannot succeed now (a bad
      // body is not retried) must not cost the ones before it, or every rerun would fetch them
      // again and fail at the same place. Not at shutdown (the job is handed back as it is), and
      // when the loader itself is what failed the commit fails too: the first error is the one.
      // The pieces of the failing window written so far are flushed with them, harmlessly: rewrites
      // are idempotent and the watermark stays before that window.
      if (pendingWindows > 0 && !deps.signal?.aborted) await commit().catch(() => undefined);
      throw error;
    }
    await commit();
  }
  // The range before the old floor is loaded now: the floor moves back.
  if (floorAfter !== undefined) await deps.floors.lower(system.id, dataset, floorAfter);
  return totals;
}
