// Builds the simulator's fastify app: the gateway checks every /api/v4 request goes through
// (API key, limits, bearer token, plan, faults), the request log, then every route module.
//
// Route modules of SIM-EDGE (events, config, ev-charger, live): SIM-EDGE adds its own four
// import + register lines in `registerApiRoutes` below; nothing else in this file is theirs.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Socket } from 'node:net';
import type { PlanName } from '../enphase/plans.js';
import { createContext, type SimContext } from './context.js';
import { unauthorizedFor } from './errors.js';
import { applyBodyFault, decideFault, type BodyFault, type FaultOptions } from './faults.js';
import { RateLimits, type LimitDecision } from './limits.js';
import { Fleet, fleetAnchorMs } from './model/fleet.js';
import type { ResolvedOptions } from './options.js';
import { planAllows } from './plan-access.js';
import { notImplementedBody, refusalFor, type SystemRefusals } from './system-refusals.js';
import { MemoryRequestLog, stripKey, toTemplate } from './request-log.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerDeviceTelemetryRoutes } from './routes/device-telemetry.js';
import { registerLifetimeRoutes } from './routes/lifetime.js';
import { registerRgmRoutes } from './routes/rgm.js';
import { registerSystemDetailRoutes } from './routes/system-details.js';
import { registerTelemetryRoutes } from './routes/telemetry.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerEvChargerRoutes } from './routes/ev-charger.js';
import { registerEventRoutes } from './routes/events.js';
import { registerLiveRoutes } from './routes/live.js';
import { registerOauthRoutes } from './routes/oauth.js';
import { registerSystemRoutes } from './routes/systems.js';
import { TokenStore } from './tokens.js';

export interface SimServer {
  app: FastifyInstance;
  ctx: SimContext;
  fleet: Fleet;
  tokens: TokenStore;
  requestLog: MemoryRequestLog;
  setFaults(faults: FaultOptions): void;
  /** Sets (undefined: clears) one system's refusals (system-refusals.ts). */
  setSystemMisbehaviour(systemId: number, knobs: SystemRefusals | undefined): void;
  /** Destroys the sockets of requests the timeout fault left hanging. */
  releaseHung(): void;
}

/** Per-request state the hooks share. */
interface RequestState {
  route: string;
  keyId?: string;
  systemId?: number;
  faultN?: number;
  bodyFault?: BodyFault | null;
}

const API_PREFIX = '/api/v4/';

const PLAN_LABEL: Record<PlanName, string> = {
  watt: 'Watt',
  kilowatt: 'Kilowatt',
  megawatt: 'Megawatt',
  partner: 'Partner',
  custom: 'Custom',
};

/**
 * The spec's 429 body. live_data has a shape of its own (an `error` object); there the period
 * fields travel in `error.details[0]`, so a client can still wait until `period_end`.
 */
function tooManyRequests(
  route: string,
  plan: PlanName,
  decision: Exclude<LimitDecision, { ok: true }>,
  nowMs: number,
): Record<string, unknown> {
  const period = {
    period: decision.period,
    period_start: decision.periodStart,
    period_end: decision.periodEnd,
    limit: decision.limit,
  };
  if (route === '/api/v4/systems/{system_id}/live_data') {
    return {
      error: { code: 429, details: [period], message: 'Too Many Requests', status: 'TOO_MANY_REQUESTS' },
      timestamp_epoch: nowMs,
      timestamp_utc: new Date(nowMs).toISOString().replace('T', ' ').replace('Z', '000'),
      type: 'request_exceeded_error',
    };
  }
  return {
    message: 'Too Many Requests',
    details: `Usage limit exceeded for plan ${PLAN_LABEL[plan]}`,
    code: 429,
    ...period,
  };
}

function registerApiRoutes(app: FastifyInstance, ctx: SimContext): void {
  registerSystemRoutes(app, ctx);
  registerSystemDetailRoutes(app, ctx);
  registerTelemetryRoutes(app, ctx);
  registerDeviceTelemetryRoutes(app, ctx);
  registerLifetimeRoutes(app, ctx);
  registerRgmRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerConfigRoutes(app, ctx);
  registerEvChargerRoutes(app, ctx);
  registerLiveRoutes(app, ctx);
}

export function buildServer(options: ResolvedOptions): SimServer {
  // fastify's own request lines would print `?key=` URLs: it logs one stripped line per request
  // itself (onResponse) instead.
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // The request log below writes one line per request without ?key=; fastify's own would not.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  const fleet = new Fleet({
    seed: options.seed,
    systems: options.systems,
    anchorMs: fleetAnchorMs(options.now()),
  });
  const ctx = createContext(fleet, options);
  const tokens = new TokenStore({
    seed: options.seed,
    now: options.now,
    accessTokenTtlSec: options.accessTokenTtlSec,
    refreshTokenTtlSec: options.refreshTokenTtlSec,
  });
  const requestLog = new MemoryRequestLog();
  const limits = new RateLimits(options.rateWindowMs);
  const states = new WeakMap<FastifyRequest, RequestState>();
  const hung = new Set<Socket>();
  let faults: FaultOptions = options.faults;
  let faultCounter = 0;
  const refusals = new Map<number, SystemRefusals>();

  // OAuth forms arrive url-encoded; Node's URLSearchParams is all the parser needed.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const logged = (url: string): boolean => !url.startsWith('/__sim');

  const record = (request: FastifyRequest, status: number): void => {
    const state = states.get(request);
    requestLog.add({
      at: options.now(),
      method: request.method,
      route: state?.route ?? request.url.split('?')[0] ?? request.url,
      url: stripKey(request.url),
      status,
      ...(state?.keyId !== undefined ? { apiKeyId: state.keyId } : {}),
      ...(state?.systemId !== undefined ? { systemId: state.systemId } : {}),
    });
  };

  /** The gateway: answers early (401/429/fault) or lets the route run. */
  const gateway = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
  ): Promise<FastifyReply | undefined> => {
    const headerKey = request.headers.key;
    const queryKey = (request.query as Record<string, unknown> | undefined)?.key;
    const key =
      typeof headerKey === 'string' ? headerKey : typeof queryKey === 'string' ? queryKey : undefined;
    const plan = key === undefined ? undefined : options.apiKeys[key];
    const unauthorized = (details = 'User is not authorized'): FastifyReply =>
      reply.code(401).send(unauthorizedFor(state.route, details, options.now(), plan === undefined));
    if (key === undefined || plan === undefined) return unauthorized();
    // Requests with a valid key count, whatever comes next (as Enphase counts them).
    state.keyId = key;
    const decision = limits.take(key, options.limits[plan], options.now());
    if (!decision.ok)
      return reply.code(429).send(tooManyRequests(state.route, plan, decision, options.now()));

    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.isValidAccessToken(bearer)) return unauthorized();
    if (!planAllows(plan, state.route)) return unauthorized('Not authorized to access requested resource');
    // A system's own refusals are the API's answer, like the plan check above.
    const refusal = refusalFor(
      state.systemId === undefined ? undefined : refusals.get(state.systemId),
      state.route,
    );
    if (refusal?.status === 401) return unauthorized('Not authorized to access requested resource');
    if (refusal?.status === 501) return reply.code(501).type('application/json').send(notImplementedBody());

    faultCounter += 1;
    const n = faultCounter;
    const fault = decideFault(faults, options.seed, n, state.route);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    switch (fault.kind) {
      case 'timeout':
        // Never answer: the client must give up by itself. close() destroys the socket.
        reply.hijack();
        hung.add(request.raw.socket);
        record(request, 0);
        return reply;
      case 'error':
        if (fault.status === 500)
          return reply
            .code(500)
            .send({ message: 'Internal Server Error', details: 'Simulated fault', code: 500 });
        return reply
          .code(fault.status)
          .type('text/html')
          .send(
            `<html><body><h1>${fault.status} ${fault.status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`,
          );
      case 'burst429': {
        const now = options.now();
        return reply.code(429).send(
          tooManyRequests(
            state.route,
            plan,
            {
              ok: false,
              period: 'minute',
              periodStart: Math.floor(now / 1000),
              periodEnd: Math.ceil((now + options.rateWindowMs) / 1000),
              limit: options.limits[plan].perMinute,
            },
            now,
          ),
        );
      }
      case 'none':
        state.faultN = n;
        state.bodyFault = fault.body;
        return undefined;
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    const template = request.routeOptions.url;
    const state: RequestState = {
      route: template ? toTemplate(template) : (request.url.split('?')[0] ?? request.url),
    };
    states.set(request, state);
    const systemId = Number((request.params as Record<string, string | undefined> | undefined)?.system_id);
    if (Number.isInteger(systemId)) state.systemId = systemId;
    if (!request.url.startsWith(API_PREFIX)) return;
    const answered = await gateway(request, reply, state);
    if (answered) return answered;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = states.get(request);
    if (
      !state?.bodyFault ||
      state.faultN === undefined ||
      reply.statusCode !== 200 ||
      typeof payload !== 'string'
    )
      return payload;
    return applyBodyFault(state.bodyFault, payload, options.seed, state.faultN);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!logged(request.url)) return;
    record(request, reply.statusCode);
    options.logger?.debug(
      {
        method: request.method,
        url: stripKey(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'simulator request',
    );
  });

  // Unknown /api/v4 paths: the gateway has run (so they count, as at Enphase); answer 404 JSON.
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      message: 'Not Found',
      details: `No route matches ${request.method} ${request.url.split('?')[0]}`,
      code: 404,
    });
  });

  registerOauthRoutes(app, ctx, tokens);
  registerApiRoutes(app, ctx);
  const server: SimServer = {
    app,
    ctx,
    fleet,
    tokens,
    requestLog,
    setFaults(next) {
      faults = next;
    },
    setSystemMisbehaviour(systemId, knobs) {
      if (knobs) refusals.set(systemId, knobs);
      else refusals.delete(systemId);
    },
    releaseHung() {
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
  };
  registerAdminRoutes(app, server);
  return server;
}
