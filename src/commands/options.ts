// The parsers of the command line's options that need nothing but the text: the command
// definitions (definitions.ts) use them without loading any command's module. Each throws
// UsageError (exit 2) with the option's name and what it expected.
import type { SystemSelection } from '../jobs/backfill-and-sync.js';
import { UsageError } from './errors.js';

/** `--system <ids|all>` of `backfill` and `sync`. */
export function parseSystems(text: string): SystemSelection {
  if (text.trim() === 'all') return 'all';
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0))
    throw new UsageError(`--system must be 'all' or comma-separated system ids, got '${text}'`);
  return [...new Set(parts.map(Number))];
}

/** `status --system <ids>`. */
export function parseIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.some((s) => !/^\d+$/.test(s)))
    throw new UsageError(`--system: expected ids like 123,456, got "${text}"`);
  return ids.map(Number);
}

/** `status --limit <n>`. */
export function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit: expected a whole number, got "${text}"`);
  return Number(text);
}

/** `plan --systems <n>`. */
export function parseSystemCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--systems: expected a whole number ≥ 1, got "${text}"`);
  return Number(text);
}

/** `worker --concurrency <n>`. */
export function parseWorkerConcurrency(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256)
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got '${text}'`);
  return Number(text);
}

/** `backfill --concurrency <n>`. */
export function parseBackfillConcurrency(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--concurrency must be a positive whole number, got '${text}'`);
  return Number(text);
}

/** A whole number from `min` to `max` (the simulator's options). */
export function wholeNumber(name: string, min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got '${text}'`);
    }
    return Number(text);
  };
}

/** A whole number ≥ 1 (the demo's options). */
export function positive(name: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new UsageError(`${name}: expected a whole number ≥ 1, got "${text}"`);
    return Number(text);
  };
}
