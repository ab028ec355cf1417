// Which API plan may call which endpoint. Enphase's free Watt plan gives system-level data only:
// device-level telemetry answers 401 on it, which the ETL must tell apart from an expired token
// (DESIGN §3 "401 means two things"). Routes not listed are open to every plan.
import type { PlanName } from '../enphase/plans.js';

export const PLAN_RESTRICTED_ROUTES: Readonly<Record<string, readonly PlanName[]>> = {
  '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry': ['watt'],
  '/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry': ['watt'],
  '/api/v4/systems/{system_id}/devices/encharges/{serial_no}/telemetry': ['watt'],
};

/** True when `plan` may call the route (an OpenAPI path template). */
export function planAllows(plan: PlanName, route: string): boolean {
  const denied = PLAN_RESTRICTED_ROUTES[route];
  return !denied || !denied.includes(plan);
}
