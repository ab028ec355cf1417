// `enphase-etl status [--system ids] [--limit N] [--json]`: the command (its options are defined in
// ../definitions.ts). It collects the report (collect.ts) and prints it, as text (render.ts) or as
// JSON.
import type { Config } from '../../config.js';
import { createKeys } from '../../state/keys.js';
import { connectRedisOrFail } from '../redis-check.js';
import { collectStatus } from './collect.js';
import { formatStatus } from './render.js';
import type { StatusReport } from './report.js';

export async function runStatus(
  config: Config,
  options: { system?: number[]; limit?: number; json?: boolean; now?: number },
  out: (line: string) => void,
): Promise<StatusReport> {
  const redis = await connectRedisOrFail(config.redisUrl, 'status reads everything from it');
  try {
    const report = await collectStatus(redis, createKeys(config.redisKeyPrefix), config, {
      ...(options.system ? { systemIds: options.system } : {}),
      limit: options.json ? Infinity : (options.limit ?? 20),
      now: options.now ?? Date.now(),
    });
    if (options.json) out(JSON.stringify(report, null, 2));
    else formatStatus(report).forEach((line) => out(line));
    return report;
  } finally {
    redis.disconnect();
  }
}
