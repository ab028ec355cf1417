// The InfluxQL query objects Grafana stores in panels, annotations and alert rules. The foundation
// SDK for Grafana 11.6 has no InfluxDB query type (it has Prometheus, Loki, Elasticsearch, …), so
// these extend its common `DataQuery` (refId, hide, queryType, datasource) with the keys Grafana's
// InfluxDB data source saves in raw InfluxQL mode. Kept free of the schema and the specs so that
// test/grafana/types.test.ts can type-check the committed files against them and the SDK quickly.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export const DATASOURCE_UID = 'enphase-influxdb';
export const DATASOURCE: dashboard.DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID };

/** An InfluxQL target in raw mode, as Grafana's InfluxDB query editor saves one. */
export interface InfluxQlTarget extends common.DataQuery, cog.Dataquery {
  refId: string;
  datasource: dashboard.DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  /** Series naming pattern; `$col`: the column's name alone (not `measurement.column`). */
  alias?: string;
}

/** Grafana's InfluxDB annotation: the SDK's common keys and the data source's own column names. */
export interface InfluxQlAnnotation extends dashboard.AnnotationQuery {
  query: string;
  textColumn: string;
  tagsColumn: string;
  timeEndColumn?: string;
}

/** A target as a builder the SDK's panel and rule builders accept. */
export function influxQlTarget(
  target: Omit<InfluxQlTarget, 'datasource' | 'rawQuery' | '_implementsDataqueryVariant'>,
): cog.Builder<cog.Dataquery> {
  return {
    build: (): InfluxQlTarget => ({
      ...target,
      datasource: DATASOURCE,
      rawQuery: true,
      // The SDK's marker for query variants; a function, so JSON leaves it out.
      _implementsDataqueryVariant: () => undefined,
    }),
  };
}
