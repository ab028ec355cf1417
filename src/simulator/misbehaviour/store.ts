// The knobs in force, per system id; replaced at run time by sim.setMisbehaviour() and
// POST /__sim/misbehaviour.
import { parseMisbehaviour, type MisbehaviourOptions, type SystemMisbehaviour } from './knobs.js';

export class MisbehaviourStore {
  private bySystem = new Map<number, SystemMisbehaviour>();

  /** @param knownRoutes the API's route templates: knobs naming another route are refused. */
  constructor(private readonly knownRoutes: ReadonlySet<string>) {}

  /** The knobs of one system, or undefined for a well-behaved one. */
  of(systemId: number | undefined): SystemMisbehaviour | undefined {
    return systemId === undefined ? undefined : this.bySystem.get(systemId);
  }

  /** True when no system has knobs (the common case: nothing to look at). */
  isEmpty(): boolean {
    return this.bySystem.size === 0;
  }

  /** Replaces every system's knobs. Throws an Error naming the bad part (nothing changes then). */
  replace(options: MisbehaviourOptions): void {
    this.bySystem = parseMisbehaviour(options, this.knownRoutes);
  }

  /** Sets (or with undefined, clears) one system's knobs. */
  set(systemId: number, knobs: SystemMisbehaviour | undefined): void {
    if (knobs === undefined) {
      this.bySystem.delete(systemId);
      return;
    }
    const parsed = parseMisbehaviour({ [systemId]: knobs }, this.knownRoutes).get(systemId)!;
    this.bySystem.set(systemId, parsed);
  }

  /** Every system's knobs, keyed by id (for GET /__sim/misbehaviour). */
  toJSON(): Record<string, SystemMisbehaviour> {
    return Object.fromEntries([...this.bySystem].map(([id, knobs]) => [String(id), knobs]));
  }
}
