// Enphase API plans and their request limits. `null` per month means the plan has no monthly cap.
// The simulator enforces the same presets, so one table serves both sides.
export const PLAN_NAMES = ['watt', 'kilowatt', 'megawatt', 'partner', 'custom'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export interface PlanLimits {
  perMinute: number;
  perMonth: number | null;
}

export const PLAN_PRESETS: Record<Exclude<PlanName, 'custom'>, PlanLimits> = {
  watt: { perMinute: 10, perMonth: 1_000 },
  kilowatt: { perMinute: 50, perMonth: 50_000 },
  megawatt: { perMinute: 100, perMonth: 300_000 },
  partner: { perMinute: 300, perMonth: null },
};
