// Builds the simulator's fastify app: the gateway checks every /api/v4 request goes through
// (API key, limits, bearer token, plan, faults), the request log, then every route module.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Socket } from 'node:net';
import { createContext, type SimContext } from './context.js';
import {
  errorBody,
  gatewayErrorPage,
  notImplementedBody,
  sendError,
  tooManyRequestsBody,
  unauthorizedBody,
} from './error-bodies.js';
import { applyBodyFault, decideFault, type BodyFault, type FaultOptions } from './faults.js';
import { RateLimits } from './limits.js';
import {
  answersMalformed,
  refusalFor,
  type MisbehaviourOptions,
  type SystemMisbehaviour,
} from './misbehaviour/knobs.js';
import { misbehaveBody } from './misbehaviour/rewrite.js';
import { MisbehaviourStore } from './misbehaviour/store.js';
import { Fleet, fleetAnchorMs } from './model/fleet.js';
import type { ResolvedOptions } from './options.js';
import { planAllows } from './plan-access.js';
import { MemoryRequestLog, stripKey, toTemplate, type InjectedBy } from './request-log.js';
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
  /** Per-system knobs in force (misbehaviour/knobs.ts). */
  misbehaviour: MisbehaviourStore;
  /** Replaces every system's knobs; throws an Error naming a bad knob. */
  setMisbehaviour(options: MisbehaviourOptions): void;
  /** Sets (undefined: clears) one system's knobs; throws an Error naming a bad knob. */
  setSystemMisbehaviour(systemId: number, knobs: SystemMisbehaviour | undefined): void;
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
  injected?: InjectedBy;
}

const API_PREFIX = '/api/v4/';

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
    ...(options.micros !== undefined ? { micros: options.micros } : {}),
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
  // Every route template registered below: knobs naming another one are refused.
  const knownRoutes = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(API_PREFIX)) knownRoutes.add(toTemplate(route.url));
  });
  const misbehaviour = new MisbehaviourStore(knownRoutes);

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
      ...(state?.injected !== undefined ? { injected: state.injected } : {}),
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
      sendError(reply, 401, unauthorizedBody(state.route, details, options.now(), plan === undefined));
    if (key === undefined || plan === undefined) return unauthorized();
    // Requests with a valid key count, whatever comes next (as Enphase counts them).
    state.keyId = key;
    const decision = limits.take(key, options.limits[plan], options.now());
    if (!decision.ok)
      return sendError(reply, 429, tooManyRequestsBody(state.route, plan, decision, options.now()));

    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.isValidAccessToken(bearer)) return unauthorized();
    if (!planAllows(plan, state.route)) return unauthorized('Not authorized to access requested resource');
    // A system's refusals are the API's own answer, like the plan check above: decided before the
    // random transport faults, so every request to a refused route gets the refusal.
    const knobs = misbehaviour.of(state.systemId);
    const refusal = refusalFor(knobs, state.route);
    if (refusal?.status === 401) {
      state.injected = 'knob:unauthorized';
      return unauthorized('Not authorized to access requested resource');
    }
    if (refusal?.status === 501) {
      state.injected = 'knob:notImplemented';
      return sendError(reply, 501, notImplementedBody());
    }

    faultCounter += 1;
    const n = faultCounter;
    const fault = decideFault(faults, options.seed, n, state.route);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    switch (fault.kind) {
      case 'timeout':
        // Never answer: the client must give up by itself. close() destroys the socket.
        reply.hijack();
        hung.add(request.raw.socket);
        state.injected = 'fault:timeout';
        record(request, 0);
        return reply;
      case 'error':
        state.injected = 'fault:error';
        if (fault.status === 500) return sendError(reply, 500, errorBody(500, 'Simulated fault'));
        return reply.code(fault.status).type('text/html').send(gatewayErrorPage(fault.status));
      case 'burst429':
      case 'random429': {
        state.injected = `fault:${fault.kind}`;
        const now = options.now();
        return sendError(
          reply,
          429,
          tooManyRequestsBody(
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
        if (answersMalformed(knobs, state.route)) {
          state.bodyFault = 'malformed';
          state.injected = 'knob:malformed';
        } else if (fault.body) state.injected = `fault:${fault.body}`;
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

  // A system's body knobs (misbehaviour/rewrite.ts); a system without knobs keeps its body as is.
  app.addHook('preSerialization', async (request, reply, payload) => {
    const state = states.get(request);
    if (!state || reply.statusCode !== 200 || !request.url.startsWith(API_PREFIX)) return payload;
    return misbehaveBody(state.route, payload, state.systemId, misbehaviour, fleet);
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
    sendError(reply, 404, errorBody(404, `No route matches ${request.method} ${request.url.split('?')[0]}`));
  });

  registerOauthRoutes(app, ctx, tokens);
  registerApiRoutes(app, ctx);
  misbehaviour.replace(options.misbehaviour);
  const server: SimServer = {
    app,
    ctx,
    fleet,
    tokens,
    requestLog,
    setFaults(next) {
      faults = next;
    },
    misbehaviour,
    setMisbehaviour(next) {
      misbehaviour.replace(next);
    },
    setSystemMisbehaviour(systemId, knobs) {
      misbehaviour.set(systemId, knobs);
    },
    releaseHung() {
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
  };
  registerAdminRoutes(app, server);
  return server;
}
