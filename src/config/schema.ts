// The one configuration schema (DESIGN §4): every variable the service reads, its type and default.
import * as z from 'zod';
import { PLAN_NAMES } from '../enphase/plans.js';
import { DEFAULT_KEY_PREFIX } from '../state/keys.js';
import {
  datasets,
  duration,
  optionalDuration,
  optionalText,
  positiveInt,
  quotaReserve,
  url,
} from './fields.js';

export const DEFAULT_API_URL = 'https://api.enphaseenergy.com';

export const envSchema = z.object({
  ENPHASE_API_URL: url(DEFAULT_API_URL),
  ENPHASE_API_KEY: optionalText,
  ENPHASE_CLIENT_ID: optionalText,
  ENPHASE_CLIENT_SECRET: optionalText,
  ENPHASE_ACCESS_TOKEN: optionalText,
  ENPHASE_REFRESH_TOKEN: optionalText,
  ENPHASE_PLAN: z.enum(PLAN_NAMES).default('watt'),
  ENPHASE_RATE_PER_MINUTE: positiveInt.optional(),
  ENPHASE_QUOTA_PER_MONTH: positiveInt.optional(),
  ENPHASE_QUOTA_RESERVE: quotaReserve,
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
  SYNC_INTERVAL: optionalDuration,
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
