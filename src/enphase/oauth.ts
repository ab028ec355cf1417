// The two calls to Enphase's OAuth token endpoint (code exchange and refresh) and the authorize
// URL. Client credentials go in HTTP Basic, the grant in the query, as Enphase documents it.
// Errors are rebuilt from status and body only: got's own errors carry the request URL and
// headers (with the refresh token and the client secret), so they are never passed on.
import { got } from 'got';
import { ApiError, AuthError, REAUTHORISE_HINT } from './errors/index.js';

export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  /** Seconds the access token lives, from the answer (never assumed). */
  expires_in: number;
}

export interface OAuthClientConfig {
  apiUrl: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Request timeout (ms). */
  timeoutMs?: number;
}

const TOKEN_ENDPOINT = '/oauth/token';

/** The URL a person opens to authorise this application (step one of `enphase-etl auth`). */
export function authorizeUrl(config: OAuthClientConfig): string {
  if (!config.clientId)
    throw new AuthError('ENPHASE_CLIENT_ID is not set: it is needed to build the authorize URL');
  if (!config.redirectUri) throw new AuthError('ENPHASE_REDIRECT_URI is not set');
  const url = new URL('/oauth/authorize', config.apiUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  return url.toString();
}

/** The grant was refused: the refresh token or code is expired, used or revoked, or the client is unknown. */
export class GrantRejectedError extends AuthError {
  override name = 'GrantRejectedError';
}

function basicAuth(config: OAuthClientConfig): string {
  if (!config.clientId || !config.clientSecret) {
    throw new AuthError(
      'ENPHASE_CLIENT_ID and ENPHASE_CLIENT_SECRET are needed to obtain or refresh tokens',
      { endpoint: TOKEN_ENDPOINT },
    );
  }
  return `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`;
}

function parseGrant(body: string): TokenGrant | undefined {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const { access_token, refresh_token, expires_in } = json;
    if (typeof access_token !== 'string' || typeof refresh_token !== 'string') return undefined;
    const ttl = typeof expires_in === 'string' ? Number(expires_in) : expires_in;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) return undefined;
    return { access_token, refresh_token, expires_in: ttl };
  } catch {
    return undefined;
  }
}

/** `error: error_description` of an OAuth error body, never echoing anything else of it. */
function oauthReason(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const parts = [json.error, json.error_description].filter((p) => typeof p === 'string');
    return parts.length > 0 ? parts.join(': ') : 'no reason given';
  } catch {
    return 'no reason given';
  }
}

async function postToken(config: OAuthClientConfig, grant: Record<string, string>): Promise<TokenGrant> {
  const authorization = basicAuth(config);
  let response;
  try {
    response = await got.post(`${config.apiUrl}${TOKEN_ENDPOINT}`, {
      searchParams: grant,
      headers: { authorization, accept: 'application/json' },
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: config.timeoutMs ?? 30_000 },
      responseType: 'text',
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ApiError(`token endpoint unreachable (${code ?? 'network error'})`, {
      endpoint: TOKEN_ENDPOINT,
      ...(code ? { code } : {}),
    });
  }
  const { statusCode: status, body } = response;
  if (status === 200) {
    const parsed = parseGrant(body);
    if (parsed) return parsed;
    throw new ApiError('token endpoint answered 200 without a usable token pair', {
      endpoint: TOKEN_ENDPOINT,
      status: 502,
    });
  }
  if (status === 400 || status === 401) {
    throw new GrantRejectedError(
      `Enphase refused the ${grant.grant_type === 'refresh_token' ? 'refresh token' : 'authorization code'} ` +
        `(${status} ${oauthReason(body)}); ${REAUTHORISE_HINT}`,
      { endpoint: TOKEN_ENDPOINT, status },
    );
  }
  throw new ApiError(`token endpoint answered ${status}`, { endpoint: TOKEN_ENDPOINT, status });
}

export function refreshGrant(config: OAuthClientConfig, refreshToken: string): Promise<TokenGrant> {
  return postToken(config, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function exchangeCode(config: OAuthClientConfig, code: string): Promise<TokenGrant> {
  if (!config.redirectUri) throw new AuthError('ENPHASE_REDIRECT_URI is not set');
  return postToken(config, { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri });
}
