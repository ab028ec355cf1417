// The Enphase API client: the one way requests reach Enphase. Every attempt goes through the same
// gates, so each is counted and limited (got's own retry is off):
//   access token → the request gate, one Redis round trip (gate.ts): restriction remembered for
//   this system and endpoint? → monthly ledger (which also refuses while a 429 for the month is in
//   force) → shared rate limiter; slot and count taken together → HTTP → the
//   step response-policy.ts gives (200 parsed and validated; 401 refresh once; 403 or a second
//   401 a plan restriction, on the systems list a refused API key; 429 wait for the minute or
//   for period_end; 501/400/404-device/422 permanent; 5xx/network/unparsable 200 retried by
//   retryDelay). This module only executes those steps; it never reads a status code itself.
import { got, type Got, type Response } from 'got';
import type { Redis } from 'ioredis';
import { ConfigError, type Config } from '../config.js';
import { redactUrl, type Logger } from '../log.js';
import { apiKeyId, type RedisKeys } from '../state/keys.js';
import type { QuotaLedger } from '../state/quota-ledger.js';
import type { PlanRestrictions } from '../state/restrictions.js';
import type { paths } from './api-types.js';
import type {
  HttpMethod,
  Operation,
  PathsWith,
  RequestOptions,
  ResponseBody,
  SystemListItem,
  SystemSearchFilter,
  SystemSearchItem,
} from './api-shapes.js';
import type { TokenManager } from './auth.js';
import { createAdmission } from './admission.js';
import { createClientParts } from './client-parts.js';
import { createRequestGate } from './gate.js';
import type { RequestContext } from './errors/index.js';
import type { RateLimiter } from './limiter.js';
import { acceptHeaderFor } from './media-types.js';
import { MAX_PAGE_SIZE, pages } from './paging.js';
import { fillTemplate, queryParams } from './paths.js';
import { nextStep, unavailableError, type CallRules, type Outcome } from './response-policy.js';
import { validateResponse } from './response-validator.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { sleep as defaultSleep, type Sleep } from './sleep.js';

export interface EnphaseClientDeps {
  config: Pick<Config, 'enphase'>;
  redis: Redis;
  keys: RedisKeys;
  logger?: Logger;
  /** When the month's budget is spent: wait for the next month (service) or throw (one-shot). */
  onQuotaExhausted?: 'wait' | 'throw';
  /** Let this client spend the quota reserve (interactive commands). */
  useReserve?: boolean;
  /** The rate limiter's window: the API's minute (60_000), shorter in tests. */
  rateWindowMs?: number;
  rateMarginMs?: number;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  retryPolicy?: RetryPolicy;
  /** How many 429s for the minute one call waits out before giving up. */
  max429Waits?: number;
  /** Validate every 200 body against the OpenAPI schema (default true). */
  validate?: boolean;
  /** Aborts every wait (limiter, quota, 429, backoff) on shutdown. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  /** Parts built elsewhere (tests, or one shared by several clients). */
  tokens?: TokenManager;
  limiter?: RateLimiter;
  quota?: QuotaLedger;
  restrictions?: PlanRestrictions;
}

/** What a call is for: named in every error and log line. */
export type CallContext = Omit<RequestContext, 'endpoint'>;

export interface EnphaseClient {
  get<P extends PathsWith<'get'>>(
    path: P,
    options: RequestOptions<Operation<P, 'get'>>,
    context?: CallContext,
  ): Promise<ResponseBody<P, 'get'>>;
  post<P extends PathsWith<'post'>>(
    path: P,
    options: RequestOptions<Operation<P, 'post'>>,
    context?: CallContext,
  ): Promise<ResponseBody<P, 'post'>>;
  /** Every system, one page (≤ size) at a time; never the whole fleet in memory. */
  systems(options?: { size?: number; sortBy?: 'id' | '-id' }): AsyncGenerator<SystemListItem[]>;
  searchSystems(
    filter: SystemSearchFilter,
    options?: { size?: number; sortBy?: 'id' | '-id' },
  ): AsyncGenerator<SystemSearchItem[]>;
  readonly apiKeyId: string;
  readonly tokens: TokenManager;
  readonly quota: QuotaLedger;
  readonly limiter: RateLimiter;
  readonly restrictions: PlanRestrictions;
}

export function createEnphaseClient(deps: EnphaseClientDeps): EnphaseClient {
  const cfg = deps.config.enphase;
  if (!cfg.apiKey) throw new ConfigError('ENPHASE_API_KEY is not set: the Enphase client needs an API key');
  const apiKey = cfg.apiKey;
  const keyId = apiKeyId(apiKey);
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const signal = deps.signal;
  const log = deps.logger;
  const validate = deps.validate ?? true;
  const rules: CallRules = {
    retryPolicy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
    max429Waits: deps.max429Waits ?? 10,
    random: deps.random ?? Math.random,
  };
  const { tokens, limiter, quota, restrictions } = createClientParts({ ...deps, keyId, now, sleep });

  const http: Got = got.extend({
    prefixUrl: cfg.apiUrl,
    headers: { key: apiKey, 'user-agent': 'enphase-etl' },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    timeout: { request: deps.timeoutMs ?? 30_000 },
  });

  const admit = createAdmission({
    gate: createRequestGate({ redis: deps.redis, limiter, quota, restrictions, now }),
    quota,
    useReserve: deps.useReserve ?? false,
    onQuotaExhausted: deps.onQuotaExhausted ?? 'wait',
    now,
    sleep,
    signal,
    log,
  });

  /** Asks until the response policy (nextStep) says to return or throw; executes its other steps. */
  const request = async (
    method: HttpMethod,
    template: string,
    options: { pathParams?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown },
    context: CallContext = {},
  ): Promise<unknown> => {
    const systemId = context.systemId ?? (options.pathParams?.system_id as number | string | undefined);
    const scope = { endpoint: template, ...(systemId !== undefined ? { systemId } : {}) };
    const ctx: RequestContext & { endpoint: string } = { ...context, ...scope };
    const path = fillTemplate(template, options.pathParams);
    const searchParams = queryParams(options.query);

    const accept = acceptHeaderFor(method, template);
    const check = validate
      ? (json: unknown) => validateResponse(method.toUpperCase(), template, 200, json)
      : undefined;

    // The retry budget (retryDelay's count and time bounds) covers failures only: waits the API
    // asked for (429, quota) restart its clock instead of using it up.
    let retryClock = now();
    let failures = 0;
    let attempt = 0;
    let renewed = false;
    let waits429 = 0;
    for (;;) {
      signal?.throwIfAborted();
      // A remembered restriction fails the call without a token: when the token needs Redis or a
      // refresh (the first call, near expiry), ask for the restriction first, on its own. Otherwise
      // the gate below checks it, in the same round trip as the limiter and the ledger.
      if (attempt === 0 && !tokens.hasUsableToken()) {
        const known = await restrictions.check(scope);
        if (known) throw unavailableError(known, ctx);
      }
      // The token before the gate: if it cannot be had (AuthError), nothing is counted or sent.
      const token = await tokens.accessToken(signal);
      const admitted = await admit(scope, ctx);
      if (!admitted) {
        retryClock = now();
        continue;
      }
      if ('restricted' in admitted) throw unavailableError(admitted.restricted, ctx);
      const { permit } = admitted;
      attempt += 1;
      const sentAt = now();
      let response: Response<string> | undefined;
      let code = 'ERR_NETWORK';
      try {
        response = await http(path, {
          method: method === 'get' ? 'GET' : 'POST',
          searchParams,
          headers: { authorization: `Bearer ${token}`, accept },
          ...(options.body !== undefined ? { json: options.body } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        signal?.throwIfAborted();
        code = (error as { code?: string }).code ?? code;
      } finally {
        // The request counts in the limiter's window from its answer on, not from its admission.
        // Not awaited: the answer need not wait for Redis (a late release only counts it longer).
        void limiter.release(permit);
      }
      const at = now();
      if (response) {
        const { statusCode: status, url } = response;
        log?.debug({ ...scope, status, ms: at - sentAt, attempt, url: redactUrl(url) }, 'enphase request');
      }
      const outcome: Outcome = response
        ? {
            answered: true,
            status: response.statusCode,
            headers: response.headers,
            body: response.body,
            nowMs: at,
            ...(check ? { validate: check } : {}),
          }
        : { answered: false, code };
      const step = nextStep(outcome, ctx, { renewed, waits429, failures, elapsedMs: at - retryClock }, rules);
      switch (step.kind) {
        case 'return':
          return step.body;
        case 'refresh-token':
          // An expired or revoked access token, or an endpoint the plan lacks: refresh once
          // (single-flight) and ask again; a second 401 with the fresh token is the plan.
          renewed = true;
          await tokens.renewAfter401(token, signal);
          continue;
        case 'wait-period':
          if (await quota.blockUntil(step.untilMs)) {
            log?.warn(
              { until: new Date(step.untilMs).toISOString(), apiKeyId: keyId },
              'Enphase says the monthly quota of this API key is spent: no requests until the period ends',
            );
          }
          continue; // the gate at the top waits or throws
        case 'wait-429':
          waits429 += 1;
          log?.info(
            { endpoint: template, waitMs: step.waitMs, period: step.period },
            'rate limited by the API (429); waiting for the period to end',
          );
          await sleep(step.waitMs, signal);
          retryClock = now();
          continue;
        case 'remember': {
          const restriction = await restrictions.remember(scope, step.status, step.reason);
          const until = new Date(restriction.until).toISOString();
          log?.[step.level]({ ...scope, status: step.status, reason: step.reason, until }, step.note);
          throw unavailableError(restriction, ctx);
        }
        case 'retry':
          failures += 1;
          log?.warn(
            { ...step.error.toLog(), attempt, delayMs: step.delayMs },
            'enphase request failed; retrying',
          );
          await sleep(step.delayMs, signal);
          continue;
        case 'give-up':
          log?.warn({ ...step.error.toLog(), attempts: attempt }, 'enphase request failed');
          throw step.error;
        case 'throw':
          throw step.error;
      }
    }
  };

  const client: EnphaseClient = {
    get: (path, options, context) =>
      request('get', path, options as never, context) as Promise<ResponseBody<typeof path, 'get'>>,
    post: (path, options, context) =>
      request('post', path, options as never, context) as Promise<ResponseBody<typeof path, 'post'>>,
    // Pages are fetched through `this.get`, so a wrapper of the client (metrics) sees them too.
    systems(options = {}) {
      return pages(
        (page, size) =>
          this.get('/api/v4/systems', {
            query: { page, size, ...(options.sortBy ? { sort_by: options.sortBy } : {}) },
          }),
        options.size ?? MAX_PAGE_SIZE,
      );
    },
    searchSystems(filter, options = {}) {
      return pages(
        (page, size) =>
          this.post('/api/v4/systems/search', {
            query: { page, size },
            body: { system: filter, ...(options.sortBy ? { sort_by: options.sortBy } : {}) },
          }),
        options.size ?? MAX_PAGE_SIZE,
      );
    },
    apiKeyId: keyId,
    tokens,
    quota,
    limiter,
    restrictions,
  };
  return client;
}

export type { paths };
