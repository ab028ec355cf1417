// Systems discovery could not use (DESIGN §3 "Fault isolation"): one Redis hash beside the
// registry, system id → JSON problem. The registry itself keeps only systems whose metadata is
// usable, so every reader of a RegistryEntry (planner, rounds, jobs) gets a full SystemInfo; a
// system known only by its id and its problem lives here. Discovery writes both, together:
// - `quarantined`: the API's metadata cannot be used (src/extractors/metadata-problem.ts); the
//   system has no registry entry, its jobs fail at once, it costs no request but discovery's;
// - `discovery-failed`: a request of its discovery failed (a malformed or failing device list or
//   detail); the system keeps its registry entry if it had one (its stored facts are still
//   used) and is retried at the next discovery.
// A problem is cleared when discovery next gets usable answers for the system.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

export type SystemProblemKind = 'quarantined' | 'discovery-failed';

export interface SystemProblem {
  id: number;
  kind: SystemProblemKind;
  /** One line: what is wrong. */
  reason: string;
  /** Epoch ms when discovery first saw a problem of this kind (kept while the kind persists). */
  since: number;
  /** Epoch ms of the last discovery that saw it. */
  checkedAt: number;
  /** What the API said of the system where it said anything (for `status`). */
  name?: string;
  timeZone?: string;
}

/** Long reasons are cut: `status` shows them in a table. */
const MAX_REASON = 500;

function parseProblem(text: string): SystemProblem | undefined {
  try {
    const value = JSON.parse(text) as Partial<SystemProblem>;
    if (typeof value.id !== 'number' || typeof value.reason !== 'string') return undefined;
    if (value.kind !== 'quarantined' && value.kind !== 'discovery-failed') return undefined;
    if (typeof value.since !== 'number' || typeof value.checkedAt !== 'number') return undefined;
    return value as SystemProblem;
  } catch {
    return undefined;
  }
}

/** The reason a job of this system fails at once (pure; names the problem and what happens next). */
export function describeProblem(problem: SystemProblem): string {
  const since = new Date(problem.since).toISOString();
  return problem.kind === 'quarantined'
    ? `system ${problem.id} is quarantined since ${since}: ${problem.reason} (rechecked at every discovery)`
    : `discovery of system ${problem.id} failed (since ${since}): ${problem.reason} (retried at the next discovery)`;
}

export class SystemProblemStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Writes the problems; a problem of the same kind as the stored one keeps its `since`. */
  async record(problems: ReadonlyArray<Omit<SystemProblem, 'since'>>): Promise<void> {
    if (problems.length === 0) return;
    const before = await this.getMany(problems.map((p) => p.id));
    const fields: string[] = [];
    for (const p of problems) {
      const previous = before.get(p.id);
      const since = previous?.kind === p.kind ? previous.since : p.checkedAt;
      const problem: SystemProblem = { ...p, reason: p.reason.slice(0, MAX_REASON), since };
      fields.push(String(p.id), JSON.stringify(problem));
    }
    await this.redis.hset(this.keys.systemProblems, ...fields);
  }

  async clear(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.redis.hdel(this.keys.systemProblems, ...ids.map(String));
  }

  async get(id: number): Promise<SystemProblem | undefined> {
    const text = await this.redis.hget(this.keys.systemProblems, String(id));
    return text === null ? undefined : parseProblem(text);
  }

  /** The problems of these systems (one HMGET); systems without one are absent from the map. */
  async getMany(ids: readonly number[]): Promise<Map<number, SystemProblem>> {
    const result = new Map<number, SystemProblem>();
    if (ids.length === 0) return result;
    const texts = await this.redis.hmget(this.keys.systemProblems, ...ids.map(String));
    for (const text of texts) {
      const problem = text === null ? undefined : parseProblem(text);
      if (problem) result.set(problem.id, problem);
    }
    return result;
  }

  /** Every problem, by id (HGETALL: systems with a problem are few, even in a large fleet). */
  async list(): Promise<SystemProblem[]> {
    const hash = await this.redis.hgetall(this.keys.systemProblems);
    return Object.values(hash)
      .map(parseProblem)
      .filter((p): p is SystemProblem => p !== undefined)
      .sort((a, b) => a.id - b.id);
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.keys.systemProblems);
  }
}
