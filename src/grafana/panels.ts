// Over 300 lines as a pure table: about 100 lines of types and query pieces, then the dashboards as data.
// What every provisioned dashboard shows, as data: per panel its title, kind, the measurements it
// reads and its InfluxQL queries with the columns each must return. Pure and free of Grafana's SDK,
// so the dashboard builder (dashboards.ts), the tests that run every query against a real
// InfluxDB, the docs table and `enphase-etl demo` read the same queries.
//
// The queries are raw InfluxQL that runs on InfluxDB 1.x, 2.x (through a DBRP mapping) and 3.x:
// no INTEGRAL(), SLIMIT/SOFFSET or SHOW DATABASES. Grafana substitutes `$timeFilter`,
// `$__interval`, `$__interval_ms`, `${__from}`, `${__to}` and the dashboard variables.
import type { Measurement } from '../normalize/schema.js';
import { LOCAL_DAY_SLACK, bySystem, f, m, t } from './influxql.js';

export type PanelKind = 'timeseries' | 'stat' | 'gauge' | 'table' | 'barchart' | 'bargauge' | 'heatmap';

export interface PanelQuery {
  refId: string;
  query: string;
  /** `table` for tables and joins by tag; `time_series` otherwise. */
  format: 'time_series' | 'table';
  /** Columns a result row must have (besides `time`), in the query's own names. */
  columns: readonly string[];
}

export interface PanelSpec {
  title: string;
  kind: PanelKind;
  description: string;
  reads: readonly Measurement[];
  unit?: string;
  /** Grafana's relative time override (`2d`, `now/M`, `now/y`). */
  timeFrom?: string;
  /** Width (of 24) and height in grid units. */
  w: number;
  h: number;
  queries: readonly PanelQuery[];
  /**
   * The column of a table whose cells open the System dashboard, with the row's `system_id` (a
   * tag the queries group by) as its variable.
   */
  linkToSystem?: 'name' | 'system_id';
  /** Stat panels whose queries add up (month and year: daily sums plus today). */
  sumRows?: boolean;
  /**
   * A series Grafana computes per bucket from two the queries return (a `calculateField`
   * transformation, after joining the queries' frames on time). The panel's series are then named
   * by their columns (`alias: $col`), which is what `left` and `right` name.
   */
  calculate?: { alias: string; left: string; operator: '-' | '+'; right: string };
}

export interface VariableSpec {
  name: string;
  label: string;
  query: string;
  hide: boolean;
}

export interface AnnotationSpec {
  name: string;
  query: string;
  color: string;
  textColumn: string;
  tagsColumn: string;
  timeEndColumn?: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  time: { from: string; to: string };
  variables: readonly VariableSpec[];
  annotations: readonly AnnotationSpec[];
  panels: readonly PanelSpec[];
}

export { DATASOURCE_UID } from './targets.js';

const q = (
  refId: string,
  query: string,
  columns: readonly string[],
  format: PanelQuery['format'] = 'time_series',
): PanelQuery => ({ refId, query, columns, format });

// --- shared query pieces ----------------------------------------------------------------------

export const SYSTEM_VARIABLE: VariableSpec = {
  name: 'system_id',
  label: 'System',
  // `__text`/`__value`: Grafana lists the name and substitutes the id.
  query: `SELECT last(${f('system', 'name')}) AS "__text", ${t('system', 'system_id')} AS "__value" FROM ${m('system')} WHERE $timeFilter GROUP BY ${t('system', 'system_id')}`,
  hide: false,
};

export const TZ_VARIABLE: VariableSpec = {
  name: 'tz',
  label: 'Time zone',
  query: `SELECT last(${f('system', 'timezone')}) FROM ${m('system')} WHERE ${bySystem('system')} AND $timeFilter`,
  hide: true,
};

/** Micro production of one system per local day (`tz`): the last row is today so far. */
export const TODAY_QUERY = `SELECT sum(${f('production', 'energy_wh')}) AS "today_wh" FROM ${m('production')} WHERE ${bySystem('production')} AND ${t('production', 'source')} = 'micro' AND $timeFilter GROUP BY time(1d) tz('$tz')`;

/** Micro production of one system per `$__interval` (the Energy panel; the demo's sparkline). */
export const PRODUCTION_ENERGY_QUERY = `SELECT sum(${f('production', 'energy_wh')}) AS "production_wh" FROM ${m('production')} WHERE ${bySystem('production')} AND ${t('production', 'source')} = 'micro' AND $timeFilter GROUP BY time($__interval) fill(0)`;

/** Daily micro production of one system since the local start of the range's first UTC day. */
const dailySince = (alias: string): string =>
  `SELECT sum(${f('energy_daily', 'energy_wh')}) AS "${alias}" FROM ${m('energy_daily')} WHERE ${bySystem('energy_daily')} AND ${t('energy_daily', 'kind')} = 'production_micro' AND time >= \${__from}ms - ${LOCAL_DAY_SLACK} AND time <= \${__to}ms`;

/** Average power over each bucket from 15-minute energies: Wh × 3,600,000 / bucket in ms. */
const avgPower = (measurement: 'production' | 'consumption', alias: string, where: string): string =>
  `SELECT sum(${f(measurement, 'energy_wh')}) * 3600000 / $__interval_ms AS "${alias}" FROM ${m(measurement)} WHERE ${bySystem(measurement)}${where} AND $timeFilter GROUP BY time($__interval) fill(null)`;

// --- the dashboards ---------------------------------------------------------------------------

const FLEET: DashboardSpec = {
  uid: 'enphase-fleet',
  title: 'Enphase · Fleet overview',
  description: 'Every system at a glance: status, last report, production today and this month.',
  time: { from: 'now/M', to: 'now' },
  variables: [],
  annotations: [],
  panels: [
    {
      title: 'Systems',
      kind: 'table',
      description:
        'Every system: status, time since its last report, production today (Enphase’s own local-day count) and this month (daily series in local time), and its last loaded local day (normally yesterday) in % of the mean of the 7 local days before it. The name opens the System dashboard.',
      reads: ['system', 'energy_daily'],
      w: 24,
      h: 12,
      linkToSystem: 'name',
      queries: [
        q(
          'A',
          `SELECT last(${f('system', 'name')}) AS "name", last(${f('system', 'status')}) AS "status", last(${f('system', 'last_report_at')}) * 1000 AS "last_report", last(${f('system', 'energy_today_wh')}) AS "today_wh" FROM ${m('system')} WHERE $timeFilter GROUP BY ${t('system', 'system_id')}`,
          ['name', 'status', 'last_report', 'today_wh'],
          'table',
        ),
        q(
          'B',
          `SELECT sum(${f('energy_daily', 'energy_wh')}) AS "month_wh" FROM ${m('energy_daily')} WHERE ${t('energy_daily', 'kind')} = 'production' AND time >= \${__from}ms - ${LOCAL_DAY_SLACK} AND time <= \${__to}ms GROUP BY ${t('energy_daily', 'system_id')}`,
          ['month_wh'],
          'table',
        ),
        q(
          'C',
          // The last 8 local days of each system (daily points stamped at local midnight): the
          // newest against the mean of the 7 before it, whole local days on both sides. InfluxQL
          // wants the outer query ordered as the subquery.
          `SELECT last("e") * 100 / ((sum("e") - last("e")) / (count("e") - 1)) AS "vs_7d_pct" FROM (SELECT ${f('energy_daily', 'energy_wh')} AS "e" FROM ${m('energy_daily')} WHERE ${t('energy_daily', 'kind')} = 'production' AND time > \${__to}ms - 10d AND time <= \${__to}ms GROUP BY ${t('energy_daily', 'system_id')} ORDER BY time DESC LIMIT 8) GROUP BY ${t('energy_daily', 'system_id')} ORDER BY time DESC`,
          ['vs_7d_pct'],
          'table',
        ),
      ],
    },
    {
      title: 'Systems behind on data',
      kind: 'table',
      description:
        'The newest interval loaded per system, oldest first: a system at the top is behind (offline, or the pipeline is).',
      reads: ['production'],
      w: 8,
      h: 9,
      linkToSystem: 'system_id',
      queries: [
        q(
          'A',
          `SELECT last(${f('production', 'energy_wh')}) AS "last_interval_wh" FROM ${m('production')} WHERE ${t('production', 'source')} = 'micro' AND $timeFilter GROUP BY ${t('production', 'system_id')}`,
          ['last_interval_wh'],
          'table',
        ),
      ],
    },
    {
      title: 'Quarantined systems',
      kind: 'table',
      description:
        'Systems discovery could not use, from the service’s health (`pipeline_problem`): quarantined (unusable metadata) or whose discovery failed, with the problem. Time is the last round that saw it: a row older than the other rows’ round was cleared since.',
      reads: ['pipeline_problem'],
      timeFrom: '1d',
      w: 8,
      h: 9,
      queries: [
        q(
          'A',
          `SELECT last(${f('pipeline_problem', 'name')}) AS "name", last(${f('pipeline_problem', 'reason')}) AS "problem", last(${f('pipeline_problem', 'since')}) * 1000 AS "since" FROM ${m('pipeline_problem')} WHERE $timeFilter GROUP BY ${t('pipeline_problem', 'system_id')}, ${t('pipeline_problem', 'kind')}`,
          ['name', 'problem', 'since'],
          'table',
        ),
      ],
    },
    {
      title: 'Open alarms',
      kind: 'table',
      description: 'Alarms not cleared, per system.',
      reads: ['alarms'],
      w: 8,
      h: 9,
      linkToSystem: 'system_id',
      queries: [
        q(
          'A',
          `SELECT last(${f('alarms', 'event_name')}) AS "alarm", last(${f('alarms', 'severity')}) AS "severity" FROM ${m('alarms')} WHERE ${f('alarms', 'cleared')} = false AND $timeFilter GROUP BY ${t('alarms', 'system_id')}, ${t('alarms', 'alarm_id')}`,
          ['alarm', 'severity'],
          'table',
        ),
      ],
    },
  ],
};

const SYSTEM: DashboardSpec = {
  uid: 'enphase-system',
  title: 'Enphase · System',
  description:
    'One system: power, energy, battery, and daily, monthly and yearly energy in its own time zone.',
  time: { from: 'now-2d', to: 'now' },
  variables: [SYSTEM_VARIABLE, TZ_VARIABLE],
  annotations: [
    {
      name: 'Events',
      color: 'orange',
      query: `SELECT ${f('events', 'event_name')} AS "text", ${f('events', 'status')} AS "status", ${t('events', 'serial')} AS "serial", ${f('events', 'end_time')} * 1000 AS "time_end" FROM ${m('events')} WHERE ${bySystem('events')} AND $timeFilter`,
      textColumn: 'text',
      tagsColumn: 'status,serial',
      timeEndColumn: 'time_end',
    },
    {
      name: 'Alarms',
      color: 'red',
      query: `SELECT ${f('alarms', 'event_name')} AS "text", ${f('alarms', 'serials')} AS "serials", ${f('alarms', 'end_time')} * 1000 AS "time_end" FROM ${m('alarms')} WHERE ${bySystem('alarms')} AND $timeFilter`,
      textColumn: 'text',
      tagsColumn: 'serials',
      timeEndColumn: 'time_end',
    },
  ],
  panels: [
    {
      title: 'Now',
      kind: 'gauge',
      description:
        'The latest power reported by the meters (the `latest` dataset), production and consumption.',
      reads: ['latest'],
      unit: 'watt',
      w: 6,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT last(${f('latest', 'power_w')}) AS "power_w" FROM ${m('latest')} WHERE ${bySystem('latest')} AND $timeFilter GROUP BY ${t('latest', 'kind')}`,
          ['power_w'],
        ),
      ],
    },
    {
      title: 'Today',
      kind: 'stat',
      description: 'Micro production since local midnight (the system’s time zone).',
      reads: ['production', 'system'],
      unit: 'watth',
      timeFrom: '2d',
      w: 6,
      h: 4,
      queries: [q('A', TODAY_QUERY, ['today_wh'])],
    },
    {
      title: 'This month',
      kind: 'stat',
      description:
        'Micro production this month in local time: the daily series (`energy_daily`, stamped at local midnight) up to yesterday, plus today.',
      reads: ['energy_daily', 'production'],
      unit: 'watth',
      timeFrom: 'now/M',
      sumRows: true,
      w: 6,
      h: 4,
      queries: [q('A', dailySince('daily_wh'), ['daily_wh']), q('B', TODAY_QUERY, ['today_wh'])],
    },
    {
      title: 'This year',
      kind: 'stat',
      description: 'Micro production this year in local time, as “This month”.',
      reads: ['energy_daily', 'production'],
      unit: 'watth',
      timeFrom: 'now/y',
      sumRows: true,
      w: 6,
      h: 4,
      queries: [q('A', dailySince('daily_wh'), ['daily_wh']), q('B', TODAY_QUERY, ['today_wh'])],
    },
    {
      title: 'Power',
      kind: 'timeseries',
      description:
        'Production (micros: average power; meter: from its 15-minute energy) and consumption, averaged over each bucket.',
      reads: ['production', 'consumption'],
      unit: 'watt',
      w: 24,
      h: 9,
      queries: [
        q(
          'A',
          `SELECT mean(${f('production', 'power_w')}) AS "production_micro_w" FROM ${m('production')} WHERE ${bySystem('production')} AND ${t('production', 'source')} = 'micro' AND $timeFilter GROUP BY time($__interval) fill(null)`,
          ['production_micro_w'],
        ),
        q('B', avgPower('production', 'production_meter_w', ` AND ${t('production', 'source')} = 'meter'`), [
          'production_meter_w',
        ]),
        q('C', avgPower('consumption', 'consumption_w', ''), ['consumption_w']),
      ],
    },
    {
      title: 'Energy',
      kind: 'timeseries',
      description:
        'Production (micros), consumption, grid import and export per bucket, and self-consumption: production minus export in each bucket, computed by Grafana (calculateField).',
      reads: ['production', 'consumption', 'grid'],
      unit: 'watth',
      w: 24,
      h: 9,
      calculate: { alias: 'self_consumption_wh', left: 'production_wh', operator: '-', right: 'export_wh' },
      queries: [
        q('A', PRODUCTION_ENERGY_QUERY, ['production_wh']),
        q(
          'B',
          `SELECT sum(${f('consumption', 'energy_wh')}) AS "consumption_wh" FROM ${m('consumption')} WHERE ${bySystem('consumption')} AND $timeFilter GROUP BY time($__interval) fill(0)`,
          ['consumption_wh'],
        ),
        q(
          'C',
          `SELECT sum(${f('grid', 'import_wh')}) AS "import_wh", sum(${f('grid', 'export_wh')}) AS "export_wh" FROM ${m('grid')} WHERE ${bySystem('grid')} AND $timeFilter GROUP BY time($__interval) fill(0)`,
          ['import_wh', 'export_wh'],
        ),
      ],
    },
    {
      title: 'Battery',
      kind: 'timeseries',
      description: 'Charge and discharge energy per bucket, and state of charge (right axis).',
      reads: ['battery'],
      unit: 'watth',
      w: 24,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT sum(${f('battery', 'charge_wh')}) AS "charge_wh", sum(${f('battery', 'discharge_wh')}) AS "discharge_wh" FROM ${m('battery')} WHERE ${bySystem('battery')} AND $timeFilter GROUP BY time($__interval) fill(0)`,
          ['charge_wh', 'discharge_wh'],
        ),
        q(
          'B',
          `SELECT mean(${f('battery', 'soc_pct')}) AS "soc_pct" FROM ${m('battery')} WHERE ${bySystem('battery')} AND $timeFilter GROUP BY time($__interval) fill(null)`,
          ['soc_pct'],
        ),
      ],
    },
    {
      title: 'Daily energy',
      kind: 'barchart',
      description:
        'Energy per local day from `energy_daily` (stamped at local midnight), by kind: production, consumption, import, export, battery.',
      reads: ['energy_daily'],
      unit: 'watth',
      timeFrom: '30d',
      w: 24,
      h: 9,
      queries: [
        q(
          'A',
          `SELECT ${f('energy_daily', 'energy_wh')} AS "energy_wh" FROM ${m('energy_daily')} WHERE ${bySystem('energy_daily')} AND $timeFilter GROUP BY ${t('energy_daily', 'kind')}`,
          ['energy_wh'],
        ),
      ],
    },
  ],
};

const MICROS: DashboardSpec = {
  uid: 'enphase-micros',
  title: 'Enphase · Microinverters',
  description: 'Per-micro energy: the shaded or failing panel question.',
  time: { from: 'now-7d', to: 'now' },
  variables: [SYSTEM_VARIABLE, TZ_VARIABLE],
  annotations: [],
  panels: [
    {
      title: 'Energy per micro and day',
      kind: 'heatmap',
      description: 'One row per micro, one cell per local day: a shaded or failing panel is a dark row.',
      reads: ['micro'],
      unit: 'watth',
      w: 24,
      h: 12,
      queries: [
        q(
          'A',
          `SELECT sum(${f('micro', 'energy_wh')}) AS "energy_wh" FROM ${m('micro')} WHERE ${bySystem('micro')} AND $timeFilter GROUP BY time(1d), ${t('micro', 'serial')} tz('$tz')`,
          ['energy_wh'],
        ),
      ],
    },
    {
      title: 'Weakest micros',
      kind: 'bargauge',
      description:
        'Energy per micro over the range, weakest first; each bar is relative to the strongest sibling.',
      reads: ['micro'],
      unit: 'watth',
      w: 12,
      h: 12,
      queries: [
        q(
          'A',
          `SELECT sum(${f('micro', 'energy_wh')}) AS "energy_wh" FROM ${m('micro')} WHERE ${bySystem('micro')} AND $timeFilter GROUP BY ${t('micro', 'serial')}`,
          ['energy_wh'],
          'table',
        ),
      ],
    },
    {
      title: 'Micros by last report',
      kind: 'table',
      description: 'The last interval each micro reported, oldest first: the top rows are not reporting.',
      reads: ['micro'],
      w: 12,
      h: 12,
      queries: [
        q(
          'A',
          `SELECT last(${f('micro', 'energy_wh')}) AS "last_interval_wh" FROM ${m('micro')} WHERE ${bySystem('micro')} AND $timeFilter GROUP BY ${t('micro', 'serial')}`,
          ['last_interval_wh'],
          'table',
        ),
      ],
    },
  ],
};

const PIPELINE: DashboardSpec = {
  uid: 'enphase-pipeline',
  title: 'Enphase · Pipeline',
  description:
    'The service’s own health, written on every round (measurements `pipeline`, `pipeline_dataset`).',
  time: { from: 'now-24h', to: 'now' },
  variables: [],
  annotations: [],
  panels: [
    {
      title: 'API hits this month',
      kind: 'timeseries',
      description: 'Requests counted in the month’s quota ledger, against the budget (quota minus reserve).',
      reads: ['pipeline'],
      w: 12,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT max(${f('pipeline', 'quota_used')}) AS "used", max(${f('pipeline', 'quota_budget')}) AS "budget" FROM ${m('pipeline')} WHERE $timeFilter GROUP BY time($__interval) fill(null)`,
          ['used', 'budget'],
        ),
      ],
    },
    {
      title: 'Points written',
      kind: 'timeseries',
      description:
        'Points acknowledged by InfluxDB, per bucket (counted by the process that runs the rounds).',
      reads: ['pipeline'],
      w: 12,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT sum(${f('pipeline', 'points_written')}) AS "points" FROM ${m('pipeline')} WHERE $timeFilter GROUP BY time($__interval) fill(0)`,
          ['points'],
        ),
      ],
    },
    {
      title: 'Lag per dataset',
      kind: 'timeseries',
      description:
        'The largest lag (now − watermark) of any system, per dataset. A healthy telemetry dataset stays about one settle window (24 h) behind.',
      reads: ['pipeline_dataset'],
      unit: 's',
      w: 12,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT max(${f('pipeline_dataset', 'lag_max_s')}) AS "lag_s" FROM ${m('pipeline_dataset')} WHERE $timeFilter GROUP BY time($__interval), ${t('pipeline_dataset', 'dataset')} fill(null)`,
          ['lag_s'],
        ),
      ],
    },
    {
      title: 'Errors',
      kind: 'timeseries',
      description: 'Datasets whose last sync failed (summed over systems), per dataset.',
      reads: ['pipeline_dataset'],
      w: 12,
      h: 8,
      queries: [
        q(
          'A',
          `SELECT max(${f('pipeline_dataset', 'errors')}) AS "errors" FROM ${m('pipeline_dataset')} WHERE $timeFilter GROUP BY time($__interval), ${t('pipeline_dataset', 'dataset')} fill(null)`,
          ['errors'],
        ),
      ],
    },
    {
      title: 'Quarantine and restrictions',
      kind: 'stat',
      description:
        'Systems quarantined (unusable metadata) or whose discovery failed, datasets unavailable (per system: plan refusals and permanent answers), refused endpoints (per system), systems in the registry.',
      reads: ['pipeline'],
      w: 12,
      h: 6,
      queries: [
        q(
          'A',
          `SELECT last(${f('pipeline', 'systems_quarantined')}) AS "quarantined", last(${f('pipeline', 'systems_discovery_failed')}) AS "discovery_failed", last(${f('pipeline', 'datasets_unavailable')}) AS "unavailable", last(${f('pipeline', 'endpoints_restricted')}) AS "restricted", last(${f('pipeline', 'systems_total')}) AS "systems" FROM ${m('pipeline')} WHERE $timeFilter`,
          ['quarantined', 'discovery_failed', 'unavailable', 'restricted', 'systems'],
        ),
      ],
    },
    {
      title: 'Token',
      kind: 'stat',
      description: 'When the access token expires, and whether the API refused the refresh token (1).',
      reads: ['pipeline'],
      w: 12,
      h: 6,
      queries: [
        q(
          'A',
          `SELECT last(${f('pipeline', 'token_expires_at')}) * 1000 AS "expires", last(${f('pipeline', 'token_rejected')}) AS "rejected" FROM ${m('pipeline')} WHERE $timeFilter`,
          ['expires', 'rejected'],
        ),
      ],
    },
  ],
};

export const DASHBOARDS: readonly DashboardSpec[] = [FLEET, SYSTEM, MICROS, PIPELINE];
