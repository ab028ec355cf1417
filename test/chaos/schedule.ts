// The chaos run's events, drawn once from a seed (pure): the same seed gives the same kills,
// outage and restarts at the same offsets, so a failing run can be repeated. Offsets are scaled by
// the clean run's durations, so the events land in the same parts of the work on a fast machine
// and a slow one.

export type ChaosEvent =
  | { kind: 'kill-worker'; atMs: number; worker: number }
  | { kind: 'influx-outage'; atMs: number; forMs: number }
  | { kind: 'redis-restart'; atMs: number; keep: 'aof' | 'empty' };

export interface ScheduleInput {
  seed: number;
  kills: number;
  workers: number;
  influxOutageMs: number;
  /** The clean run's backfill phase, and the whole clean run (backfill + service rounds). */
  backfillMs: number;
  totalMs: number;
}

/** mulberry32: a small, well-mixed 32-bit generator; enough for reproducible offsets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Kills anywhere in the run; the restarts and the outage inside the backfill, apart from each
 * other. An empty Redis forgets every watermark, so all that was loaded before it is fetched again:
 * it comes early in the backfill (5–12 %), where the issue's ≤ 10 % extra-hits target can hold; the
 * restart with AOF loses nothing and may come anywhere. Sorted by time.
 */
export function chaosSchedule(input: ScheduleInput): ChaosEvent[] {
  const random = seededRandom(input.seed);
  const between = (from: number, to: number, of: number) => Math.round((from + random() * (to - from)) * of);
  const events: ChaosEvent[] = [
    { kind: 'redis-restart', atMs: between(0.05, 0.12, input.backfillMs), keep: 'empty' },
    { kind: 'redis-restart', atMs: between(0.2, 0.35, input.backfillMs), keep: 'aof' },
    { kind: 'influx-outage', atMs: between(0.4, 0.6, input.backfillMs), forMs: input.influxOutageMs },
  ];
  for (let i = 0; i < input.kills; i += 1)
    events.push({
      kind: 'kill-worker',
      atMs: between(0.03, 0.95, input.totalMs),
      worker: Math.floor(random() * input.workers),
    });
  return events.sort((a, b) => a.atMs - b.atMs);
}

export function describeEvent(event: ChaosEvent): string {
  switch (event.kind) {
    case 'kill-worker':
      return `SIGKILL worker ${event.worker + 1}`;
    case 'influx-outage':
      return `InfluxDB down for ${Math.round(event.forMs / 1000)} s`;
    case 'redis-restart':
      return event.keep === 'aof' ? 'Redis restarted (AOF kept)' : 'Redis restarted empty';
  }
}
