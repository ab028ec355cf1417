// How the commands print numbers, durations, times, ids and tables for people: one place, so
// `status`, `plan` and the one-shot summaries write a duration or a list of ids the same way.
import { terminalSafe } from './terminal-text.js';

// Numbers are grouped by hand, not with toLocaleString: the first Intl number format loads ICU's
// locale data, 20–30 ms and some MiB of every `status` and `plan` (docs/benchmarks.md, "CLI
// start-up"). The output is what toLocaleString('en-US') prints (test/commands/format.test.ts).

/** Digits of a whole, finite, non-negative number below 10^21 in groups of three: `12,345`. */
function grouped(digits: string): string {
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return out;
}

/** `-` for a negative number and for -0, as toLocaleString writes them. */
const sign = (n: number): string => (n < 0 || Object.is(n, -0) ? '-' : '');

/** A whole number with thousands separators: `12,345`. */
export function int(n: number): string {
  const whole = Math.round(n);
  // NaN, ±Infinity and numbers whose String() is exponential are left to Intl: never met in practice.
  if (!(Math.abs(whole) < 1e21)) return whole.toLocaleString('en-US');
  return sign(whole) + grouped(String(Math.abs(whole)));
}

/** A number with at most two decimals, rounded half away from zero: `96`, `1,200.33`. */
export function num(n: number): string {
  if (Number.isInteger(n)) return int(n);
  // Hundredths stay exact below 2^53: beyond 10^13, and for NaN and ±Infinity, Intl decides.
  if (!(Math.abs(n) < 1e13)) return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  // Intl rounds the shortest decimal that names the double (1.005 is "1.005", though the double is
  // 1.00499…), half away from zero: so the digits of String(n) are rounded, never n * 100 (a
  // double again: 0.46499999999999997 * 100 is 46.5).
  const digits = String(Math.abs(n));
  // Below 10^-6 String() is exponential; such a number is 0 to two decimals.
  let hundredths = 0;
  if (!digits.includes('e')) {
    const [units = '0', decimals = ''] = digits.split('.');
    hundredths = Number(units + (decimals + '00').slice(0, 2)) + (decimals.charAt(2) >= '5' ? 1 : 0);
  }
  if (hundredths === 0) return sign(n) + '0';
  const whole = Math.trunc(hundredths / 100);
  const cents = hundredths % 100;
  const fraction = cents === 0 ? '' : '.' + String(cents).padStart(2, '0').replace(/0$/, '');
  return sign(n) + grouped(String(whole)) + fraction;
}

/** `1d 5m`, `6h`, `15m`, `30s`: durations as people read them. */
export function humanDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, seconds] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / seconds);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * seconds;
  }
  return parts.slice(0, 2).join(' ');
}

/** An instant in UTC to the minute: `2026-11-28 07:00Z`. */
export const utcMinute = (ms: number): string =>
  new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';

/** How long before `now` an instant was: `5m ago`. */
export const ago = (ms: number, now: number): string => `${humanDuration(Math.max(0, now - ms))} ago`;

// One formatter per time zone: building one (or luxon's named-offset formatting) per value costs
// about a millisecond, which 10,000 systems turn into seconds.
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      format = null;
    }
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/**
 * An instant as a system's owner reads it: `2026-11-27 15:00 GMT+11` in its own zone; the ISO
 * form in UTC when the zone is not one the runtime knows.
 */
export function localMinute(epochSeconds: number, timeZone: string): string {
  const format = zoneFormat(timeZone);
  if (format === null) return new Date(epochSeconds * 1000).toISOString();
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(epochSeconds * 1000))) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/** At most `max` ids, in the order given, then how many more: `1, 2, 3, … 4 more`. */
export function fewIds(ids: readonly (number | string)[], max = 10): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown}, … ${ids.length - max} more` : shown;
}

/** Text from outside (API answers, error messages) as one short line a terminal cannot obey. */
export function oneLine(text: string, max = 100): string {
  const flat = terminalSafe(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Rows of text with columns padded to their widest cell. */
export function table(header: string[], rows: string[][], alignRight: boolean[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (alignRight[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
