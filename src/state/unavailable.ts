// Datasets unavailable for a system: its plan does not include them (401/403 with a fresh token)
// or the API gave an answer no retry changes (501, 400, 404 for a device, 422). Remembered with
// the status, reason and time, so syncs skip them without spending quota until `until` has passed.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

export interface Unavailability {
  reason: string;
  /** The HTTP status that made it unavailable (absent in marks written before it was kept). */
  status?: number;
  /** Epoch ms when it was seen. */
  at: number;
  /** Epoch ms after which the dataset is tried again; undefined: until cleared. */
  until?: number;
}

/** True while the mark holds at `nowMs`. */
export function isStillUnavailable(mark: Unavailability, nowMs: number): boolean {
  return mark.until === undefined || nowMs < mark.until;
}

/** A stored JSON value, or undefined for anything that does not have the shape (ignored, not fatal). */
export function parseUnavailability(text: string): Unavailability | undefined {
  try {
    const value = JSON.parse(text) as Partial<Unavailability>;
    if (typeof value.reason !== 'string' || typeof value.at !== 'number') return undefined;
    if (value.until !== undefined && typeof value.until !== 'number') return undefined;
    return {
      reason: value.reason,
      at: value.at,
      ...(value.until !== undefined ? { until: value.until } : {}),
      ...(typeof value.status === 'number' ? { status: value.status } : {}),
    };
  } catch {
    return undefined;
  }
}

/** How a skip is reported in summaries: the plan's refusal, or the permanent answer's status. */
export function unavailableReason(mark: Unavailability): string {
  const plan = mark.status === undefined || mark.status === 401 || mark.status === 403;
  return plan
    ? `unavailable on this plan: ${mark.reason}`
    : `unavailable for this system (answered ${mark.status}): ${mark.reason}`;
}

export function parseUnavailableHash(hash: Record<string, string>): Record<string, Unavailability> {
  const result: Record<string, Unavailability> = {};
  for (const [dataset, text] of Object.entries(hash)) {
    const mark = parseUnavailability(text);
    if (mark) result[dataset] = mark;
  }
  return result;
}

export class UnavailableStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async mark(systemId: string | number, dataset: string, mark: Unavailability): Promise<void> {
    await this.redis.hset(this.keys.unavailable(systemId), dataset, JSON.stringify(mark));
  }

  async clear(systemId: string | number, dataset: string): Promise<void> {
    await this.redis.hdel(this.keys.unavailable(systemId), dataset);
  }

  async getSystem(systemId: string | number): Promise<Record<string, Unavailability>> {
    return parseUnavailableHash(await this.redis.hgetall(this.keys.unavailable(systemId)));
  }

  /** The mark of one dataset if it still holds at `nowMs`. */
  async current(
    systemId: string | number,
    dataset: string,
    nowMs: number,
  ): Promise<Unavailability | undefined> {
    const text = await this.redis.hget(this.keys.unavailable(systemId), dataset);
    const mark = text === null ? undefined : parseUnavailability(text);
    return mark && isStillUnavailable(mark, nowMs) ? mark : undefined;
  }
}
