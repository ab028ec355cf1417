// The one configuration schema (DESIGN §4) and the only reader of process.env.
// Values come from the environment and from a `.env` file; the real environment wins.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DATASET_NAMES, type DatasetName, isDatasetName } from './datasets/index.js';
import { parseDuration } from './duration.js';
import { PLAN_NAMES, PLAN_PRESETS, type PlanName } from './enphase/plans.js';
import type { LoaderOptions } from './loaders/contract.js';
import { DEFAULT_KEY_PREFIX } from './state/keys.js';

export const DEFAULT_API_URL = 'https://api.enphaseenergy.com';

/** A configuration that cannot work: the CLI prints `message` and exits 2, without a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Only a person can fix a configuration: a job failing with one is not tried again. */
  readonly retryable = false;
}

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const url = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s) URL')
    .transform((s) => s.replace(/\/+$/, ''));

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 90m, 12h or 2d' });
        return z.NEVER;
      }
      return ms;
    });

const datasets = z
  .string()
  .optional()
  .transform((s, ctx): DatasetName[] | undefined => {
    const names = (s ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (names.length === 0) return undefined;
    const unknown = names.filter((n) => !isDatasetName(n));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown dataset ${unknown.join(', ')} (known: ${DATASET_NAMES.join(', ')})`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as DatasetName[];
  });

const envSchema = z.object({
  ENPHASE_API_URL: url(DEFAULT_API_URL),
  ENPHASE_API_KEY: optionalText,
  ENPHASE_CLIENT_ID: optionalText,
  ENPHASE_CLIENT_SECRET: optionalText,
  ENPHASE_ACCESS_TOKEN: optionalText,
  ENPHASE_REFRESH_TOKEN: optionalText,
  ENPHASE_PLAN: z.enum(PLAN_NAMES).default('watt'),
  ENPHASE_RATE_PER_MINUTE: positiveInt.optional(),
  ENPHASE_QUOTA_PER_MONTH: positiveInt.optional(),
  ENPHASE_QUOTA_RESERVE: z
    .string()
    .default('5%')
    .transform((s, ctx) => {
      const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(s.trim());
      const amount = match ? Number(match[1]) : NaN;
      if (!match || (match[2] === '%' && amount >= 100)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a number of requests (50) or a percentage below 100 (5%)',
        });
        return z.NEVER;
      }
      return { amount, unit: match[2] === '%' ? ('percent' as const) : ('requests' as const) };
    }),
  ENPHASE_REDIRECT_URI: z.string().default('https://api.enphaseenergy.com/oauth/redirect_uri'),
  PLAN_RESTRICTION_RECHECK: duration('24h'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((s) => /^rediss?:\/\//.test(s) && URL.canParse(s), 'must be a redis:// or rediss:// URL'),
  REDIS_PATIENCE: duration('30s'),
  INFLUX_URL: url('http://127.0.0.1:8086'),
  INFLUX_API: z.enum(['v1', 'v2']).default('v2'),
  INFLUX_TOKEN: optionalText,
  INFLUX_ORG: optionalText,
  INFLUX_BUCKET: z.string().min(1).default('enphase'),
  INFLUX_DATABASE: z.string().min(1).default('enphase'),
  INFLUX_RETENTION_POLICY: optionalText,
  INFLUX_USERNAME: optionalText,
  INFLUX_PASSWORD: optionalText,
  INFLUX_BATCH_SIZE: positiveInt.default(5_000),
  INFLUX_FLUSH_INTERVAL: duration('1s'),
  INFLUX_MAX_BUFFERED_LINES: positiveInt.default(50_000),
  INFLUX_CONCURRENCY: positiveInt.default(2),
  INFLUX_GZIP_THRESHOLD: z
    .string()
    .regex(/^\d+$/, 'must be a number of bytes')
    .transform(Number)
    .default(1_048_576),
  INFLUX_TIMEOUT: duration('30s'),
  INFLUX_PATIENCE: duration('2m'),
  DATASETS: datasets,
  SETTLE_WINDOW: duration('24h'),
  INITIAL_LOOKBACK: duration('7d'),
  SYNC_INTERVAL: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const ms = parseDuration(s);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 15m or 3h' });
        return z.NEVER;
      }
      return ms;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number')
    .default('9464')
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65_535, 'must be a port number (0-65535)'),
  // Outside a container only this machine reaches /metrics; docker-compose sets 0.0.0.0.
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  // Every Redis key starts with it (src/state/keys.ts): two deployments, or the demo, can share
  // one Redis without touching each other's state.
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .default(DEFAULT_KEY_PREFIX)
    .refine((s) => /^[A-Za-z0-9_.-]+$/.test(s), 'must be letters, digits, -, _ or . only'),
});

export interface Config {
  enphase: {
    apiUrl: string;
    apiKey?: string;
    clientId?: string;
    clientSecret?: string;
    accessToken?: string;
    refreshToken?: string;
    plan: PlanName;
    ratePerMinute: number;
    /** null: the plan has no monthly cap. */
    quotaPerMonth: number | null;
    /** Requests of the month kept back for interactive use (`auth`, `status`), never spent by syncs. */
    quotaReserve: number;
    redirectUri: string;
    /** How long a 401/403 plan restriction is remembered before the endpoint is tried again. */
    planRestrictionRecheckMs: number;
  };
  redisUrl: string;
  /** How long a one-shot command waits for a lost Redis to come back before it gives up (exit 1). */
  redisPatienceMs: number;
  influx: {
    url: string;
    api: 'v1' | 'v2';
    token?: string;
    org?: string;
    bucket: string;
    database: string;
    retentionPolicy?: string;
    username?: string;
    password?: string;
    /**
     * How long a command waits for an InfluxDB that accepts no write (at start, and mid-run in
     * `backfill`/`sync`) before it exits 1; the service waits without limit once running.
     */
    patienceMs?: number;
    /** How the loader batches and sends (src/loaders/contract.ts); absent: its defaults. */
    write?: Pick<
      LoaderOptions,
      | 'batchSize'
      | 'flushIntervalMs'
      | 'maxBufferedLines'
      | 'concurrency'
      | 'gzipThresholdBytes'
      | 'requestTimeoutMs'
    >;
  };
  /** undefined: every dataset the plan allows. */
  datasets?: DatasetName[];
  settleWindowMs: number;
  initialLookbackMs: number;
  /** undefined: planned from the quota. */
  syncIntervalMs?: number;
  logLevel: string;
  metricsPort: number;
  /** Address /metrics and /healthz listen on; absent: 127.0.0.1. */
  metricsHost?: string;
  /** The first part of every Redis key (`<prefix>:v1:…`); absent: `enphase-etl`. */
  redisKeyPrefix?: string;
}

export type Env = Record<string, string | undefined>;

/** A `.env` file's variables and the numbers of the lines that are not `NAME=value`. */
export interface DotenvFile {
  values: Env;
  badLines: number[];
}

/** A line dotenv reads as a variable: `NAME=value`, `NAME: value`, optionally after `export`. */
const ASSIGNMENT = /^\s*(?:export\s+)?[\w.-]+(?:\s*=|:\s)/;

/**
 * The lines of a `.env` text that dotenv skips without a word (pure): not blank, not a comment,
 * not an assignment, not inside a quoted value that spans lines. Only numbers: a bad line may hold
 * a secret (a value pasted without its name).
 */
export function unparsedDotenvLines(text: string): number[] {
  const bad: number[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    if (!ASSIGNMENT.test(line)) {
      bad.push(i + 1);
      return;
    }
    // A quoted value that does not close on its own line continues on the next ones.
    const value = line.replace(ASSIGNMENT, '').trimStart();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1)
      openQuote = quote;
  });
  return bad;
}

function readDotenv(dotenvPath: string): DotenvFile {
  if (!existsSync(dotenvPath)) return { values: {}, badLines: [] };
  const text = readFileSync(dotenvPath, 'utf8');
  return { values: parseDotenv(text), badLines: unparsedDotenvLines(text) };
}

/** The environment as the service sees it: `.env` (if any) overlaid by the real environment. */
export function readEnv(env: Env = process.env, dotenvPath = '.env'): Env {
  return { ...readDotenv(dotenvPath).values, ...env };
}

/** What each variable is when it is not set (the schema's defaults; undefined: none). */
const DEFAULTS = envSchema.parse({}) as Record<string, unknown>;

/**
 * The rule for empty values (docs/operations.md "Configuration"): `NAME=` means NAME is not set,
 * as in most .env tooling and in compose files' `${NAME:-}`. Where that silently swaps in a
 * default (`REDIS_URL=` → the local Redis), the operator is told (pure): the variables that were
 * empty and have a default, then the `.env` lines that were ignored.
 */
export function configWarnings(env: Env, dotenvPath: string, badLines: readonly number[]): string[] {
  const warnings: string[] = [];
  const defaulted = Object.keys(envSchema.shape).filter(
    (key) => env[key] !== undefined && env[key]!.trim() === '' && DEFAULTS[key] !== undefined,
  );
  if (defaulted.length > 0) {
    const one = defaulted.length === 1;
    warnings.push(
      `${defaulted.join(', ')} ${one ? 'is' : 'are'} set but empty, which means not set: ${one ? 'its default applies' : 'their defaults apply'} (.env.example lists them)`,
    );
  }
  if (badLines.length > 0) {
    warnings.push(
      `${dotenvPath}: line${badLines.length === 1 ? '' : 's'} ${badLines.join(', ')} ${badLines.length === 1 ? 'is' : 'are'} not NAME=value and ignored`,
    );
  }
  return warnings;
}

/** Validates the environment into a Config; throws ConfigError naming every bad variable. */
export function parseConfig(env: Env): Config {
  // An empty value (`SYNC_INTERVAL=` in .env, `${VAR:-}` in compose files) means "not set".
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value]];
    }),
  );
  const result = envSchema.safeParse(relevant);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  if (e.ENPHASE_PLAN === 'custom' && (!e.ENPHASE_RATE_PER_MINUTE || !e.ENPHASE_QUOTA_PER_MONTH)) {
    throw new ConfigError(
      'invalid configuration:\n  ENPHASE_PLAN: custom needs ENPHASE_RATE_PER_MINUTE and ENPHASE_QUOTA_PER_MONTH',
    );
  }
  // An access token alone lives 24 h and cannot be renewed: the service would stop a day later
  // with nobody told why. Refuse it at start-up instead (docs/enphase-client.md, "Tokens").
  if (e.ENPHASE_ACCESS_TOKEN !== undefined && e.ENPHASE_REFRESH_TOKEN === undefined) {
    throw new ConfigError(
      'invalid configuration:\n  ENPHASE_ACCESS_TOKEN is set without ENPHASE_REFRESH_TOKEN: an access token cannot be renewed on its own; set both (the pair from `enphase-etl auth exchange`), or neither and run `enphase-etl auth`',
    );
  }
  if (e.INFLUX_MAX_BUFFERED_LINES < e.INFLUX_BATCH_SIZE) {
    throw new ConfigError(
      'invalid configuration:\n  INFLUX_MAX_BUFFERED_LINES: must be at least INFLUX_BATCH_SIZE (a smaller buffer never fills a batch)',
    );
  }
  const preset = e.ENPHASE_PLAN === 'custom' ? undefined : PLAN_PRESETS[e.ENPHASE_PLAN];
  const quotaPerMonth = e.ENPHASE_QUOTA_PER_MONTH ?? preset?.perMonth ?? null;
  const reserve = e.ENPHASE_QUOTA_RESERVE;
  const quotaReserve =
    quotaPerMonth === null
      ? 0
      : reserve.unit === 'percent'
        ? Math.ceil((quotaPerMonth * reserve.amount) / 100)
        : Math.floor(reserve.amount);
  return {
    enphase: {
      apiUrl: e.ENPHASE_API_URL,
      apiKey: e.ENPHASE_API_KEY,
      clientId: e.ENPHASE_CLIENT_ID,
      clientSecret: e.ENPHASE_CLIENT_SECRET,
      accessToken: e.ENPHASE_ACCESS_TOKEN,
      refreshToken: e.ENPHASE_REFRESH_TOKEN,
      plan: e.ENPHASE_PLAN,
      ratePerMinute: e.ENPHASE_RATE_PER_MINUTE ?? preset?.perMinute ?? 0,
      quotaPerMonth,
      quotaReserve,
      redirectUri: e.ENPHASE_REDIRECT_URI,
      planRestrictionRecheckMs: e.PLAN_RESTRICTION_RECHECK,
    },
    redisUrl: e.REDIS_URL,
    redisPatienceMs: e.REDIS_PATIENCE,
    influx: {
      url: e.INFLUX_URL,
      api: e.INFLUX_API,
      token: e.INFLUX_TOKEN,
      org: e.INFLUX_ORG,
      bucket: e.INFLUX_BUCKET,
      database: e.INFLUX_DATABASE,
      retentionPolicy: e.INFLUX_RETENTION_POLICY,
      username: e.INFLUX_USERNAME,
      password: e.INFLUX_PASSWORD,
      patienceMs: e.INFLUX_PATIENCE,
      write: {
        batchSize: e.INFLUX_BATCH_SIZE,
        flushIntervalMs: e.INFLUX_FLUSH_INTERVAL,
        maxBufferedLines: e.INFLUX_MAX_BUFFERED_LINES,
        concurrency: e.INFLUX_CONCURRENCY,
        gzipThresholdBytes: e.INFLUX_GZIP_THRESHOLD,
        requestTimeoutMs: e.INFLUX_TIMEOUT,
      },
    },
    datasets: e.DATASETS,
    settleWindowMs: e.SETTLE_WINDOW,
    initialLookbackMs: e.INITIAL_LOOKBACK,
    syncIntervalMs: e.SYNC_INTERVAL,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
  };
}

/** Warnings already printed: a process that loads its configuration twice says each once. */
const warned = new Set<string>();

function warnOnStderr(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`enphase-etl: warning: ${line}\n`);
}

/**
 * Config of this process: `.env` plus the environment. Empty values and `.env` lines that were
 * ignored are reported through `warn` (stderr), once, unless LOG_LEVEL is error or quieter.
 */
export function loadConfig(
  env: Env = process.env,
  dotenvPath = '.env',
  warn: (line: string) => void = warnOnStderr,
): Config {
  const file = readDotenv(dotenvPath);
  const merged = { ...file.values, ...env };
  const config = parseConfig(merged);
  if (!['error', 'fatal', 'silent'].includes(config.logLevel)) {
    for (const line of configWarnings(merged, dotenvPath, file.badLines)) warn(line);
  }
  return config;
}

/**
 * Whether LOG_LEVEL asks for debug output (debug, trace): then an error that ends a command is
 * printed with its stack. Read on its own, so it answers even when the rest of the configuration
 * is invalid.
 */
export function verboseErrorsRequested(env: Env = process.env, dotenvPath = '.env'): boolean {
  try {
    return ['debug', 'trace'].includes((readEnv(env, dotenvPath)['LOG_LEVEL'] ?? '').trim());
  } catch {
    return false;
  }
}

/** True when the process has no Enphase credentials and should use the built-in simulator. */
export function usesSimulator(config: Config): boolean {
  return !config.enphase.apiKey && config.enphase.apiUrl === DEFAULT_API_URL;
}
