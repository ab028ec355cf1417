// The Enphase authorization server's two endpoints the ETL and the demo use: the token endpoint
// (code exchange and refresh, HTTP Basic client credentials) and the authorize redirect.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../context.js';
import { oauthErrorBody, sendError } from '../error-bodies.js';
import type { TokenPair, TokenStore } from '../tokens.js';

type Params = Record<string, string | undefined>;

/** Query and form parameters together (Enphase documents them in the query; forms work too). */
function paramsOf(request: FastifyRequest): Params {
  const body = request.body && typeof request.body === 'object' ? (request.body as Params) : {};
  return { ...body, ...(request.query as Params) };
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return sendError(reply, status, oauthErrorBody(error, description));
}

export function tokenResponse(ctx: SimContext, pair: TokenPair): Record<string, unknown> {
  return {
    access_token: pair.access_token,
    token_type: 'bearer',
    refresh_token: pair.refresh_token,
    expires_in: pair.expires_in,
    scope: 'read write',
    enl_uid: String(ctx.options.seed * 1000 + 17),
    enl_cid: '42',
    enl_password_last_changed: String(Math.floor(ctx.now() / 1000) - 90 * 86_400),
    is_internal_app: false,
    app_type: 'partner',
    jti: pair.access_token.split('.').slice(1).join('-'),
  };
}

export function registerOauthRoutes(app: FastifyInstance, ctx: SimContext, tokens: TokenStore): void {
  app.post('/oauth/token', async (request, reply) => {
    const client = basicCredentials(request.headers.authorization);
    if (!client || client.id !== ctx.options.clientId || client.secret !== ctx.options.clientSecret) {
      return oauthError(reply, 401, 'unauthorized', 'Bad credentials');
    }
    const params = paramsOf(request);
    if (params.grant_type === 'authorization_code') {
      if (!params.code) return oauthError(reply, 400, 'invalid_request', 'Missing authorization code');
      const pair = tokens.exchangeCode(params.code);
      if (!pair) return oauthError(reply, 400, 'invalid_grant', 'Invalid authorization code');
      return tokenResponse(ctx, pair);
    }
    if (params.grant_type === 'refresh_token') {
      if (!params.refresh_token) return oauthError(reply, 400, 'invalid_request', 'Missing refresh token');
      const pair = tokens.rotate(params.refresh_token);
      if (!pair) return oauthError(reply, 400, 'invalid_grant', 'Invalid refresh token');
      return tokenResponse(ctx, pair);
    }
    return oauthError(
      reply,
      400,
      'unsupported_grant_type',
      `Unsupported grant type: ${params.grant_type ?? ''}`,
    );
  });

  app.get('/oauth/authorize', async (request, reply) => {
    const params = request.query as Params;
    if (params.response_type !== 'code')
      return oauthError(reply, 400, 'unsupported_response_type', 'response_type must be code');
    if (params.client_id !== ctx.options.clientId)
      return oauthError(reply, 400, 'invalid_client', 'Unknown client_id');
    if (!params.redirect_uri) return oauthError(reply, 400, 'invalid_request', 'Missing redirect_uri');
    let target: URL;
    try {
      target = new URL(params.redirect_uri);
    } catch {
      return oauthError(reply, 400, 'invalid_request', 'redirect_uri is not a URL');
    }
    target.searchParams.set('code', tokens.issueCode());
    return reply.redirect(target.toString(), 302);
  });
}
