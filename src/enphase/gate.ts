// The request gate: everything that must hold before a request leaves, asked of Redis in ONE
// script (one round trip) instead of one command per rule:
//   1. a restriction remembered for this system and endpoint (state/restrictions.ts) → refused,
//      nothing taken;
//   2. a 429 for the month in force, or the month's budget spent (state/quota-ledger.ts) →
//      refused, nothing taken;
//   3. the shared rate limiter's window full (limiter.ts) → refused with the wait, nothing taken;
//   4. otherwise a slot is taken in the window (in flight) AND the request is counted in the
//      month's ledger, together.
// The rules are the modules' own Lua (RESTRICTION_LUA, QUOTA_LUA, RATE_LUA), so each is written
// once; this file only orders them. One script is atomic: no other process's request can fall
// between the checks and the takes, so the limiter's bound and the ledger's "no two processes take
// the last request" hold as they did with separate scripts — and a request refused by the month no
// longer holds a limiter slot, nor one refused by the limiter a ledger count.
// The limiter uses Redis' clock (TIME), the ledger and restrictions the client's `now`, as before.
import type { Redis } from 'ioredis';
import {
  LEDGER_TTL_MS,
  QUOTA_LUA,
  readRecordAnswer,
  type QuotaLedger,
  type RecordResult,
} from '../state/quota-ledger.js';
import {
  parseRestriction,
  RESTRICTION_LUA,
  restrictionField,
  type PlanRestrictions,
  type Restriction,
  type RestrictionScope,
} from '../state/restrictions.js';
import { RATE_LUA, slotWaitMs, type RateLimiter, type RatePermit } from './limiter.js';

// KEYS: restrictions hash, month's ledger, month block, rate window.
// ARGV: restriction field, now (ms, client), budget ('' = none), endpoint, ledger TTL (ms),
//       window with margin (ms), limit, member, in-flight hold (ms).
// Returns {1, total} admitted and counted; {0, total} budget spent; {2, until} month blocked;
// {3, restriction JSON} restricted; {4, earliest score, now (Redis)} window full.
const GATE_SCRIPT = `${RESTRICTION_LUA}${QUOTA_LUA}${RATE_LUA}
local now = tonumber(ARGV[2])
local restricted = restriction_in_force(KEYS[1], ARGV[1], now)
if restricted then return {3, restricted} end
local refusal = quota_refusal(KEYS[2], KEYS[3], ARGV[3], now)
if refusal then return refusal end
local rnow = rate_now()
local window = tonumber(ARGV[6])
local oldest = rate_full(KEYS[4], window, tonumber(ARGV[7]), rnow)
if oldest then return {4, oldest, rnow} end
rate_take(KEYS[4], window, ARGV[8], tonumber(ARGV[9]), rnow)
return {1, quota_count(KEYS[2], ARGV[4], tonumber(ARGV[5]))}
`;

export type GateAnswer =
  /** Sent now: a slot is held (release `permit` once answered) and the request is counted. */
  | { kind: 'admitted'; permit: RatePermit; total: number }
  | { kind: 'restricted'; restriction: Restriction }
  /** The month refuses (budget spent or a 429 for the month): nothing taken. */
  | { kind: 'quota'; refusal: Extract<RecordResult, { ok: false }> }
  /** The rate window is full: ask again after `waitMs`; nothing taken. */
  | { kind: 'rate'; waitMs: number };

export interface RequestGate {
  /** One round trip: may a request to `scope` leave now? (`useReserve`: may spend the reserve.) */
  pass(scope: RestrictionScope, useReserve: boolean): Promise<GateAnswer>;
}

type RedisWithGate = Redis & {
  enphaseRequestGate(...args: Array<string | number>): Promise<[number, number | string, number?]>;
};

export function createRequestGate(options: {
  redis: Redis;
  limiter: RateLimiter;
  quota: QuotaLedger;
  restrictions: PlanRestrictions;
  now: () => number;
}): RequestGate {
  const { limiter, quota, restrictions, now } = options;
  const redis = options.redis as RedisWithGate;
  if (typeof redis.enphaseRequestGate !== 'function') {
    redis.defineCommand('enphaseRequestGate', { numberOfKeys: 4, lua: GATE_SCRIPT });
  }
  const { slot } = limiter;
  return {
    async pass(scope, useReserve) {
      const at = now();
      const month = quota.gateArgs(at, useReserve);
      const member = slot.nextMember();
      const [status, value, redisNow] = await redis.enphaseRequestGate(
        restrictions.key,
        month.ledgerKey,
        month.blockedKey,
        slot.key,
        restrictionField(scope),
        at,
        month.budget,
        scope.endpoint,
        LEDGER_TTL_MS,
        slot.effectiveWindowMs,
        limiter.limit,
        member,
        slot.inFlightMs,
      );
      switch (status) {
        case 1:
          return { kind: 'admitted', permit: { member }, total: Number(value) };
        case 3: {
          // The script and parseRestriction apply the same rule at the same `at`.
          const restriction = parseRestriction(String(value), at);
          if (restriction) return { kind: 'restricted', restriction };
          throw new Error(
            `the request gate said restricted, but the restriction does not parse: ${String(value)}`,
          );
        }
        case 4:
          return {
            kind: 'rate',
            waitMs: slotWaitMs(Number(value), Number(redisNow), slot.effectiveWindowMs),
          };
        default: {
          const refusal = readRecordAnswer(status, Number(value), at);
          if (refusal.ok) throw new Error(`the request gate answered ${status}`);
          return { kind: 'quota', refusal };
        }
      }
    },
  };
}
