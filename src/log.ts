// pino, configured once. Every secret the service handles is redacted by path here, so no module
// has to remember to scrub a log line (DESIGN §3: tokens and secrets never reach a log line).
import { pino, type Logger, type LoggerOptions } from 'pino';

const SECRET_KEYS = [
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'apiKey',
  'api_key',
  'authCode',
  'token',
  'password',
  'authorization',
  'Authorization',
];
// Header names that carry credentials but are too generic to redact everywhere (`key`).
const SECRET_HEADERS = ['authorization', 'Authorization', 'key'];

// pino's redaction matches exact paths (with `*` for one level), so each secret is listed at the
// depths where it occurs: top level, inside one object (`config.apiKey`), inside headers.
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  ...SECRET_HEADERS.map((k) => `headers["${k}"]`),
  ...SECRET_HEADERS.map((k) => `*.headers["${k}"]`),
  ...SECRET_HEADERS.map((k) => `*.*.headers["${k}"]`),
];

export type { Logger };

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'enphase-etl',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(opts, destination) : pino(opts);
}

/** Removes credentials from a URL before it is logged (`?key=` is accepted by Enphase). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    for (const name of ['key', 'access_token', 'refresh_token', 'code', 'client_secret']) {
      if (url.searchParams.has(name)) url.searchParams.set(name, 'redacted');
    }
    if (url.password) url.password = 'redacted';
    return url.toString();
  } catch {
    return raw;
  }
}
