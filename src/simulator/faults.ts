// Fault injection: every decision is a pure function of (seed, request number), so a failing run
// can be replayed exactly. Off unless FaultOptions say otherwise.
import { SALT, unit } from './model/hash.js';

export interface FaultOptions {
  /** Fraction of /api/v4 requests answered 500/502/503. */
  errorRate?: number;
  /** Added latency (ms) before every /api/v4 answer. */
  latencyMs?: number;
  /** Fraction that never answer (hang until the client gives up). */
  timeoutRate?: number;
  /** Fraction answered with malformed JSON. */
  malformedRate?: number;
  /** Fraction answered with a truncated JSON body. */
  truncatedRate?: number;
  /** Fraction with schema drift: nulls, missing fields, unknown extra fields. */
  driftRate?: number;
  /** Every `every` requests, `length` answers of 429 (period minute). */
  burst429?: { every: number; length: number };
  /** Fraction answered 429 (period minute) at random, on top of any burst. */
  rate429?: number;
  /** Restrict faults to these route templates. */
  only?: string[];
}

export type BodyFault = 'malformed' | 'truncated' | 'drift';

export type FaultDecision =
  | { kind: 'none'; latencyMs: number; body: BodyFault | null }
  | { kind: 'timeout'; latencyMs: number }
  | { kind: 'error'; latencyMs: number; status: 500 | 502 | 503 }
  | { kind: 'burst429'; latencyMs: number }
  | { kind: 'random429'; latencyMs: number };

const NONE: FaultDecision = { kind: 'none', latencyMs: 0, body: null };

/** The fault for the `n`-th faultable request (1-based) on `route`. */
export function decideFault(faults: FaultOptions, seed: number, n: number, route: string): FaultDecision {
  if (faults.only && faults.only.length > 0 && !faults.only.includes(route)) return NONE;
  const latencyMs = Math.max(0, faults.latencyMs ?? 0);
  const u = (k: number): number => unit(seed, SALT.fault, n, k);
  const burst = faults.burst429;
  if (burst && burst.every > 0 && burst.length > 0 && (n - 1) % burst.every < burst.length)
    return { kind: 'burst429', latencyMs };
  // Its own draw (40): switching it on leaves every other decision of a seeded run as it was.
  if (u(40) < (faults.rate429 ?? 0)) return { kind: 'random429', latencyMs };
  if (u(1) < (faults.timeoutRate ?? 0)) return { kind: 'timeout', latencyMs };
  if (u(2) < (faults.errorRate ?? 0)) {
    const statuses = [500, 502, 503] as const;
    return { kind: 'error', latencyMs, status: statuses[Math.floor(u(3) * 3)] ?? 500 };
  }
  let body: BodyFault | null = null;
  if (u(4) < (faults.malformedRate ?? 0)) body = 'malformed';
  else if (u(5) < (faults.truncatedRate ?? 0)) body = 'truncated';
  else if (u(6) < (faults.driftRate ?? 0)) body = 'drift';
  return { kind: 'none', latencyMs, body };
}

/** Rewrites a JSON body per the fault. Deterministic in (seed, n). */
export function applyBodyFault(fault: BodyFault, body: string, seed: number, n: number): string {
  switch (fault) {
    case 'malformed':
      // A plausible-looking body that no JSON parser accepts.
      return `{"error": undefined, ${body.slice(1, Math.max(1, Math.floor(body.length / 3)))},,}`;
    case 'truncated':
      return body.slice(0, Math.max(1, Math.floor(body.length * (0.3 + 0.5 * unit(seed, SALT.fault, n, 7)))));
    case 'drift':
      return JSON.stringify(drift(JSON.parse(body) as unknown, seed, n));
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Schema drift the ETL must tolerate (DESIGN §3): an unknown extra field at the top, and in a few
 * objects a value turned null, a field removed or an unknown field added.
 */
function drift(value: unknown, seed: number, n: number): unknown {
  const objects: Record<string, Json>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      objects.push(v as Record<string, Json>);
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  if (objects.length === 0) return value;
  objects[0]!.sim_drift_field = 'unexpected';
  const picks = Math.min(3, objects.length);
  for (let i = 0; i < picks; i += 1) {
    const target = objects[Math.floor(unit(seed, SALT.fault, n, 10 + i) * objects.length)]!;
    const keys = Object.keys(target).filter((k) => k !== 'sim_drift_field');
    const key = keys[Math.floor(unit(seed, SALT.fault, n, 20 + i) * keys.length)];
    const mode = Math.floor(unit(seed, SALT.fault, n, 30 + i) * 3);
    if (key === undefined || mode === 2) target[`sim_extra_${i}`] = { nested: true };
    else if (mode === 0) target[key] = null;
    else delete target[key];
  }
  return value;
}

const RATE_KEYS: Record<string, keyof FaultOptions> = {
  error: 'errorRate',
  errorRate: 'errorRate',
  timeout: 'timeoutRate',
  timeoutRate: 'timeoutRate',
  malformed: 'malformedRate',
  malformedRate: 'malformedRate',
  truncated: 'truncatedRate',
  truncatedRate: 'truncatedRate',
  drift: 'driftRate',
  driftRate: 'driftRate',
  rate429: 'rate429',
};

/**
 * Parses `error=0.1,latency=200,timeout=0.01,malformed=0.05,truncated=0.05,drift=0.1,burst429=100:5,
 * rate429=0.02,only=/api/v4/systems|/api/v4/systems/{system_id}` (for the CLI and `/__sim/faults`).
 * Throws an Error naming the bad part.
 */
export function parseFaultSpec(spec: string): FaultOptions {
  const faults: FaultOptions = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`fault "${part}": expected name=value`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const rateKey = RATE_KEYS[name];
    if (rateKey) {
      const rate = Number(value);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1)
        throw new Error(`fault "${name}": a fraction between 0 and 1 expected, got "${value}"`);
      (faults as Record<string, number>)[rateKey] = rate;
    } else if (name === 'latency' || name === 'latencyMs') {
      const ms = Number(value);
      if (!Number.isInteger(ms) || ms < 0)
        throw new Error(`fault "latency": whole milliseconds expected, got "${value}"`);
      faults.latencyMs = ms;
    } else if (name === 'burst429') {
      const m = /^(\d+):(\d+)$/.exec(value);
      if (!m || Number(m[1]) < 1)
        throw new Error(`fault "burst429": expected every:length (e.g. 100:5), got "${value}"`);
      faults.burst429 = { every: Number(m[1]), length: Number(m[2]) };
    } else if (name === 'only') {
      faults.only = value
        .split('|')
        .map((r) => r.trim())
        .filter(Boolean);
    } else {
      throw new Error(
        `unknown fault "${name}" (known: error, latency, timeout, malformed, truncated, drift, burst429, rate429, only)`,
      );
    }
  }
  return faults;
}
