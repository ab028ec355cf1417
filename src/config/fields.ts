// The value types of the configuration schema: how one variable's text becomes a URL, a number,
// a duration or a dataset list, with the message a bad value gets.
import * as z from 'zod';
import { DATASET_NAMES, type DatasetName, isDatasetName } from '../datasets/index.js';
import { parseDuration } from '../duration.js';

export const optionalText = z
  .string()
  .transform((s) => s.trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const url = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s) URL')
    .transform((s) => s.replace(/\/+$/, ''));

export const positiveInt = z
  .string()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');

/** A positive duration in milliseconds, or an issue with `message` on the variable. */
function milliseconds(s: string, ctx: z.RefinementCtx, message: string): number {
  const ms = parseDuration(s);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return ms;
}

export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => milliseconds(s, ctx, 'must be a duration like 30s, 90m, 12h or 2d'));

export const datasets = z
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

/** A number of requests (`50`) or a percentage of the month's quota below 100 (`5%`). */
export const quotaReserve = z
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
  });

/** SYNC_INTERVAL: absent or blank means planned from the quota, not a default duration. */
export const optionalDuration = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (s === undefined || s.trim() === '') return undefined;
    return milliseconds(s, ctx, 'must be a duration like 30s, 15m or 3h');
  });
