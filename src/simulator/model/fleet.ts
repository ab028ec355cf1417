// The fleet: which systems exist, their profiles, and their physics, built lazily by id so that a
// fleet of 10,000 systems costs memory only for the systems actually asked about. Also the "truth
// API" tests use to compute expected values without HTTP (documented in docs/simulator.md).
import { dailyTotal, type DailyKind } from './daily.js';
import { buildProfile, type SystemProfile } from './profile.js';
import {
  SystemModel,
  type BatteryValue,
  type GridValue,
  type MeterValue,
  type ProductionMicroValue,
} from './system-model.js';
import { localMidnight, addDays } from './local-time.js';

export const FIRST_SYSTEM_ID = 100_001;
// Each model caches its settled daily totals (up to ~15k numbers for 6 years × 7 kinds): keep a few dozen.
const MODEL_CACHE_LIMIT = 64;

export interface FleetOptions {
  seed: number;
  systems: number;
  /** Microinverters of every system; default 8–40 per system, from the seed. */
  micros?: number;
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
  private readonly micros: number | undefined;
  private readonly profiles = new Map<number, SystemProfile>();
  private readonly models = new Map<number, SystemModel>();

  constructor(options: FleetOptions) {
    this.seed = options.seed;
    this.size = options.systems;
    this.anchorSec = Math.floor(options.anchorMs / 1000);
    this.micros = options.micros;
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
    let profile = this.profiles.get(id);
    if (!profile) {
      profile = buildProfile(this.seed, id, id - FIRST_SYSTEM_ID, this.anchorSec, this.micros);
      this.profiles.set(id, profile);
    }
    return profile;
  }

  /** The physics of a system (kept for the most recently used systems only). */
  model(id: number): SystemModel {
    let model = this.models.get(id);
    if (model) {
      // Move to the back: the map's order is the LRU order.
      this.models.delete(id);
      this.models.set(id, model);
      return model;
    }
    const profile = this.system(id);
    if (!profile) throw new Error(`no system ${id} in this fleet`);
    model = new SystemModel(this.seed, profile);
    if (this.models.size >= MODEL_CACHE_LIMIT) this.models.delete(this.models.keys().next().value!);
    this.models.set(id, model);
    return model;
  }

  // ---- truth API: interval values as seen at nowMs (null = not reported yet / no such device) ----

  /** Site micro production of the 5-minute interval ending endAtSec. */
  productionMicro(systemId: number, endAtSec: number, nowMs: number): ProductionMicroValue | null {
    return this.model(systemId).productionMicro(endAtSec, Math.floor(nowMs / 1000));
  }

  /** One micro (by index in `system(id).micros`) for the 5-minute interval ending endAtSec. */
  micro(
    systemId: number,
    microIndex: number,
    endAtSec: number,
    nowMs: number,
  ): { enwh: number; powr: number } | null {
    return this.model(systemId).micro(microIndex, endAtSec, Math.floor(nowMs / 1000));
  }

  /** Production meter, 15-minute interval ending endAtSec. */
  productionMeter(systemId: number, endAtSec: number, nowMs: number): MeterValue | null {
    return this.model(systemId).productionMeter(endAtSec, Math.floor(nowMs / 1000));
  }

  /** Consumption meter, 15-minute interval ending endAtSec. */
  consumption(systemId: number, endAtSec: number, nowMs: number): MeterValue | null {
    return this.model(systemId).consumption(endAtSec, Math.floor(nowMs / 1000));
  }

  /** Batteries, 15-minute interval ending endAtSec. */
  battery(systemId: number, endAtSec: number, nowMs: number): BatteryValue | null {
    return this.model(systemId).battery(endAtSec, Math.floor(nowMs / 1000));
  }

  /** Grid import/export, 15-minute interval ending endAtSec. */
  grid(systemId: number, endAtSec: number, nowMs: number): GridValue | null {
    return this.model(systemId).grid(endAtSec, Math.floor(nowMs / 1000));
  }

  /** Energy (Wh) of `kind` over the local calendar day `isoDate` (YYYY-MM-DD) as seen at nowMs. */
  daily(systemId: number, kind: DailyKind, isoDate: string, nowMs: number): number {
    const zone = this.system(systemId)!.place.timezone;
    return dailyTotal(
      this.model(systemId),
      kind,
      localMidnight(isoDate, zone),
      localMidnight(addDays(isoDate, 1), zone),
      Math.floor(nowMs / 1000),
    );
  }
}
