// Which API plans can read which endpoints. The Watt plan is system-level only: the per-device
// telemetry endpoints (micros, encharges, acbs) answer 401 on it. Every other endpoint the
// extractors read is open to every plan. (The simulator's src/simulator/plan-access.ts answers
// the same; test/extractors/failures.test.ts holds the two together.)
import { PLAN_NAMES, type PlanName } from '../enphase/plans.js';

export const ALL_PLANS: readonly PlanName[] = PLAN_NAMES;
export const DEVICE_PLANS: readonly PlanName[] = PLAN_NAMES.filter((plan) => plan !== 'watt');
