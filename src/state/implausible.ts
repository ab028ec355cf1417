// The implausible points a system's answers held and the pipeline left out (docs/schema.md,
// "Plausibility bounds"), for `status`: counted per dataset and reason since the first of them,
// forgotten a day after the last. The log line and the metric say the same, but neither is per
// system on an operator's screen; a system that keeps sending nonsense must be visible there.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/** How long the counts are kept after the last implausible point of a system. */
export const IMPLAUSIBLE_MEMORY_MS = 24 * 3_600_000;

export interface RecentImplausible {
  /** Epoch ms of the first implausible point counted here, and of the last. */
  since: number;
  last: number;
  total: number;
  /** dataset → reason → points left out. */
  byDataset: Record<string, Record<string, number>>;
}

/** The stored hash read back (pure); null when there is none or it holds no count. */
export function parseImplausible(hash: Record<string, string>): RecentImplausible | null {
  const byDataset: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const [field, text] of Object.entries(hash)) {
    const bar = field.indexOf('|');
    const n = Number(text);
    if (bar <= 0 || !Number.isSafeInteger(n) || n <= 0) continue;
    const dataset = field.slice(0, bar);
    const reasons = (byDataset[dataset] ??= {});
    reasons[field.slice(bar + 1)] = n;
    total += n;
  }
  if (total === 0) return null;
  return { since: Number(hash.since ?? 0), last: Number(hash.last ?? 0), total, byDataset };
}

export class ImplausibleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Adds one dataset's left-out points (reason → count) at `atMs`; nothing when there are none. */
  async record(
    systemId: string | number,
    dataset: string,
    counts: Readonly<Record<string, number>>,
    atMs: number,
  ): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => n > 0);
    if (entries.length === 0) return;
    const key = this.keys.implausible(systemId);
    const tx = this.redis.multi();
    for (const [reason, n] of entries) tx.hincrby(key, `${dataset}|${reason}`, n);
    tx.hsetnx(key, 'since', String(atMs));
    tx.hset(key, 'last', String(atMs));
    // Bounded: a fixed set of fields per system, and gone a day after the last.
    tx.pexpire(key, IMPLAUSIBLE_MEMORY_MS);
    await tx.exec();
  }

  async get(systemId: string | number): Promise<RecentImplausible | null> {
    return parseImplausible(await this.redis.hgetall(this.keys.implausible(systemId)));
  }
}
