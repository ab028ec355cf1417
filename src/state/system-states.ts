// Everything `status` shows per system (watermarks, unavailable datasets, last errors, recent
// implausible points) for any number of systems in one pipelined pass: four HGETALLs per system, sent in chunks without
// waiting for answers in between, instead of one round trip per key.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { parseImplausible, type RecentImplausible } from './implausible.js';
import { parseLastErrors, type LastError } from './last-errors.js';
import { parseUnavailableHash, type Unavailability } from './unavailable.js';
import { parseWatermarks, type SystemWatermarks } from './watermarks.js';

export interface SystemState {
  watermarks: SystemWatermarks;
  unavailable: Record<string, Unavailability>;
  lastErrors: Record<string, LastError>;
  /** Implausible points left out in the last day (src/state/implausible.ts). */
  implausible: RecentImplausible | null;
}

/** Systems per pipeline: bounds the memory of one reply batch; 10,000 systems are 5 exchanges. */
export const SYSTEMS_PER_PIPELINE = 2_000;

function asHash(reply: [Error | null, unknown] | undefined): Record<string, string> {
  if (!reply) return {};
  const [error, value] = reply;
  if (error) throw error;
  return (value ?? {}) as Record<string, string>;
}

export async function readSystemStates(
  redis: Redis,
  keys: RedisKeys,
  systemIds: readonly (string | number)[],
): Promise<Map<string, SystemState>> {
  const states = new Map<string, SystemState>();
  for (let start = 0; start < systemIds.length; start += SYSTEMS_PER_PIPELINE) {
    const chunk = systemIds.slice(start, start + SYSTEMS_PER_PIPELINE);
    const pipeline = redis.pipeline();
    for (const id of chunk) {
      pipeline.hgetall(keys.watermarks(id));
      pipeline.hgetall(keys.unavailable(id));
      pipeline.hgetall(keys.lastErrors(id));
      pipeline.hgetall(keys.implausible(id));
    }
    const replies = (await pipeline.exec()) ?? [];
    chunk.forEach((id, index) => {
      states.set(String(id), {
        watermarks: parseWatermarks(asHash(replies[index * 4])),
        unavailable: parseUnavailableHash(asHash(replies[index * 4 + 1])),
        lastErrors: parseLastErrors(asHash(replies[index * 4 + 2])),
        implausible: parseImplausible(asHash(replies[index * 4 + 3])),
      });
    });
  }
  return states;
}
