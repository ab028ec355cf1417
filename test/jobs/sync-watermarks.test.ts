// Where a sync leaves the watermark: an interval dataset at most `now − settle window` (recent
// intervals are loaded, not settled); a snapshot (`system`, `latest`, `config`) at its
// observation time, since a snapshot has no interval that could still be revised.
import { resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { syncSystem } from '../../src/jobs/sync-system.js';
import { startE2eWorld, type E2eWorld } from '../e2e/support.js';

let w: E2eWorld;
let runtime: Runtime;
beforeAll(async () => {
  w = await startE2eWorld({ systems: 1, seed: 11 });
  runtime = w.runtime({ env: { INITIAL_LOOKBACK: '2d', SETTLE_WINDOW: '24h' } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

it('snapshots are watermarked at the observation time, interval series a settle window back', async () => {
  const [system] = await resolveSystems(runtime, w.sim.fleet.ids());
  const result = await syncSystem(runtime.syncDeps(), system!, {
    kind: 'sync',
    all: true,
    datasets: ['system', 'latest', 'rgm'],
  });
  expect(result.failed).toEqual([]);
  expect([...result.loaded].sort()).toEqual(['latest', 'rgm', 'system']);
  const nowSec = Math.floor(w.clock.ms / 1000);
  const marks = await runtime.watermarks.getSystem(system!.id);
  expect(marks.system).toBe(nowSec);
  expect(marks.latest).toBe(nowSec);
  expect(marks.rgm).toBeLessThanOrEqual(nowSec - 24 * 3600);
}, 60_000);
