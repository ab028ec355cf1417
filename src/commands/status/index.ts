// `enphase-etl status [--system ids] [--limit N] [--json]`: the command. It parses the options,
// collects the report (collect.ts) and prints it, as text (render.ts) or as JSON.
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { createKeys } from '../../state/keys.js';
import { UsageError } from '../errors.js';
import { connectRedisOrFail } from '../redis-check.js';
import { collectStatus } from './collect.js';
import { formatStatus } from './render.js';
import type { StatusReport } from './report.js';

function parseIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.some((s) => !/^\d+$/.test(s)))
    throw new UsageError(`--system: expected ids like 123,456, got "${text}"`);
  return ids.map(Number);
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit: expected a whole number, got "${text}"`);
  return Number(text);
}

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

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'per system and dataset: watermark, lag, last error; quota used this month; queues and failed jobs',
    )
    .option('--system <ids>', 'only these systems (comma-separated ids)', parseIds)
    .option(
      '--limit <n>',
      'systems shown in the table, those needing attention first (default 20)',
      parseLimit,
    )
    .option('--json', 'everything, machine-readable')
    .action(async (options: { system?: number[]; limit?: number; json?: boolean }) => {
      await runStatus(loadConfig(), options, (line) => process.stdout.write(`${line}\n`));
    });
}
