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

const VERBOSE_LEVELS = new Set(['debug', 'trace']);

/**
 * An error in a log line: its type and its own message — one line per failure, as an operator
 * reads them (our errors already name system, dataset and window, and their cause's message).
 * The stack, and pino's chain of cause messages, only at debug and trace.
 */
function errorSerializer(level: string): (error: unknown) => unknown {
  if (VERBOSE_LEVELS.has(level)) return (error) => pino.stdSerializers.err(error as Error);
  return (error) => (error instanceof Error ? { type: error.name, message: error.message } : error);
}

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  const level = options.level ?? 'info';
  const opts: LoggerOptions = {
    level,
    name: options.name ?? 'enphase-etl',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errorSerializer(level) },
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
