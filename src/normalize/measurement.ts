// What a measurement declares: its tag keys, its typed fields and the plausibility bounds of its
// numeric fields. Each dataset's descriptor (src/datasets/<name>/index.ts) declares the
// measurements it writes with these; src/normalize/schema.ts gathers them into the one table.
export type FieldType = 'int' | 'float' | 'string' | 'bool';

export interface MeasurementSchema {
  /** Identity only. A point may leave out a tag declared here (e.g. an optional serial). */
  readonly tags: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
  /** Plausibility bounds of numeric fields (src/normalize/plausibility.ts checks them). */
  readonly bounds?: Readonly<Record<string, Bound>>;
  /**
   * Written by the service about itself (src/jobs/health.ts), never from an API answer: its values
   * are our own counts, so it has no plausibility bounds.
   */
  readonly writtenBy?: 'service';
}

export type Measurements = Readonly<Record<string, MeasurementSchema>>;

/**
 * What a numeric field may hold (docs/schema.md, "Plausibility bounds"). Powers and energies are
 * bounded by a power scale: `micro` one microinverter, `pv` the system's PV array (from its
 * microinverter count), `site` anything a site can draw or store (consumption, grid, batteries,
 * EV chargers), for which no size is known.
 */
export type Scale = 'micro' | 'pv' | 'site';
export type Bound =
  /** Epoch seconds: not before the system's operational date − 25 h, not after now + 1 h. */
  | { readonly kind: 'time' }
  /** 0–100. */
  | { readonly kind: 'percent' }
  /** ≥ 0 (devices, modules, events, seconds, a lifetime total). */
  | { readonly kind: 'count' }
  /** ≥ 0 and ≤ the scale's power × `perSec` × headroom. */
  | { readonly kind: 'energy'; readonly scale: Scale; readonly perSec: number }
  /** Within ±(or 0 to, when not signed) the scale's power × headroom. */
  | { readonly kind: 'power'; readonly scale: Scale; readonly signed: boolean }
  /** A fixed range (seconds after local midnight). */
  | { readonly kind: 'range'; readonly min: number; readonly max: number };

export const TIME = { kind: 'time' } as const;
export const PERCENT = { kind: 'percent' } as const;
export const COUNT = { kind: 'count' } as const;
export const energy = (scale: Scale, perSec: number): Bound => ({ kind: 'energy', scale, perSec });
export const power = (scale: Scale, signed = false): Bound => ({ kind: 'power', scale, signed });
/** The longest local day (DST), the period of a daily value. */
export const LOCAL_DAY = 90_000;
