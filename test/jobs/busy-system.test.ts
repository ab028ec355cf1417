// A backfill job whose system lock is held by someone else (a killed process's lock lapses only
// after its TTL) waits for it without using up its attempts: the long chaos run failed a healthy
// system whose attempts all went on waiting (real Redis, influxd and the simulator).
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { BUSY_SYSTEM_DELAY_MS } from '../../src/jobs/worker.js';
import { localDate } from '../../src/normalize/time.js';
import { memoryLogger, NOW_MS, startE2eWorld, type E2eWorld } from '../e2e/support.js';

let w: E2eWorld;
let runtime: Runtime;
const log = memoryLogger('warn');
beforeAll(async () => {
  w = await startE2eWorld({ systems: 1, seed: 31 });
  // A short wait for the lock, so a held lock costs an attempt at once under the old rule.
  runtime = w.runtime({ logger: log.logger, lock: { ttlMs: 60_000, waitMs: 300, pollMs: 50 } });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

it('waits for a lock held past several backoffs and loads the system, no attempt failed', async () => {
  const id = w.sim.fleet.ids()[0]!;
  // Held as by a dead process: no one renews it, it lapses after its TTL.
  const heldMs = 2 * BUSY_SYSTEM_DELAY_MS;
  await runtime.redis.set(runtime.keys.systemLock(id), 'a-killed-process', 'PX', heldMs);
  const started = Date.now();
  const summary = await backfill(runtime, {
    systems: [id],
    fromDate: localDate(Math.floor(NOW_MS / 1000) - 2 * 86_400, 'UTC'),
    datasets: ['rgm'],
    force: false,
  });
  expect(summary.failed).toEqual([]);
  expect(summary.completed).toEqual([id]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(heldMs - 500);
  expect(log.lines().filter((l) => l.msg === 'job attempt failed')).toEqual([]);
}, 90_000);
