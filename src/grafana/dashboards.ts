// The dashboards' JSON, built with Grafana's typed builder (@grafana/grafana-foundation-sdk, the
// release for Grafana 11.6, the version docker-compose.yml pins) from the specs in panels.ts. The
// SDK's types check every option at build time; the InfluxQL targets and annotations are typed by
// targets.ts (the SDK carries no InfluxDB query type). Build-time only (scripts/gen-grafana.ts
// writes grafana/).
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE, influxQlTarget, type InfluxQlAnnotation } from './targets.js';
import {
  type AnnotationSpec,
  type DashboardSpec,
  type PanelKind,
  type PanelQuery,
  type PanelSpec,
} from './panels.js';

function target(spec: PanelQuery, byColumn: boolean): cog.Builder<cog.Dataquery> {
  return influxQlTarget({
    refId: spec.refId,
    query: spec.query,
    resultFormat: spec.format,
    ...(byColumn ? { alias: '$col' } : {}),
  });
}

/**
 * A field's data link (Grafana's DataLink: title and url; the SDK types an override's value as
 * `any`, so this shape is ours): the System dashboard, with the row's `system_id` as its variable.
 */
export const SYSTEM_LINK = {
  title: 'System',
  url: '/d/enphase-system?var-system_id=${__data.fields.system_id}&${__url_time_range}',
} as const;

type AnyPanelBuilder =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | gauge.PanelBuilder
  | table.PanelBuilder
  | barchart.PanelBuilder
  | bargauge.PanelBuilder
  | heatmap.PanelBuilder;

function builderFor(kind: PanelKind): AnyPanelBuilder {
  switch (kind) {
    case 'timeseries':
      return new timeseries.PanelBuilder().drawStyle(common.GraphDrawStyle.Line).spanNulls(false);
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
        .graphMode(common.BigValueGraphMode.None);
    case 'gauge':
      return new gauge.PanelBuilder().reduceOptions(
        new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false),
      );
    case 'table':
      return new table.PanelBuilder();
    case 'barchart':
      return new barchart.PanelBuilder().xTickLabelRotation(-45);
    case 'bargauge':
      return new bargauge.PanelBuilder()
        .orientation(common.VizOrientation.Horizontal)
        .displayMode(common.BarGaugeDisplayMode.Basic)
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]));
    case 'heatmap':
      return new heatmap.PanelBuilder()
        .calculate(false)
        .color(
          new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges'),
        )
        .cellGap(1);
  }
}

/** Grafana transformations that a spec asks for. */
function transformationsOf(spec: PanelSpec): dashboard.DataTransformerConfig[] {
  const out: dashboard.DataTransformerConfig[] = [];
  if (spec.kind === 'table' && spec.queries.length > 1) out.push({ id: 'merge', options: {} });
  if (spec.sumRows) {
    // Each query's last value (the daily sum to yesterday; today so far), side by side, added up.
    out.push(
      { id: 'reduce', options: { mode: 'reduceFields', reducers: ['lastNotNull'] } },
      { id: 'concatenate', options: { frameNameMode: 'drop' } },
      {
        id: 'calculateField',
        options: { mode: 'reduceRow', reduce: { reducer: 'sum' }, alias: 'total_wh', replaceFields: true },
      },
    );
  }
  if (spec.title === 'Systems behind on data' || spec.title === 'Micros by last report')
    out.push({ id: 'sortBy', options: { sort: [{ field: 'Time', desc: false }] } });
  if (spec.title === 'Quarantined systems')
    out.push({ id: 'sortBy', options: { sort: [{ field: 'Time', desc: true }] } });
  if (spec.kind === 'bargauge')
    out.push({ id: 'sortBy', options: { sort: [{ field: 'energy_wh', desc: false }] } });
  if (spec.calculate) {
    const { alias, left, operator, right } = spec.calculate;
    const byName = (name: string) => ({ matcher: { id: 'byName', options: name } });
    out.push(
      // One frame per query: joined on time (outer), then the binary operation per row.
      { id: 'joinByField', options: { byField: 'Time', mode: 'outer' } },
      {
        id: 'calculateField',
        options: { mode: 'binary', binary: { left: byName(left), operator, right: byName(right) }, alias },
      },
    );
  }
  return out;
}

function panel(spec: PanelSpec, pos: dashboard.GridPos): cog.Builder<dashboard.Panel> {
  const b = builderFor(spec.kind) as timeseries.PanelBuilder;
  b.title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .gridPos(pos)
    .targets(spec.queries.map((q) => target(q, spec.calculate !== undefined)));
  if (spec.unit) b.unit(spec.unit);
  if (spec.timeFrom) b.timeFrom(spec.timeFrom);
  const transformations = transformationsOf(spec);
  if (transformations.length > 0) b.transformations(transformations);
  if (spec.linkToSystem) b.overrideByName(spec.linkToSystem, [{ id: 'links', value: [SYSTEM_LINK] }]);
  return b;
}

function annotation(spec: AnnotationSpec): cog.Builder<dashboard.AnnotationQuery> {
  // Grafana's InfluxDB annotations read a raw query and name its text, tags and end columns;
  // those keys are the data source's own, beside the SDK's common ones.
  return {
    build: (): InfluxQlAnnotation => ({
      ...new dashboard.AnnotationQueryBuilder()
        .name(spec.name)
        .datasource(DATASOURCE)
        .enable(true)
        .iconColor(spec.color)
        .build(),
      query: spec.query,
      textColumn: spec.textColumn,
      tagsColumn: spec.tagsColumn,
      ...(spec.timeEndColumn ? { timeEndColumn: spec.timeEndColumn } : {}),
    }),
  };
}

/** Lays panels out left to right, wrapping at 24 columns. */
function layout(panels: readonly PanelSpec[]): dashboard.GridPos[] {
  const out: dashboard.GridPos[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const p of panels) {
    if (x + p.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    out.push({ x, y, w: p.w, h: p.h });
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
  }
  return out;
}

export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['enphase'])
    .editable()
    // Month and year panels start at the UTC month (docs/grafana.md, local days).
    .timezone('utc')
    .time(spec.time)
    .refresh('5m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('Enphase dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['enphase'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true),
    );
  for (const v of spec.variables) {
    b.withVariable(
      new dashboard.QueryVariableBuilder(v.name)
        .label(v.label)
        .datasource(DATASOURCE)
        .query(v.query)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalCaseInsensitiveAsc)
        .hide(v.hide ? dashboard.VariableHide.HideVariable : dashboard.VariableHide.DontHide),
    );
  }
  for (const a of spec.annotations) b.annotation(annotation(a));
  const positions = layout(spec.panels);
  spec.panels.forEach((p, i) => b.withPanel(panel(p, positions[i]!)));
  return b.build();
}
