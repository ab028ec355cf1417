// Sync marks: per (system, dataset), when it was last synced (epoch ms), one hash per system. A
// round's sync job runs a dataset only when its mark is at least its cadence old; `status` shows
// the marks. Written after every attempt, success or failure, except a job handed back at shutdown.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { SYSTEMS_PER_PIPELINE } from './system-states.js';

/** Dataset → epoch ms, from HGETALL's strings; anything that is not a whole number is skipped. */
export function parseSyncMarks(hash: Record<string, string>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [dataset, text] of Object.entries(hash)) {
    if (/^\d+$/.test(text)) result[dataset] = Number(text);
  }
  return result;
}

export class SyncMarkStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async getSystem(systemId: string | number): Promise<Record<string, number>> {
    return parseSyncMarks(await this.redis.hgetall(this.keys.lastSync(systemId)));
  }

  async record(systemId: string | number, dataset: string, atMs: number): Promise<void> {
    await this.redis.hset(this.keys.lastSync(systemId), dataset, String(atMs));
  }

  /** Forgets a dataset's mark: the next round finds it due. */
  async clear(systemId: string | number, dataset: string): Promise<void> {
    await this.redis.hdel(this.keys.lastSync(systemId), dataset);
  }
}

/** The sync marks of many systems: pipelines of SYSTEMS_PER_PIPELINE HGETALLs, not a round trip each. */
export async function readSyncMarks(
  redis: Redis,
  keys: RedisKeys,
  ids: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const result = new Map<number, Record<string, number>>();
  for (let start = 0; start < ids.length; start += SYSTEMS_PER_PIPELINE) {
    const chunk = ids.slice(start, start + SYSTEMS_PER_PIPELINE);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.hgetall(keys.lastSync(id));
    const replies = (await pipeline.exec()) ?? [];
    chunk.forEach((id, i) => {
      const [error, value] = replies[i] ?? [null, {}];
      if (error) throw error;
      result.set(id, parseSyncMarks((value ?? {}) as Record<string, string>));
    });
  }
  return result;
}
