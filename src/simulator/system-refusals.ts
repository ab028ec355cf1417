// Per-system refusals (a stand-in, shaped like the per-system misbehaviour knobs being added to the
// simulator: `setSystemMisbehaviour(id, { unauthorized, notImplemented })`): route templates one
// system answers 401 (as a plan restriction, a refreshed token does not help) or 501 with the
// spec's body. Every other system answers as before.

export interface SystemRefusals {
  /** Route templates answered 401 for this system, whatever the token. */
  unauthorized?: string[];
  /** Route templates answered 501 `{reason: '501', message: ['Not Implemented']}`. */
  notImplemented?: string[];
}

export type Refusal = { status: 401 } | { status: 501 } | undefined;

export function refusalFor(knobs: SystemRefusals | undefined, route: string): Refusal {
  if (!knobs) return undefined;
  if (knobs.unauthorized?.includes(route)) return { status: 401 };
  if (knobs.notImplemented?.includes(route)) return { status: 501 };
  return undefined;
}

/** The spec's 501 body (the same on every operation that documents one). */
export function notImplementedBody(): { reason: string; message: string[] } {
  return { reason: '501', message: ['Not Implemented'] };
}
