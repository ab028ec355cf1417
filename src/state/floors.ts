// Floors: per (system, dataset), the epoch second from which data is loaded contiguously up to the
// watermark, one hash per system. A sync never fetches below it; a backfill fills the range before
// it and then lowers it. Lowering only ever moves a floor back, like the watermark only forwards.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/**
 * lowerFloor (1 key): KEYS[1] the system's hash, ARGV[1] dataset, ARGV[2] epoch seconds.
 * Read-compare-write in one script: two backfills of one system finishing at once (an HGET each,
 * then an HSET each) could otherwise leave the later, higher floor, and the next backfill would
 * fetch again a range that is loaded. Returns 1 when it moved, 0 when the stored value was not higher.
 */
const LOWER_FLOOR_1 = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(current) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

type RedisWithLowerFloor = Redis & {
  lowerFloor(key: string, dataset: string, floor: string): Promise<number>;
};

function wholeSeconds(floorSec: number): string {
  if (!Number.isInteger(floorSec)) throw new RangeError(`floor must be whole epoch seconds, got ${floorSec}`);
  return String(floorSec);
}

export class FloorStore {
  private readonly redis: RedisWithLowerFloor;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    if (!('lowerFloor' in redis)) redis.defineCommand('lowerFloor', { numberOfKeys: 1, lua: LOWER_FLOOR_1 });
    this.redis = redis as RedisWithLowerFloor;
  }

  async get(systemId: string | number, dataset: string): Promise<number | undefined> {
    const text = await this.redis.hget(this.keys.floors(systemId), dataset);
    return text === null ? undefined : Number(text);
  }

  /** The first floor of a dataset (its first committed window); a floor already there stays. */
  async setIfAbsent(systemId: string | number, dataset: string, floorSec: number): Promise<void> {
    await this.redis.hsetnx(this.keys.floors(systemId), dataset, wholeSeconds(floorSec));
  }

  /** Moves the floor back to `floorSec` if that is earlier than the stored one (or none is); true when it moved. */
  async lower(systemId: string | number, dataset: string, floorSec: number): Promise<boolean> {
    const moved = await this.redis.lowerFloor(this.keys.floors(systemId), dataset, wholeSeconds(floorSec));
    return moved === 1;
  }
}
