// SimulatorOptions and their defaults, resolved once at start-up.
import { PLAN_PRESETS, type PlanLimits, type PlanName } from '../enphase/plans.js';
import type { Logger } from '../log.js';
import type { FaultOptions } from './faults.js';
import type { MisbehaviourOptions } from './misbehaviour/knobs.js';

export interface SimulatorOptions {
  /** 0/undefined: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 5. */
  systems?: number;
  /** Default 1. */
  seed?: number;
  /** Microinverters of every system (a benchmark's fixed size); default 8–40 per system, from the seed. */
  micros?: number;
  /** The simulated clock in epoch ms (default Date.now); tests pass a controllable one. */
  now?: () => number;
  /** API key → plan. */
  apiKeys?: Record<string, PlanName>;
  /** Override PLAN_PRESETS (src/enphase/plans.ts). */
  limits?: Partial<Record<PlanName, { perMinute: number; perMonth: number | null }>>;
  /** Length of the "minute" window (default 60_000) so tests can shorten it. */
  rateWindowMs?: number;
  clientId?: string;
  clientSecret?: string;
  /** Default 86_400. */
  accessTokenTtlSec?: number;
  /** Default 30 days. */
  refreshTokenTtlSec?: number;
  /** All off by default. */
  faults?: FaultOptions;
  /** Per-system knobs (system id → SystemMisbehaviour, docs/simulator.md); none by default. */
  misbehaviour?: MisbehaviourOptions;
  /** Default silent. */
  logger?: Logger;
}

export const DEFAULT_API_KEYS: Record<string, PlanName> = {
  'sim-key': 'partner',
  'sim-key-watt': 'watt',
  'sim-key-kilowatt': 'kilowatt',
  'sim-key-megawatt': 'megawatt',
};

export interface ResolvedOptions {
  port: number;
  host: string;
  systems: number;
  seed: number;
  micros: number | undefined;
  now: () => number;
  apiKeys: Record<string, PlanName>;
  limits: Record<PlanName, PlanLimits>;
  rateWindowMs: number;
  clientId: string;
  clientSecret: string;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  faults: FaultOptions;
  misbehaviour: MisbehaviourOptions;
  logger: Logger | undefined;
}

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    systems: options.systems ?? 5,
    seed: options.seed ?? 1,
    micros: options.micros,
    now: options.now ?? Date.now,
    apiKeys: options.apiKeys ?? DEFAULT_API_KEYS,
    // 'custom' has no preset: it behaves like partner unless configured.
    limits: { ...PLAN_PRESETS, custom: PLAN_PRESETS.partner, ...options.limits },
    rateWindowMs: options.rateWindowMs ?? 60_000,
    clientId: options.clientId ?? 'sim-client',
    clientSecret: options.clientSecret ?? 'sim-secret',
    accessTokenTtlSec: options.accessTokenTtlSec ?? 86_400,
    refreshTokenTtlSec: options.refreshTokenTtlSec ?? 30 * 86_400,
    faults: options.faults ?? {},
    misbehaviour: options.misbehaviour ?? {},
    logger: options.logger,
  };
}
