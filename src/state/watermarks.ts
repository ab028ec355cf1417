// Watermarks (DESIGN §3): per (system, dataset), the end of the last interval that is loaded *and*
// settled, in epoch seconds, one hash per system. Advanced only after the loader's flush(), and only
// forwards: a stale or repeated job never moves it back.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/**
 * advanceWatermark (1 key): KEYS[1] the system's hash, ARGV[1] dataset, ARGV[2] epoch seconds.
 * Read-compare-write in one script, so two workers racing cannot interleave between the read and
 * the write (a plain HGET + HSET could). Returns 1 when it moved, 0 when the stored value was not older.
 */
const ADVANCE_WATERMARK_1 = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(current) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

type RedisWithAdvance = Redis & {
  advanceWatermark(key: string, dataset: string, to: string): Promise<number>;
};

/** Watermarks of one system: dataset → epoch seconds. */
export type SystemWatermarks = Record<string, number>;

/**
 * Where a sync of a dataset starts: the watermark, but never later than `now − settle window`, so
 * recent intervals that Enphase may still revise are fetched again until they settle.
 */
export function syncStart(watermarkSec: number, nowSec: number, settleWindowMs: number): number {
  return Math.min(watermarkSec, nowSec - Math.floor(settleWindowMs / 1_000));
}

/**
 * The watermark a window justifies once its points are acknowledged: its end, but no later than
 * `now − settle window` (data younger than that is loaded, not settled).
 */
export function settledWatermark(loadedUntilSec: number, nowSec: number, settleWindowMs: number): number {
  return Math.min(loadedUntilSec, nowSec - Math.floor(settleWindowMs / 1_000));
}

/** Parses HGETALL's strings into numbers, skipping anything that is not an integer. */
export function parseWatermarks(hash: Record<string, string>): SystemWatermarks {
  const result: SystemWatermarks = {};
  for (const [dataset, text] of Object.entries(hash)) {
    if (/^-?\d+$/.test(text)) result[dataset] = Number(text);
  }
  return result;
}

export class WatermarkStore {
  private readonly redis: RedisWithAdvance;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    if (!('advanceWatermark' in redis))
      redis.defineCommand('advanceWatermark', { numberOfKeys: 1, lua: ADVANCE_WATERMARK_1 });
    this.redis = redis as RedisWithAdvance;
  }

  /** Moves the watermark to `toSec` if that is later than the stored one; true when it moved. */
  async advance(systemId: string | number, dataset: string, toSec: number): Promise<boolean> {
    if (!Number.isInteger(toSec)) throw new RangeError(`watermark must be whole epoch seconds, got ${toSec}`);
    const moved = await this.redis.advanceWatermark(this.keys.watermarks(systemId), dataset, String(toSec));
    return moved === 1;
  }

  async get(systemId: string | number, dataset: string): Promise<number | undefined> {
    const text = await this.redis.hget(this.keys.watermarks(systemId), dataset);
    return text === null ? undefined : Number(text);
  }

  async getSystem(systemId: string | number): Promise<SystemWatermarks> {
    return parseWatermarks(await this.redis.hgetall(this.keys.watermarks(systemId)));
  }
}
