// The system registry (DESIGN §2): one Redis hash, system id → JSON of what discovery learnt about
// the system (time zone, operational date, devices, status). Sync jobs, `status` and the budget
// planner read it; only discovery writes it. It holds systems whose metadata is usable; the
// systems discovery could not use are kept beside it, with their problem, in `problems`
// (system-problems.ts), so an entry read from here is always a full, usable SystemInfo.
import type { Redis } from 'ioredis';
import { systemInfoProblem } from '../extractors/metadata-problem.js';
import type { SystemInfo } from '../extractors/types.js';
import type { RedisKeys } from './keys.js';
import { SystemProblemStore } from './system-problems.js';

export type RegistryEntry = SystemInfo & {
  status?: string;
  /** Epoch seconds of the system's last report, as the systems list says. */
  lastReportAt?: number | null;
  /** Epoch ms when discovery last saw the system. */
  discoveredAt: number;
  /** Epoch ms when the device list was last fetched (device lists change rarely: not daily). */
  devicesCheckedAt?: number;
};

/** Entries per HSCAN page: a page of 10,000 systems' JSON stays a few megabytes at most. */
const REGISTRY_PAGE_SIZE = 500;

/**
 * A stored JSON value, or undefined for anything without the minimum shape or with unusable
 * metadata (skipped, not fatal: an entry stored before quarantine existed, say with the time zone
 * 'qui', must not reach the planner or a job; the next discovery quarantines it).
 */
function parseRegistryEntry(text: string): RegistryEntry | undefined {
  try {
    const value = JSON.parse(text) as Partial<RegistryEntry>;
    if (typeof value.id !== 'number' || typeof value.timeZone !== 'string') return undefined;
    if (typeof value.discoveredAt !== 'number' || typeof value.devices !== 'object' || value.devices === null)
      return undefined;
    if (systemInfoProblem(value as RegistryEntry) !== undefined) return undefined;
    return value as RegistryEntry;
  } catch {
    return undefined;
  }
}

export class RegistryStore {
  /** The systems discovery could not use, with their problem. */
  readonly problems: SystemProblemStore;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.problems = new SystemProblemStore(redis, keys);
  }

  /** Writes (replaces) the entries in one HSET. */
  async upsert(entries: readonly RegistryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const fields: string[] = [];
    for (const entry of entries) fields.push(String(entry.id), JSON.stringify(entry));
    await this.redis.hset(this.keys.registry, ...fields);
  }

  async get(id: number | string): Promise<RegistryEntry | undefined> {
    const text = await this.redis.hget(this.keys.registry, String(id));
    return text === null ? undefined : parseRegistryEntry(text);
  }

  /** Many entries in one HMGET, in the order asked; unknown ids are left out. */
  async getMany(ids: readonly (number | string)[]): Promise<RegistryEntry[]> {
    if (ids.length === 0) return [];
    const texts = await this.redis.hmget(this.keys.registry, ...ids.map(String));
    const entries: RegistryEntry[] = [];
    for (const text of texts) {
      const entry = text === null ? undefined : parseRegistryEntry(text);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /**
   * Every entry, a page at a time (HSCAN: never the whole hash in one reply). HSCAN may return an
   * entry twice while the hash is being rewritten; pages are deduplicated within one listing.
   */
  async *list(pageSize = REGISTRY_PAGE_SIZE): AsyncGenerator<RegistryEntry[]> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.registry, cursor, 'COUNT', pageSize);
      cursor = next;
      const page: RegistryEntry[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const id = flat[i] as string;
        if (seen.has(id)) continue;
        seen.add(id);
        const entry = parseRegistryEntry(flat[i + 1] as string);
        if (entry) page.push(entry);
      }
      if (page.length > 0) yield page;
    } while (cursor !== '0');
  }

  /** All ids, sorted numerically (HKEYS: ids only, small even for 10,000 systems). */
  async ids(): Promise<number[]> {
    const keys = await this.redis.hkeys(this.keys.registry);
    return keys
      .map(Number)
      .filter((n) => Number.isFinite(n))
      .sort((a, b) => a - b);
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.keys.registry);
  }

  async remove(ids: readonly (number | string)[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(this.keys.registry, ...ids.map(String));
  }
}
