// The fleet: which systems exist and their profiles, built lazily by id so that a fleet of 10,000
// systems costs memory only for the systems actually asked about.
import { buildProfile, type SystemProfile } from './profile.js';

export const FIRST_SYSTEM_ID = 100_001;

export interface FleetOptions {
  seed: number;
  systems: number;
  /** Epoch ms the fleet's ages are counted from (see `fleetAnchorMs`). */
  anchorMs: number;
}

/** The first of the month (UTC) of `nowMs`: system ages stay fixed while a run lasts. */
export function fleetAnchorMs(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export class Fleet {
  readonly seed: number;
  readonly size: number;
  readonly anchorSec: number;
  private readonly cache = new Map<number, SystemProfile>();

  constructor(options: FleetOptions) {
    this.seed = options.seed;
    this.size = options.systems;
    this.anchorSec = Math.floor(options.anchorMs / 1000);
  }

  /** System ids in ascending order. */
  ids(): number[] {
    return Array.from({ length: this.size }, (_, i) => FIRST_SYSTEM_ID + i);
  }

  has(id: number): boolean {
    return Number.isInteger(id) && id >= FIRST_SYSTEM_ID && id < FIRST_SYSTEM_ID + this.size;
  }

  /** Every system's profile (builds them all: for tests and small fleets). */
  systems(): SystemProfile[] {
    return this.ids().map((id) => this.system(id)!);
  }

  /** The profile of a system, or undefined when the fleet has no such id. */
  system(id: number): SystemProfile | undefined {
    if (!this.has(id)) return undefined;
    let profile = this.cache.get(id);
    if (!profile) {
      profile = buildProfile(this.seed, id, id - FIRST_SYSTEM_ID, this.anchorSec);
      this.cache.set(id, profile);
    }
    return profile;
  }
}
