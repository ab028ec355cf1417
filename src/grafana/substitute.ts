// What Grafana does to a panel's query before it reaches InfluxDB: `$timeFilter` becomes the
// absolute range, `${__from}`/`${__to}` epoch milliseconds, `$__interval(_ms)` the step it picks
// for the range and the panel's width, and `$name` a variable's value. Used by `enphase-etl demo`
// to draw with the dashboards' own queries, and by the tests that run every query.

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

const DAY_MS = 86_400_000;
// Grafana's interval steps.
const STEPS_MS = [
  10e3,
  30e3,
  60e3,
  300e3,
  600e3,
  900e3,
  1_800e3,
  3_600e3,
  10_800e3,
  21_600e3,
  43_200e3,
  DAY_MS,
];

function durationText(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 3_600e3 === 0) return `${ms / 3_600e3}h`;
  if (ms % 60e3 === 0) return `${ms / 60e3}m`;
  return `${ms / 1e3}s`;
}

/** The step Grafana picks: the range over the points a panel can show, rounded up to a step. */
export function intervalFor(range: TimeRange, maxDataPoints = 1_000): { ms: number; text: string } {
  const raw = (range.toMs - range.fromMs) / maxDataPoints;
  const ms = STEPS_MS.find((s) => s >= raw) ?? DAY_MS;
  return { ms, text: durationText(ms) };
}

/**
 * The query as Grafana sends it. `form`: dashboards send `time >= …ms and time <= …ms`; alert
 * rules (Grafana's backend) `time > …ms and time < …ms`. Throws when a variable is left.
 */
export function substitute(
  query: string,
  range: TimeRange,
  variables: Readonly<Record<string, string>> = {},
  options: { form?: 'dashboard' | 'alert'; maxDataPoints?: number } = {},
): string {
  const interval = intervalFor(range, options.maxDataPoints);
  const timeFilter =
    (options.form ?? 'dashboard') === 'dashboard'
      ? `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`
      : `time > ${range.fromMs}ms and time < ${range.toMs}ms`;
  let out = query
    .replaceAll('$timeFilter', timeFilter)
    .replaceAll('${__from}', String(range.fromMs))
    .replaceAll('${__to}', String(range.toMs))
    .replaceAll('$__interval_ms', String(interval.ms))
    .replaceAll('$__interval', interval.text);
  for (const [name, value] of Object.entries(variables)) out = out.replaceAll(`$${name}`, value);
  if (/\$\w/.test(out)) throw new Error(`a variable is left in ${out}`);
  return out;
}
