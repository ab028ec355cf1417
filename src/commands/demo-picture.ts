// The terminal picture `enphase-etl demo` ends with: per system, a sparkline of the last two days'
// production (hourly) and today's energy, read from InfluxDB with the System dashboard's own
// queries (src/grafana/panels.ts, substituted as Grafana does), and how to open the dashboards.
// Loading is I/O over InfluxQL's /query (InfluxDB 1.x, or 2.x/3.x with a DBRP mapping); drawing is
// pure.
import type { Config } from '../config.js';
import { PRODUCTION_ENERGY_QUERY, SYSTEM_VARIABLE, TODAY_QUERY, TZ_VARIABLE } from '../grafana/panels.js';
import { substitute, type TimeRange } from '../grafana/substitute.js';
import { terminalSafe } from './terminal-text.js';

export interface SystemPicture {
  id: string;
  name: string;
  timeZone: string;
  /** Production per hour, oldest first; null where nothing was loaded. */
  hourly: ReadonlyArray<number | null>;
  todayWh: number | null;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest; a gap (space) where there is no value. */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  return values
    .map((v) => {
      if (v === null) return ' ';
      if (max === 0) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))];
    })
    .join('');
}

function kWh(wh: number | null): string {
  return wh === null ? '–' : `${(wh / 1000).toFixed(1)} kWh`;
}

/** The picture's lines (pure). */
export function formatPicture(systems: readonly SystemPicture[]): string[] {
  if (systems.length === 0) return ['', 'Nothing to draw: InfluxDB has no system snapshot yet.'];
  // The name as the API gave it, with its control characters shown rather than obeyed.
  const label = (s: SystemPicture): string => terminalSafe(`${s.id} ${s.name}`);
  const width = Math.max(...systems.map((s) => label(s).length));
  const lines = [
    '',
    'Loaded (the System dashboard’s queries): production per hour over two days, and today so far',
  ];
  for (const s of systems)
    lines.push(
      `  ${label(s).padEnd(width)}  ${sparkline(s.hourly)}  ${kWh(s.todayWh).padStart(9)}  (${terminalSafe(s.timeZone)})`,
    );
  return lines;
}

/** Where the dashboards are, for someone with Docker or a Grafana of their own. */
export function howToOpenDashboards(config: Config): string[] {
  const database = config.influx.api === 'v1' ? config.influx.database : config.influx.bucket;
  return [
    '',
    'Dashboards (Grafana; docs/grafana.md):',
    '  docker compose up -d                       then http://localhost:3000, folder “Enphase” (admin/admin)',
    `  your own Grafana: provision grafana/provisioning/ and grafana/dashboards/, data source InfluxQL at ${config.influx.url}, database ${database}`,
  ];
}

type Row = Array<string | number | null>;
interface Series {
  tags?: Record<string, string>;
  columns: string[];
  values: Row[];
}

async function query(config: Config, influxql: string): Promise<Series[]> {
  const influx = config.influx;
  const form = new URLSearchParams({
    q: influxql,
    db: influx.api === 'v1' ? influx.database : influx.bucket,
    epoch: 'ms',
  });
  if (influx.api === 'v1' && influx.username) form.set('u', influx.username);
  if (influx.api === 'v1' && influx.password) form.set('p', influx.password);
  const headers: Record<string, string> = {};
  if (influx.api === 'v2' && influx.token) headers['authorization'] = `Token ${influx.token}`;
  const response = await fetch(new URL('/query', influx.url), {
    method: 'POST',
    body: form,
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as {
    error?: string;
    results?: Array<{ error?: string; series?: Series[] }>;
  };
  const error = body.error ?? body.results?.find((r) => r.error)?.error;
  if (!response.ok || error) throw new Error(`InfluxDB /query answered ${response.status}: ${error ?? ''}`);
  return (body.results ?? []).flatMap((r) => r.series ?? []);
}

const lastNumber = (series: Series | undefined): number | null => {
  const row = series?.values[series.values.length - 1];
  return typeof row?.[1] === 'number' ? row[1] : null;
};

/** Reads every system's picture at `nowMs` (two days back). */
export async function loadPicture(config: Config, nowMs: number): Promise<SystemPicture[]> {
  const range: TimeRange = { fromMs: nowMs - 2 * 86_400_000, toMs: nowMs };
  const systems: SystemPicture[] = [];
  for (const series of await query(config, substitute(SYSTEM_VARIABLE.query, range))) {
    for (const [, name, id] of series.values) {
      const system_id = String(id);
      const [tz] = await query(config, substitute(TZ_VARIABLE.query, range, { system_id }));
      const timeZone = String(tz?.values[0]?.[1] ?? 'UTC');
      const vars = { system_id, tz: timeZone };
      // 48 points over two days: Grafana's step is then one hour.
      const [hourly] = await query(
        config,
        substitute(PRODUCTION_ENERGY_QUERY, range, vars, { maxDataPoints: 48 }),
      );
      const [today] = await query(config, substitute(TODAY_QUERY, range, vars));
      systems.push({
        id: system_id,
        name: String(name),
        timeZone,
        hourly: (hourly?.values ?? []).map((row) => (typeof row[1] === 'number' ? row[1] : null)),
        todayWh: lastNumber(today),
      });
    }
  }
  return systems.sort((a, b) => a.id.localeCompare(b.id));
}
