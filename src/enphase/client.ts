// The Enphase API client: the one way requests reach Enphase. Every attempt goes through the same
// gates, in this order, so each is counted and limited (got's own retry is off):
//   restriction remembered for this system and endpoint? → access token → shared rate limiter →
//   monthly ledger (which also refuses while a 429 for the month is in force) → HTTP → the
//   answer judged by response-policy.ts (200 parsed and validated; 401 refresh once; 403 or a
//   second 401 a plan restriction, on the systems list a refused API key; 429 wait for
//   period_end; 501/400/404-device/422 permanent; 5xx/network retried by retryDelay).
import { got, type Got, type Response } from 'got';
import type { Redis } from 'ioredis';
import { ConfigError, type Config } from '../config.js';
import { redactUrl, type Logger } from '../log.js';
import { apiKeyId, type RedisKeys } from '../state/keys.js';
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
import { createTokenManager, type TokenManager } from './auth.js';
import {
  ApiError,
  ApiKeyRefusedError,
  BadResponseError,
  PermanentAnswerError,
  PlanRestrictedError,
  QuotaExhaustedError,
  describeContext,
  type EnphaseError,
  type RequestContext,
} from './errors/index.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';
import { acceptHeaderFor } from './media-types.js';
import { createQuotaLedger, type QuotaLedger } from '../state/quota-ledger.js';
import { describeBody, judgeAnswer } from './response-policy.js';
import { createPlanRestrictions, type PlanRestrictions, type Restriction } from '../state/restrictions.js';
import { validateResponse } from './response-validator.js';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from './retry.js';
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

const MAX_PAGE_SIZE = 100;

/** `/api/v4/systems/{system_id}/x` + {system_id: 5} → `api/v4/systems/5/x` (relative to prefixUrl). */
export function fillTemplate(template: string, params: Record<string, unknown> | undefined): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`path parameter ${name} missing for ${template}`);
    }
    return encodeURIComponent(String(value));
  });
  return filled.replace(/^\/+/, '');
}

export function createEnphaseClient(deps: EnphaseClientDeps): EnphaseClient {
  const cfg = deps.config.enphase;
  if (!cfg.apiKey) throw new ConfigError('ENPHASE_API_KEY is not set: the Enphase client needs an API key');
  const apiKey = cfg.apiKey;
  const keyId = apiKeyId(apiKey);
  const { redis, keys } = deps;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const signal = deps.signal;
  const log = deps.logger;
  const onQuotaExhausted = deps.onQuotaExhausted ?? 'wait';
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const max429Waits = deps.max429Waits ?? 10;
  const validate = deps.validate ?? true;

  const tokens =
    deps.tokens ??
    createTokenManager({
      redis,
      tokensKey: keys.tokens(keyId),
      lockKey: keys.tokenRefreshLock(keyId),
      oauth: {
        apiUrl: cfg.apiUrl,
        ...(cfg.clientId ? { clientId: cfg.clientId } : {}),
        ...(cfg.clientSecret ? { clientSecret: cfg.clientSecret } : {}),
        redirectUri: cfg.redirectUri,
      },
      env: {
        ...(cfg.accessToken ? { accessToken: cfg.accessToken } : {}),
        ...(cfg.refreshToken ? { refreshToken: cfg.refreshToken } : {}),
      },
      ...(log ? { logger: log } : {}),
      now,
      sleep,
    });
  const limiter =
    deps.limiter ??
    createRateLimiter({
      redis,
      key: keys.rateWindow(keyId),
      limit: cfg.ratePerMinute,
      windowMs: deps.rateWindowMs ?? 60_000,
      ...(deps.rateMarginMs !== undefined ? { marginMs: deps.rateMarginMs } : {}),
      // An unanswered request counts until its timeout could have fired, plus the moments
      // between admission and sending (the quota ledger's round trip).
      inFlightMs: (deps.timeoutMs ?? 30_000) + 10_000,
      sleep,
    });
  const quota =
    deps.quota ??
    createQuotaLedger({
      redis,
      ledgerKey: (month) => keys.quotaLedger(keyId, month),
      blockedKey: keys.quotaBlockedUntil(keyId),
      limit: cfg.quotaPerMonth,
      reserve: cfg.quotaReserve,
      now,
    });
  const restrictions =
    deps.restrictions ??
    createPlanRestrictions({
      redis,
      key: keys.planRestricted(keyId),
      recheckMs: cfg.planRestrictionRecheckMs,
      now,
    });

  const http: Got = got.extend({
    prefixUrl: cfg.apiUrl,
    headers: { key: apiKey, 'user-agent': 'enphase-etl' },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    timeout: { request: deps.timeoutMs ?? 30_000 },
  });

  let budgetSpentLogged = false;

  /** Waits until `untilMs`, or throws QuotaExhaustedError in one-shot mode. */
  const waitForQuota = async (untilMs: number, why: string, ctx: RequestContext): Promise<void> => {
    if (onQuotaExhausted === 'throw') {
      throw new QuotaExhaustedError(
        `${why}; no request sent until ${new Date(untilMs).toISOString()} (${describeContext(ctx)})`,
        { ...ctx, retryAt: untilMs },
      );
    }
    await sleep(Math.max(0, untilMs - now()), signal);
  };

  const parse200 = (
    method: HttpMethod,
    template: string,
    response: Response<string>,
    ctx: RequestContext,
  ): unknown => {
    const body = response.body;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      const type = String(response.headers['content-type'] ?? '');
      const problem = type.includes('html')
        ? `an HTML page instead of JSON: ${describeBody(body)}`
        : `not valid JSON (${(error as Error).message}; ${body.length} bytes)`;
      throw new BadResponseError(`bad response from ${describeContext(ctx)}: ${problem}`, {
        ...ctx,
        status: 200,
        problems: [problem],
        unparsable: true,
      });
    }
    if (validate) {
      const result = validateResponse(method.toUpperCase(), template, 200, json);
      if (!result.ok) {
        throw new BadResponseError(
          `response from ${describeContext(ctx)} violates the API schema: ${result.errors.slice(0, 5).join('; ')}`,
          { ...ctx, status: 200, problems: result.errors },
        );
      }
    }
    return json;
  };

  /** The error for an endpoint remembered as unavailable for this system (restriction or permanent). */
  const unavailableError = (r: Restriction, ctx: RequestContext): EnphaseError => {
    const when = `not asked again until ${new Date(r.until).toISOString()}`;
    const where = describeContext(ctx);
    if (r.status === 401 || r.status === 403) {
      return new PlanRestrictedError(
        `the API plan does not include ${where} (answered ${r.status}: ${r.reason}); ${when}`,
        { ...ctx, status: r.status, until: r.until },
      );
    }
    return new PermanentAnswerError(`${where} answered ${r.status} (${r.reason}); not retried, ${when}`, {
      ...ctx,
      status: r.status,
      until: r.until,
      reason: r.reason,
    });
  };

  const request = async (
    method: HttpMethod,
    template: string,
    options: { pathParams?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown },
    context: CallContext = {},
  ): Promise<unknown> => {
    const systemId = context.systemId ?? (options.pathParams?.system_id as number | string | undefined);
    const ctx: RequestContext = {
      ...context,
      endpoint: template,
      ...(systemId !== undefined ? { systemId } : {}),
    };
    const path = fillTemplate(template, options.pathParams);
    const searchParams: Record<string, string | number | boolean> = {};
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) searchParams[name] = value as string | number | boolean;
    }

    const scope = { endpoint: template, ...(systemId !== undefined ? { systemId } : {}) };
    const known = await restrictions.check(scope);
    if (known) throw unavailableError(known, ctx);
    const accept = acceptHeaderFor(method, template);

    // The retry budget (retryDelay's count and time bounds) covers failures only: waits the API
    // asked for (429, quota) restart its clock instead of using it up.
    let retryClock = now();
    let failures = 0;
    let attempt = 0;
    let renewed = false;
    let waits429 = 0;
    for (;;) {
      signal?.throwIfAborted();
      // The token first: if it cannot be had (AuthError), nothing is counted or sent.
      const token = await tokens.accessToken(signal);
      const permit = await limiter.acquire(signal);
      const recorded = await quota
        .record(template, { useReserve: deps.useReserve ?? false })
        .catch((error: unknown) => {
          void limiter.release(permit);
          throw error;
        });
      if (!recorded.ok) {
        void limiter.release(permit);
        if (recorded.reason === 'blocked') {
          await waitForQuota(recorded.retryAt, 'the API said the monthly quota is spent (429)', ctx);
          retryClock = now();
          continue;
        }
        if (!budgetSpentLogged) {
          budgetSpentLogged = true;
          log?.warn(
            {
              used: recorded.total,
              limit: quota.limit,
              reserve: quota.reserve,
              until: new Date(recorded.retryAt).toISOString(),
            },
            'monthly request budget (quota minus reserve) spent; requests wait for the next month',
          );
        }
        await waitForQuota(
          recorded.retryAt,
          `the monthly request budget (${recorded.total} requests) is spent`,
          ctx,
        );
        retryClock = now();
        continue;
      }
      attempt += 1;
      const sentAt = now();
      let response: Response<string> | undefined;
      let failure: EnphaseError | undefined;
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
        const code = (error as { code?: string }).code ?? 'ERR_NETWORK';
        // Never the got error itself as a cause: it carries the request's headers.
        failure = new ApiError(`no answer from ${describeContext(ctx)} (${code})`, { ...ctx, code });
      } finally {
        // The request counts in the limiter's window from its answer on, not from its admission.
        // Not awaited: the answer need not wait for Redis (a late release only counts it longer).
        void limiter.release(permit);
      }
      if (response) {
        const status = response.statusCode;
        log?.debug(
          { endpoint: template, systemId, status, ms: now() - sentAt, attempt, url: redactUrl(response.url) },
          'enphase request',
        );
        const verdict = judgeAnswer({
          endpoint: template,
          status,
          headers: response.headers,
          body: response.body,
          renewed,
          nowMs: now(),
        });
        switch (verdict.kind) {
          case 'ok':
            try {
              return parse200(method, template, response, ctx);
            } catch (error) {
              // A body that is not JSON is asked for again within the retry budget (see
              // BadResponseError); one that violates the schema is not.
              if (!(error instanceof BadResponseError) || !error.retryable) throw error;
              failure = error;
              break;
            }
          case 'refresh-token':
            // An expired or revoked access token, or an endpoint the plan lacks: refresh once
            // (single-flight) and ask again; a second 401 with the fresh token is the plan.
            renewed = true;
            await tokens.renewAfter401(token, signal);
            continue;
          case 'credentials':
            throw new ApiKeyRefusedError(
              `Enphase refused the API key: ${template} answered 401 (${verdict.reason}) with a freshly renewed access token, ` +
                `so ${verdict.credential} is wrong or belongs to another application than ENPHASE_CLIENT_ID`,
              template,
            );
          case 'restricted':
          case 'permanent': {
            const restriction = await restrictions.remember(scope, verdict.status, verdict.reason);
            const level = verdict.kind === 'permanent' ? verdict.level : 'warn';
            log?.[level](
              {
                endpoint: template,
                systemId,
                status: verdict.status,
                reason: verdict.reason,
                until: new Date(restriction.until).toISOString(),
              },
              verdict.kind === 'restricted'
                ? 'endpoint not included in the API plan for this system; skipped until the recheck time'
                : level === 'error'
                  ? 'the API refused our request as invalid (a bug to report); not retried, skipped until the recheck time'
                  : 'permanent answer from the API; not retried, skipped until the recheck time',
            );
            throw unavailableError(restriction, ctx);
          }
          case 'wait-period':
            if (await quota.blockUntil(verdict.untilMs)) {
              log?.warn(
                { until: new Date(verdict.untilMs).toISOString(), apiKeyId: keyId },
                'Enphase says the monthly quota of this API key is spent: no requests until the period ends',
              );
            }
            continue; // the gate at the top waits or throws
          case 'retry-after':
            waits429 += 1;
            if (waits429 > max429Waits) {
              failure = new ApiError(`still 429 after ${max429Waits} waits (${describeContext(ctx)})`, {
                ...ctx,
                status,
              });
              break;
            }
            log?.info(
              { endpoint: template, waitMs: verdict.waitMs, period: verdict.period },
              'rate limited by the API (429); waiting for the period to end',
            );
            await sleep(verdict.waitMs, signal);
            retryClock = now();
            continue;
          case 'fail':
            break;
        }
        failure ??= new ApiError(
          `${describeContext(ctx)} answered ${status}: ${describeBody(response.body)}`,
          {
            ...ctx,
            status,
          },
        );
      }
      const error = failure as EnphaseError;
      failures += 1;
      const delay = retryDelay({ attempt: failures, error, elapsedMs: now() - retryClock, policy, random });
      if (delay === undefined) {
        log?.warn({ ...error.toLog(), attempts: attempt }, 'enphase request failed');
        throw error;
      }
      log?.warn({ ...error.toLog(), attempt, delayMs: delay }, 'enphase request failed; retrying');
      await sleep(delay, signal);
    }
  };

  async function* pages<T>(
    fetchPage: (page: number, size: number) => Promise<{ systems?: T[]; total?: number }>,
    size: number,
  ): AsyncGenerator<T[]> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, size));
    for (let page = 1; ; page += 1) {
      const body = await fetchPage(page, pageSize);
      const systems = body.systems ?? [];
      if (systems.length > 0) yield systems;
      const total = body.total;
      if (systems.length < pageSize || (total !== undefined && page * pageSize >= total)) return;
    }
  }

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
