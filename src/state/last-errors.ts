// The last failure per (system, dataset), for `status`; cleared when the dataset next succeeds.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

export interface LastError {
  message: string;
  /** Epoch ms. */
  at: number;
}

/** Long messages are cut: `status` shows them in a table, and Redis is not a log store. */
export const MAX_ERROR_MESSAGE = 1_000;

export function parseLastErrors(hash: Record<string, string>): Record<string, LastError> {
  const result: Record<string, LastError> = {};
  for (const [dataset, text] of Object.entries(hash)) {
    try {
      const value = JSON.parse(text) as Partial<LastError>;
      if (typeof value.message === 'string' && typeof value.at === 'number')
        result[dataset] = { message: value.message, at: value.at };
    } catch {
      // a value of another shape is skipped, not fatal
    }
  }
  return result;
}

export class LastErrorStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(systemId: string | number, dataset: string, message: string, atMs: number): Promise<void> {
    const error: LastError = { message: message.slice(0, MAX_ERROR_MESSAGE), at: atMs };
    await this.redis.hset(this.keys.lastErrors(systemId), dataset, JSON.stringify(error));
  }

  async clear(systemId: string | number, dataset: string): Promise<void> {
    await this.redis.hdel(this.keys.lastErrors(systemId), dataset);
  }

  async getSystem(systemId: string | number): Promise<Record<string, LastError>> {
    return parseLastErrors(await this.redis.hgetall(this.keys.lastErrors(systemId)));
  }
}
