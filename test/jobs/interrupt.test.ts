// A one-shot run stopped by SIGINT/SIGTERM (the command aborts its signal): the active job
// finishes, the jobs that never started are withdrawn, the summary says `interrupted` (the command
// turns that into a non-zero exit) and a rerun resumes and completes.
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import type { ProgressFigures } from '../../src/jobs/progress.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { localDate } from '../../src/normalize/time.js';
import { NOW_MS, startE2eWorld, type E2eWorld } from '../e2e/support.js';

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 4, seed: 5 });
  runtime = w.runtime();
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

const FROM_DATE = localDate(Math.floor(NOW_MS / 1000) - 7 * 86_400, 'UTC');

it('an aborted backfill stops after the active job, withdraws the rest and resumes on a rerun', async () => {
  const controller = new AbortController();
  const abortAfterFirst = {
    start: () => undefined,
    update: (f: ProgressFigures) => {
      if (f.done >= 1) controller.abort();
    },
    stop: () => undefined,
  };
  const request = { systems: 'all' as const, fromDate: FROM_DATE, datasets: ['rgm' as const], force: false };
  const first = await backfill(runtime, request, {
    concurrency: 1,
    progress: abortAfterFirst,
    signal: controller.signal,
  });
  expect(first.interrupted).toBe(true);
  expect(first.failed).toEqual([]);
  expect(first.completed.length).toBeGreaterThanOrEqual(1);
  expect(first.completed.length).toBeLessThan(4);
  const counts = await runtime.queues.backfill.getJobCounts('waiting', 'active', 'delayed');
  expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0 });
  const loaded = await Promise.all(w.sim.fleet.ids().map((id) => runtime.watermarks.get(id, 'rgm')));
  expect(loaded.filter((mark) => mark !== undefined).length).toBe(first.completed.length);

  const rerun = await backfill(runtime, request, { concurrency: 2 });
  expect(rerun.interrupted).toBe(false);
  expect(rerun.completed.sort()).toEqual(w.sim.fleet.ids());
}, 120_000);
