// The one configuration schema (DESIGN §4) and the only reader of process.env.
// Values come from the environment and from a `.env` file; the real environment wins.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DATASET_NAMES, type DatasetName, isDatasetName } from './datasets.js';
import { parseDuration } from './duration.js';
import { PLAN_NAMES, PLAN_PRESETS, type PlanName } from './enphase/plans.js';
import type { LoaderOptions } from './loaders/line-writer.js';

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
    /** How the loader batches and sends (src/loaders/line-writer.ts); absent: its defaults. */
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
}

export type Env = Record<string, string | undefined>;

/** The environment as the service sees it: `.env` (if any) overlaid by the real environment. */
export function readEnv(env: Env = process.env, dotenvPath = '.env'): Env {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...env };
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
  };
}

/** Config of this process: `.env` plus the environment. */
export function loadConfig(env: Env = process.env, dotenvPath = '.env'): Config {
  return parseConfig(readEnv(env, dotenvPath));
}

/** True when the process has no Enphase credentials and should use the built-in simulator. */
export function usesSimulator(config: Config): boolean {
  return !config.enphase.apiKey && config.enphase.apiUrl === DEFAULT_API_URL;
}
