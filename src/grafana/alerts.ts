// The alert rules (Grafana unified alerting, provisioned from grafana/provisioning/alerting/), built
// with the SDK's typed rule, query and expression builders. Every rule has the same shape: InfluxQL
// queries over relative ranges, each reduced to one number per series (`last`, or `sum`), a math
// expression over those numbers (series join on their common labels: a micro's {system_id, serial}
// joins its system's {system_id}), and a threshold `> 0` on it as the condition. Thresholds are
// constants here and documented in docs/grafana.md.
import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import { f, m, t } from './influxql.js';
import { DATASOURCE_UID, influxQlTarget } from './targets.js';

const HOUR = 3600;

export const THRESHOLDS = {
  /** A system whose last report is older than this while it produced at this hour yesterday. */
  notReportingS: 2 * HOUR,
  /** Yesterday's production around this hour that counts as "the sun is up" (Wh in 2 h). */
  sunUpWh: 100,
  /** Production of the last 4 h (ending 1 h ago) below this share of the same hours' mean… */
  productionShare: 0.25,
  /** …over the 3 days before, when that mean is at least this (Wh in 4 h). */
  productionMinWh: 200,
  /** A micro below this share of its siblings' mean energy over the last day… */
  microShare: 0.5,
  /** …or reporting fewer intervals than this share of its most-reporting sibling. */
  microReportShare: 0.9,
  /** Battery state of charge (%) below this. */
  batterySocPct: 10,
  /** Share of the month's budget (quota minus reserve) spent. */
  quotaShare: 0.9,
  /** Largest lag of a dataset (now − watermark); the settle window keeps a healthy one ~1 day behind. */
  lagS: 3 * 86_400,
} as const;

export interface RuleQuery {
  refId: string;
  query: string;
  /** Seconds before the evaluation time: the range's start and end. */
  from: number;
  to: number;
  reducer: 'last' | 'sum';
}

export interface RuleSpec {
  uid: string;
  title: string;
  /** Grafana template; `$labels.system_id` names the system. */
  summary: string;
  description: string;
  queries: readonly RuleQuery[];
  /**
   * Named math steps evaluated before `math`, in order (`$R<refId>` or an earlier step): values the
   * summary shows (`$values.AGE`), so they must be refIds of the rule.
   */
  steps?: ReadonlyArray<{ refId: string; expression: string }>;
  /** SSE math over the reduced queries (`$R<refId>`) and the steps; non-zero fires. */
  math: string;
  for: string;
  severity: 'warning' | 'critical';
}

const TH = THRESHOLDS;
const day = (d: number, hours: number): number => d * 24 * HOUR + hours * HOUR;

const microProduction = (range: [number, number], refId: string): RuleQuery => ({
  refId,
  query: `SELECT sum(${f('production', 'energy_wh')}) AS "wh" FROM ${m('production')} WHERE ${t('production', 'source')} = 'micro' AND $timeFilter GROUP BY ${t('production', 'system_id')}`,
  from: range[0],
  to: range[1],
  reducer: 'last',
});

const pipelineLast = (
  field: 'round_at' | 'quota_used' | 'quota_budget' | 'token_expired' | 'token_rejected',
  refId: string,
): RuleQuery => ({
  refId,
  query: `SELECT last(${f('pipeline', field)}) AS "${field}" FROM ${m('pipeline')} WHERE $timeFilter`,
  from: HOUR,
  to: 0,
  reducer: 'last',
});

const MICRO_ENERGY = `SELECT sum(${f('micro', 'energy_wh')}) AS "wh" FROM ${m('micro')} WHERE $timeFilter GROUP BY ${t('micro', 'system_id')}, ${t('micro', 'serial')}`;
const MICRO_COUNT = `SELECT count(${f('micro', 'energy_wh')}) AS "n" FROM ${m('micro')} WHERE $timeFilter GROUP BY ${t('micro', 'system_id')}, ${t('micro', 'serial')}`;
const MICRO_DAY: [number, number] = [25 * HOUR, HOUR];

export const RULES: readonly RuleSpec[] = [
  {
    uid: 'enphase-system-not-reporting',
    title: 'System not reporting',
    summary:
      'System {{ $labels.system_id }} has not reported for {{ humanizeDuration $values.AGE.Value }} while the sun is up at the site.',
    description: `Last report (system summary) older than ${TH.notReportingS / HOUR} h, and the system produced over ${TH.sunUpWh} Wh in the same two hours yesterday.`,
    queries: [
      {
        refId: 'REPORT',
        query: `SELECT last(${f('system', 'last_report_at')}) AS "last_report_at" FROM ${m('system')} WHERE $timeFilter GROUP BY ${t('system', 'system_id')}`,
        from: day(2, 0),
        to: 0,
        reducer: 'last',
      },
      pipelineLast('round_at', 'NOW'),
      microProduction([day(1, 1), day(1, -1)], 'SUN'),
    ],
    steps: [{ refId: 'AGE', expression: '$RNOW - $RREPORT' }],
    math: `($AGE > ${TH.notReportingS}) && ($RSUN > ${TH.sunUpWh})`,
    for: '15m',
    severity: 'critical',
  },
  {
    uid: 'enphase-production-low',
    title: 'Production well below recent days',
    summary:
      'System {{ $labels.system_id }} produced {{ $values.RNOW.Value }} Wh in the last 4 hours, under {{ humanizePercentage ' +
      `${TH.productionShare}` +
      ' }} of the same hours on the 3 days before.',
    description: `Micro production of the 4 h that ended 1 h ago (reporting lags) below ${TH.productionShare * 100} % of the mean of the same 4 h on each of the 3 days before, when that mean is at least ${TH.productionMinWh} Wh.`,
    queries: [
      microProduction([5 * HOUR, HOUR], 'NOW'),
      microProduction([day(1, 5), day(1, 1)], 'D1'),
      microProduction([day(2, 5), day(2, 1)], 'D2'),
      microProduction([day(3, 5), day(3, 1)], 'D3'),
    ],
    math: `($RNOW < ${TH.productionShare} * ($RD1 + $RD2 + $RD3) / 3) && (($RD1 + $RD2 + $RD3) / 3 >= ${TH.productionMinWh})`,
    for: '30m',
    severity: 'warning',
  },
  {
    uid: 'enphase-micro-weak',
    title: 'Microinverter not reporting or far below its siblings',
    summary:
      'Micro {{ $labels.serial }} of system {{ $labels.system_id }} is far below its siblings or has stopped reporting.',
    description: `Over the last day (ending 1 h ago): energy below ${TH.microShare * 100} % of the mean of its system's micros, or fewer than ${TH.microReportShare * 100} % of the intervals of its most-reporting sibling.`,
    queries: [
      { refId: 'WH', query: MICRO_ENERGY, from: MICRO_DAY[0], to: MICRO_DAY[1], reducer: 'last' },
      { refId: 'N', query: MICRO_COUNT, from: MICRO_DAY[0], to: MICRO_DAY[1], reducer: 'last' },
      {
        refId: 'SIBWH',
        query: `SELECT mean("wh") AS "wh" FROM (${MICRO_ENERGY}) GROUP BY ${t('micro', 'system_id')}`,
        from: MICRO_DAY[0],
        to: MICRO_DAY[1],
        reducer: 'last',
      },
      {
        refId: 'SIBN',
        query: `SELECT max("n") AS "n" FROM (${MICRO_COUNT}) GROUP BY ${t('micro', 'system_id')}`,
        from: MICRO_DAY[0],
        to: MICRO_DAY[1],
        reducer: 'last',
      },
    ],
    math: `($RWH < ${TH.microShare} * $RSIBWH) || ($RN < ${TH.microReportShare} * $RSIBN)`,
    for: '1h',
    severity: 'warning',
  },
  {
    uid: 'enphase-battery-low',
    title: 'Battery state of charge low',
    summary: 'The battery of system {{ $labels.system_id }} is at {{ $values.RSOC.Value }} %.',
    description: `The last state of charge of the last 3 h below ${TH.batterySocPct} %.`,
    queries: [
      {
        refId: 'SOC',
        query: `SELECT last(${f('battery', 'soc_pct')}) AS "soc_pct" FROM ${m('battery')} WHERE $timeFilter GROUP BY ${t('battery', 'system_id')}`,
        from: 3 * HOUR,
        to: 0,
        reducer: 'last',
      },
    ],
    math: `$RSOC < ${TH.batterySocPct}`,
    for: '30m',
    severity: 'warning',
  },
  {
    uid: 'enphase-quota',
    title: 'Monthly API quota nearly spent',
    summary: 'The Enphase API budget of the month is {{ humanizePercentage $values.SHARE.Value }} spent.',
    description: `Requests counted this month above ${TH.quotaShare * 100} % of the month's budget (quota minus reserve).`,
    queries: [pipelineLast('quota_used', 'USED'), pipelineLast('quota_budget', 'BUDGET')],
    steps: [{ refId: 'SHARE', expression: '$RUSED / $RBUDGET' }],
    math: `$SHARE > ${TH.quotaShare}`,
    for: '0s',
    severity: 'warning',
  },
  {
    uid: 'enphase-lag',
    title: 'Data lag over threshold',
    summary:
      'Dataset {{ $labels.dataset }} is {{ humanizeDuration $values.RLAG.Value }} behind; system {{ $values.RWORST.Value }} is furthest behind.',
    description: `The largest lag (now − watermark) of any system for a dataset above ${TH.lagS / 86_400} days.`,
    queries: [
      {
        refId: 'LAG',
        query: `SELECT last(${f('pipeline_dataset', 'lag_max_s')}) AS "lag_s" FROM ${m('pipeline_dataset')} WHERE $timeFilter GROUP BY ${t('pipeline_dataset', 'dataset')}`,
        from: HOUR,
        to: 0,
        reducer: 'last',
      },
      {
        refId: 'WORST',
        query: `SELECT last(${f('pipeline_dataset', 'lag_worst_system_id')}) AS "system_id" FROM ${m('pipeline_dataset')} WHERE $timeFilter GROUP BY ${t('pipeline_dataset', 'dataset')}`,
        from: HOUR,
        to: 0,
        reducer: 'last',
      },
    ],
    math: `($RLAG > ${TH.lagS}) * ($RWORST >= 0)`,
    for: '30m',
    severity: 'warning',
  },
  {
    uid: 'enphase-token',
    title: 'Token refresh failing',
    summary: 'The Enphase access token has expired or its refresh token was refused: run `enphase-etl auth`.',
    description:
      'The API refused the refresh token, or the stored access token is past its expiry (refreshes are not happening).',
    queries: [pipelineLast('token_rejected', 'REJECTED'), pipelineLast('token_expired', 'EXPIRED')],
    math: '($RREJECTED > 0) || ($REXPIRED > 0)',
    for: '0s',
    severity: 'critical',
  },
];

export const RULE_FOLDER = 'Enphase';
export const RULE_GROUP = 'enphase';
/** Evaluation interval of the group, in seconds (the SDK's unit; the file says `5m`). */
export const RULE_INTERVAL_S = 300;

const EXPR = '__expr__';

export function buildRule(spec: RuleSpec): alerting.Rule {
  const b = new alerting.RuleBuilder(spec.title)
    .uid(spec.uid)
    .ruleGroup(RULE_GROUP)
    .folderUID(RULE_FOLDER)
    .orgID(1)
    .condition('C')
    .forDuration(spec.for)
    // A query without data is not a fault of the fleet (a plan without a quota, no battery).
    .noDataState('OK')
    .execErrState('Error')
    .labels({ severity: spec.severity, source: 'enphase-etl' })
    .annotations({ summary: spec.summary, description: spec.description });
  for (const q of spec.queries) {
    b.withQuery(
      new alerting.QueryBuilder(q.refId)
        .datasourceUid(DATASOURCE_UID)
        .relativeTimeRange({ from: q.from, to: q.to })
        .model(influxQlTarget({ refId: q.refId, query: q.query, resultFormat: 'time_series' })),
    );
    b.withQuery(
      new alerting.QueryBuilder(`R${q.refId}`)
        .datasourceUid(EXPR)
        .relativeTimeRange({ from: 0, to: 0 })
        .model(new expr.TypeReduceBuilder().refId(`R${q.refId}`).expression(q.refId).reducer(q.reducer)),
    );
  }
  for (const step of spec.steps ?? [])
    b.withQuery(
      new alerting.QueryBuilder(step.refId)
        .datasourceUid(EXPR)
        .relativeTimeRange({ from: 0, to: 0 })
        .model(new expr.TypeMathBuilder().refId(step.refId).expression(step.expression)),
    );
  b.withQuery(
    new alerting.QueryBuilder('X')
      .datasourceUid(EXPR)
      .relativeTimeRange({ from: 0, to: 0 })
      .model(new expr.TypeMathBuilder().refId('X').expression(spec.math)),
  );
  b.withQuery(
    new alerting.QueryBuilder('C')
      .datasourceUid(EXPR)
      .relativeTimeRange({ from: 0, to: 0 })
      .model(
        new expr.TypeThresholdBuilder()
          .refId('C')
          .expression('X')
          .conditions([{ evaluator: { type: 'gt', params: [0] } }]),
      ),
  );
  return b.build();
}

/**
 * A rule as Grafana's file provisioning reads it: the SDK's `Rule`, less what its group gives
 * (folder, group name, org). Grafana documents the file format; the SDK types the rule itself.
 */
export type ProvisionedRule = Pick<
  alerting.Rule,
  | 'uid'
  | 'title'
  | 'condition'
  | 'data'
  | 'noDataState'
  | 'execErrState'
  | 'for'
  | 'annotations'
  | 'labels'
  | 'isPaused'
>;

/** Grafana's alerting provisioning file (apiVersion 1): groups of rules in a folder. */
export interface AlertRulesFile {
  apiVersion: 1;
  groups: Array<{
    orgId: number;
    name: string;
    folder: string;
    /** Evaluation interval as a duration (`5m`); the SDK's RuleGroup has it in seconds. */
    interval: string;
    rules: ProvisionedRule[];
  }>;
}

/** The file Grafana provisions: one group of every rule, built with the SDK's group builder. */
export function alertRulesFile(): AlertRulesFile {
  const group = new alerting.RuleGroupBuilder(RULE_GROUP)
    .folderUid(RULE_FOLDER)
    .interval(RULE_INTERVAL_S)
    .rules(RULES.map((spec) => ({ build: () => buildRule(spec) })))
    .build();
  const file: AlertRulesFile = {
    apiVersion: 1,
    groups: [
      {
        orgId: 1,
        name: group.title!,
        folder: group.folderUid!,
        interval: `${group.interval! / 60}m`,
        rules: (group.rules ?? []).map((rule) => ({
          uid: rule.uid,
          title: rule.title,
          condition: rule.condition,
          data: rule.data,
          noDataState: rule.noDataState,
          execErrState: rule.execErrState,
          for: rule.for,
          annotations: rule.annotations,
          labels: rule.labels,
          isPaused: false,
        })),
      },
    ],
  };
  // JSON round trip: drops the SDK's variant marker functions from the query models.
  return JSON.parse(JSON.stringify(file)) as AlertRulesFile;
}
