// The order `status` lists systems in: those needing attention first, so that the first screen
// of a fleet of 10,000 (and `--limit`) shows what an operator has to look at.
import type { SystemStatus } from './report.js';

/**
 * How much a system needs attention: a quarantine or failed discovery, then errors, then
 * implausible points left out lately, then active unavailability, then the largest lag.
 */
function attentionScore(s: SystemStatus): [number, number, number, number, number] {
  let errors = 0;
  let unavailable = 0;
  let lag = 0;
  for (const d of s.datasets) {
    if (d.lastError) errors++;
    if (d.unavailable?.active) unavailable++;
    lag = Math.max(lag, d.lagSeconds ?? 0);
  }
  return [s.problem ? 1 : 0, errors, s.implausible ? 1 : 0, unavailable, lag];
}

/** Systems needing attention first (see attentionScore), then by id. */
export function byAttention(systems: SystemStatus[]): SystemStatus[] {
  const scored = systems.map((system) => ({ system, score: attentionScore(system) }));
  scored.sort((a, b) => {
    for (let i = 0; i < a.score.length; i++) {
      const diff = (b.score[i] ?? 0) - (a.score[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return a.system.id - b.system.id;
  });
  return scored.map((s) => s.system);
}
