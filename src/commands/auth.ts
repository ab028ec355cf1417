// `enphase-etl auth url | exchange --code <code> | refresh`: obtaining the first token pair and
// renewing it by hand. The pair goes to Redis (where the service reads it); nothing secret is ever
// printed — only what was done and until when the access token is valid.
import type { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createTokenManager, type TokenManager } from '../enphase/auth.js';
import { EnphaseError } from '../enphase/errors/index.js';
import { authorizeUrl, exchangeCode, type OAuthClientConfig } from '../enphase/oauth.js';
import { createLogger } from '../log.js';
import { apiKeyId, createKeys, type RedisKeys } from '../state/keys.js';
import { connectRedisOrFail } from './redis-check.js';

export interface AuthCommandDeps {
  config: Config;
  redis: Redis;
  keys: RedisKeys;
  out: (line: string) => void;
}

function oauthConfig(config: Config): OAuthClientConfig {
  const e = config.enphase;
  return {
    apiUrl: e.apiUrl,
    redirectUri: e.redirectUri,
    ...(e.clientId ? { clientId: e.clientId } : {}),
    ...(e.clientSecret ? { clientSecret: e.clientSecret } : {}),
  };
}

function requireCredentials(config: Config, needSecret: boolean): void {
  const missing = [
    ...(config.enphase.clientId ? [] : ['ENPHASE_CLIENT_ID']),
    ...(needSecret && !config.enphase.clientSecret ? ['ENPHASE_CLIENT_SECRET'] : []),
    ...(needSecret && !config.enphase.apiKey ? ['ENPHASE_API_KEY (token pairs are stored per API key)'] : []),
  ];
  if (missing.length > 0)
    throw new ConfigError(`invalid configuration:\n  ${missing.join(' and ')} must be set`);
}

function tokenManagerFor(deps: AuthCommandDeps): TokenManager {
  const e = deps.config.enphase;
  const keyId = apiKeyId(e.apiKey!);
  return createTokenManager({
    redis: deps.redis,
    tokensKey: deps.keys.tokens(keyId),
    lockKey: deps.keys.tokenRefreshLock(keyId),
    oauth: oauthConfig(deps.config),
    env: {
      ...(e.accessToken ? { accessToken: e.accessToken } : {}),
      ...(e.refreshToken ? { refreshToken: e.refreshToken } : {}),
    },
    logger: createLogger({ level: 'warn', name: 'auth' }),
  });
}

const hours = (sec: number): string => `${Math.round((sec / 3600) * 10) / 10} h`;

/** Prints the URL to open in a browser; after consent Enphase redirects with `?code=`. */
export function runAuthUrl(config: Config, out: (line: string) => void): void {
  requireCredentials(config, false);
  out(authorizeUrl(oauthConfig(config)));
  out('');
  out('Open this URL, log in as the system owner and approve. The browser is then sent to');
  out(`${config.enphase.redirectUri}?code=...; run: enphase-etl auth exchange --code <that code>`);
}

export async function runAuthExchange(deps: AuthCommandDeps, code: string): Promise<void> {
  requireCredentials(deps.config, true);
  const grant = await exchangeCode(oauthConfig(deps.config), code);
  await tokenManagerFor(deps).storeExchanged(grant);
  deps.out(
    `Stored a new token pair in Redis for API key ${apiKeyId(deps.config.enphase.apiKey!)} ` +
      `(access token valid for ${hours(grant.expires_in)}; it is refreshed automatically).`,
  );
}

export async function runAuthRefresh(deps: AuthCommandDeps): Promise<void> {
  requireCredentials(deps.config, true);
  const pair = await tokenManagerFor(deps).refreshNow();
  const until = pair.expiresAt === undefined ? 'unknown' : new Date(pair.expiresAt).toISOString();
  deps.out(`Refreshed the token pair in Redis; the access token is valid until ${until}.`);
}

/** Runs `use` with a Redis connection from the configuration, and closes it. */
async function withDeps(use: (deps: AuthCommandDeps) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const redis = await connectRedisOrFail(config.redisUrl, 'the token pair is kept there');
  try {
    await use({
      config,
      redis,
      keys: createKeys(config.redisKeyPrefix),
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    // An Enphase refusal is a failure of the work (exit 1) with one clear line, not a stack trace.
    if (!(error instanceof EnphaseError)) throw error;
    process.stderr.write(`enphase-etl: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}

/** `auth exchange --code`: the pair for the code, stored in Redis. */
export async function runAuthExchangeCommand(code: string): Promise<void> {
  await withDeps((deps) => runAuthExchange(deps, code));
}

/** `auth refresh`. */
export async function runAuthRefreshCommand(): Promise<void> {
  await withDeps((deps) => runAuthRefresh(deps));
}

/** `auth url`. */
export function runAuthUrlCommand(): void {
  runAuthUrl(loadConfig(), (line) => process.stdout.write(`${line}\n`));
}
