// The configuration of this process (DESIGN §4) and the only reader of process.env.
// Values come from the environment and from a `.env` file; the real environment wins. The schema is
// in src/config/schema.ts, its value types in src/config/fields.ts, `.env` reading in
// src/config/dotenv.ts and the operator's warnings in src/config/warnings.ts.
import { readDotenv, type Env } from './config/dotenv.js';
import { DEFAULT_API_URL, envSchema } from './config/schema.js';
import { ConfigError } from './config/error.js';
import { configWarnings, warnOnStderr } from './config/warnings.js';
import type { DatasetName } from './datasets/index.js';
import { PLAN_PRESETS, type PlanName } from './enphase/plans.js';
import type { LoaderOptions } from './loaders/contract.js';

export { readEnv, unparsedDotenvLines, type DotenvFile, type Env } from './config/dotenv.js';
export { ConfigError } from './config/error.js';
export { verboseErrorsRequested } from './config/verbose.js';
export { DEFAULT_API_URL } from './config/schema.js';
export { configWarnings } from './config/warnings.js';

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

/** True when the process has no Enphase credentials and should use the built-in simulator. */
export function usesSimulator(config: Config): boolean {
  return !config.enphase.apiKey && config.enphase.apiUrl === DEFAULT_API_URL;
}
