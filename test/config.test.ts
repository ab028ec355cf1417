import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  configWarnings,
  DEFAULT_API_URL,
  loadConfig,
  parseConfig,
  unparsedDotenvLines,
  usesSimulator,
} from '../src/config.js';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.enphase).toMatchObject({
      apiUrl: DEFAULT_API_URL,
      plan: 'watt',
      ratePerMinute: 10,
      quotaPerMonth: 1_000,
      quotaReserve: 50,
    });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.influx).toMatchObject({
      url: 'http://127.0.0.1:8086',
      api: 'v2',
      bucket: 'enphase',
      database: 'enphase',
    });
    expect(config.influx.write).toEqual({
      batchSize: 5_000,
      flushIntervalMs: 1_000,
      maxBufferedLines: 50_000,
      concurrency: 2,
      gzipThresholdBytes: 1_048_576,
      requestTimeoutMs: 30_000,
    });
    expect(config.datasets).toBeUndefined();
    expect(config.settleWindowMs).toBe(24 * 3_600_000);
    expect(config.initialLookbackMs).toBe(7 * 86_400_000);
    expect(config.syncIntervalMs).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.metricsPort).toBe(9464);
    expect(usesSimulator(config)).toBe(true);
  });

  it('takes limits from the plan preset and lets explicit values override them', () => {
    expect(parseConfig({ ENPHASE_PLAN: 'kilowatt' }).enphase).toMatchObject({
      ratePerMinute: 50,
      quotaPerMonth: 50_000,
    });
    expect(parseConfig({ ENPHASE_PLAN: 'partner' }).enphase).toMatchObject({
      ratePerMinute: 300,
      quotaPerMonth: null,
      quotaReserve: 0,
    });
    const custom = parseConfig({
      ENPHASE_PLAN: 'megawatt',
      ENPHASE_RATE_PER_MINUTE: '7',
      ENPHASE_QUOTA_PER_MONTH: '900',
    });
    expect(custom.enphase).toMatchObject({ ratePerMinute: 7, quotaPerMonth: 900, quotaReserve: 45 });
    expect(parseConfig({ ENPHASE_QUOTA_RESERVE: '12' }).enphase.quotaReserve).toBe(12);
  });

  it('parses durations, datasets and strips trailing slashes from URLs', () => {
    const config = parseConfig({
      SETTLE_WINDOW: '90m',
      INITIAL_LOOKBACK: '2d',
      SYNC_INTERVAL: '30s',
      DATASETS: 'rgm, production_micro,rgm',
      ENPHASE_API_URL: 'http://127.0.0.1:4010/',
      ENPHASE_API_KEY: 'k',
    });
    expect(config.settleWindowMs).toBe(90 * 60_000);
    expect(config.initialLookbackMs).toBe(2 * 86_400_000);
    expect(config.syncIntervalMs).toBe(30_000);
    expect(config.datasets).toEqual(['rgm', 'production_micro']);
    expect(config.enphase.apiUrl).toBe('http://127.0.0.1:4010');
    expect(usesSimulator(config)).toBe(false);
  });

  it('names every bad variable in one ConfigError', () => {
    const bad = {
      ENPHASE_PLAN: 'gigawatt',
      SETTLE_WINDOW: '1 day',
      DATASETS: 'rgm,solar',
      INFLUX_API: 'v3',
      METRICS_PORT: '70000',
      REDIS_URL: 'localhost:6379',
      ENPHASE_RATE_PER_MINUTE: '0',
    };
    let error: unknown;
    try {
      parseConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of Object.keys(bad)) expect(message).toContain(name);
    expect(message).toContain('unknown dataset solar');
  });

  it('refuses a loader buffer smaller than one batch', () => {
    expect(() => parseConfig({ INFLUX_BATCH_SIZE: '10000', INFLUX_MAX_BUFFERED_LINES: '5000' })).toThrow(
      /INFLUX_MAX_BUFFERED_LINES/,
    );
  });

  it('asks for explicit limits on the custom plan', () => {
    expect(() => parseConfig({ ENPHASE_PLAN: 'custom', ENPHASE_RATE_PER_MINUTE: '5' })).toThrow(
      /ENPHASE_QUOTA_PER_MONTH/,
    );
  });

  it('refuses an access token without its refresh token, naming both variables and no secret', () => {
    const alone = () => parseConfig({ ENPHASE_ACCESS_TOKEN: 'at-secret-value' });
    expect(alone).toThrow(ConfigError);
    expect(alone).toThrow(/ENPHASE_ACCESS_TOKEN.*ENPHASE_REFRESH_TOKEN/);
    expect(alone).not.toThrow(/at-secret-value/);
    // The pair, or the refresh token alone (it gets a new pair), is fine.
    expect(parseConfig({ ENPHASE_ACCESS_TOKEN: 'a', ENPHASE_REFRESH_TOKEN: 'r' }).enphase.refreshToken).toBe(
      'r',
    );
    expect(parseConfig({ ENPHASE_REFRESH_TOKEN: 'r' }).enphase.accessToken).toBeUndefined();
  });

  it('never echoes a secret value in its error message', () => {
    expect(() => parseConfig({ ENPHASE_API_KEY: 'super-secret-key', INFLUX_API: 'nope' })).toThrow(
      ConfigError,
    );
    try {
      parseConfig({ ENPHASE_API_KEY: 'super-secret-key', INFLUX_API: 'nope' });
    } catch (e) {
      expect((e as Error).message).not.toContain('super-secret-key');
    }
  });
});

describe('loadConfig', () => {
  it('reads .env and lets the real environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enphase-etl-config-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'ENPHASE_PLAN=kilowatt\nLOG_LEVEL=debug\n# a comment\nINFLUX_API=v1\n');
    const config = loadConfig({ LOG_LEVEL: 'warn' }, file);
    expect(config.enphase.plan).toBe('kilowatt');
    expect(config.influx.api).toBe('v1');
    expect(config.logLevel).toBe('warn');
  });

  it('works without a .env file', () => {
    expect(loadConfig({ ENPHASE_PLAN: 'partner' }, '/nonexistent/.env').enphase.plan).toBe('partner');
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['90m', 5_400_000],
    ['12h', 43_200_000],
    ['2d', 172_800_000],
  ])('%s is %d ms and prints back the same', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['', '1.5h', '10', 'h', '2 days', '-1m'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('empty values and lines .env cannot read', () => {
  const dotenv = (text: string): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'enphase-etl-config-')), '.env');
    writeFileSync(file, text);
    return file;
  };

  it('an empty value is unset; where that means a default, it says which variables, once', () => {
    const warnings: string[] = [];
    const file = dotenv('REDIS_URL=\nENPHASE_API_KEY=\n');
    const config = loadConfig({ ENPHASE_PLAN: ' ', SYNC_INTERVAL: '' }, file, (w) => warnings.push(w));
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.enphase.plan).toBe('watt');
    expect(config.enphase.apiKey).toBeUndefined();
    expect(config.syncIntervalMs).toBeUndefined();
    // Variables with no default (ENPHASE_API_KEY, SYNC_INTERVAL) are simply unset: no warning.
    expect(warnings).toEqual([
      'ENPHASE_PLAN, REDIS_URL are set but empty, which means not set: their defaults apply (.env.example lists them)',
    ]);
  });

  it('names .env lines that are not NAME=value by number, never by content', () => {
    const warnings: string[] = [];
    const file = dotenv(
      [
        '# comment',
        'ENPHASE_PLAN=kilowatt',
        'hunter2-pasted-secret',
        '',
        'export LOG_LEVEL=info',
        'INFLUX_PASSWORD="multi',
        'line value"',
        'INFLUX_DATABASE : enphase',
      ].join('\n'),
    );
    const config = loadConfig({}, file, (w) => warnings.push(w));
    expect(config.enphase.plan).toBe('kilowatt');
    expect(warnings).toEqual([`${file}: lines 3, 8 are not NAME=value and ignored`]);
    expect(warnings.join()).not.toContain('hunter2');
    expect(unparsedDotenvLines('A=1\r\n  \r\n# x\r\nB: 2\r\n')).toEqual([]);
  });

  it('stays quiet for a copy of .env.example, and when LOG_LEVEL asks for errors only', () => {
    const warnings: string[] = [];
    loadConfig({}, new URL('../.env.example', import.meta.url).pathname, (w) => warnings.push(w));
    loadConfig({ LOG_LEVEL: 'error', REDIS_URL: '' }, '/nonexistent/.env', (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(configWarnings({ INFLUX_BUCKET: '' }, '.env', [])).toEqual([
      'INFLUX_BUCKET is set but empty, which means not set: its default applies (.env.example lists them)',
    ]);
  });
});

describe('METRICS_HOST and REDIS_KEY_PREFIX', () => {
  it('default to this machine only and to enphase-etl', () => {
    expect(parseConfig({})).toMatchObject({ metricsHost: '127.0.0.1', redisKeyPrefix: 'enphase-etl' });
    expect(parseConfig({ METRICS_HOST: '0.0.0.0', REDIS_KEY_PREFIX: 'demo' })).toMatchObject({
      metricsHost: '0.0.0.0',
      redisKeyPrefix: 'demo',
    });
    expect(() => parseConfig({ REDIS_KEY_PREFIX: 'a b' })).toThrow(/REDIS_KEY_PREFIX/);
  });
});
