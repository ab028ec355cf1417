// The committed dashboards and alert rules against Grafana's published types for the pinned
// release (@grafana/grafana-foundation-sdk 11.6, the version docker-compose.yml pins): each file's
// content is type-checked by the TypeScript compiler as an object literal of the SDK's type, so a
// key the type does not know (excess property), a missing required key or a value outside an
// enum fails here. The SDK types options of panels as `any` and has no InfluxDB query type:
// targets and annotations are checked against src/grafana/targets.ts, which extends the SDK's
// common DataQuery and AnnotationQuery. No JSON schema of Grafana ships in node_modules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse } from 'yaml';
import { DASHBOARDS } from '../../src/grafana/panels.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

const PRELUDE = `
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as expr from '@grafana/grafana-foundation-sdk/expr';
import type { AlertRulesFile } from './src/grafana/alerts.js';
import type { InfluxQlAnnotation, InfluxQlTarget } from './src/grafana/targets.js';
// JSON has no functions and spells enums by their values: the SDK's types in that form.
type IsAny<T> = 0 extends 1 & T ? true : false;
type Plain<T> = IsAny<T> extends true ? any
  : T extends (...args: never[]) => unknown ? never
  : T extends string ? \`\${T}\`
  : T extends readonly (infer U)[] ? Plain<U>[]
  : T extends object ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]> }
  : T;
type DashboardJson = Plain<Omit<dashboard.Dashboard, 'panels' | 'annotations'>> & {
  panels: Array<Plain<Omit<dashboard.Panel, 'targets'>> & { targets: Plain<InfluxQlTarget>[] }>;
  annotations: { list?: Plain<InfluxQlAnnotation>[] };
};
type Model = Plain<InfluxQlTarget> | Plain<expr.TypeReduce> | Plain<expr.TypeMath> | Plain<expr.TypeThreshold>;
type RulesJson = Plain<Omit<AlertRulesFile, 'groups'>> & {
  groups: Array<Plain<Omit<AlertRulesFile['groups'][number], 'rules'>> & {
    rules: Array<Plain<Omit<AlertRulesFile['groups'][number]['rules'][number], 'data'>> & {
      data: Array<Plain<Omit<NonNullable<AlertRulesFile['groups'][number]['rules'][number]['data']>[number], 'model'>> & { model: Model }>;
    }>;
  }>;
};
`;

/** Type errors of `name` declared as `type` with `value` as its literal (one program). */
function typeErrors(checks: ReadonlyArray<{ name: string; type: string; value: unknown }>): string[] {
  const file = `${root}__grafana_types_check__.ts`;
  const text =
    PRELUDE + checks.map((c) => `export const ${c.name}: ${c.type} = ${JSON.stringify(c.value)};`).join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const dashboardFiles = DASHBOARDS.map((d) => ({
  uid: d.uid,
  json: JSON.parse(read(`grafana/dashboards/${d.uid}.json`)) as Record<string, unknown>,
}));
const rules = parse(read('grafana/provisioning/alerting/enphase-rules.yaml')) as Record<string, unknown>;

describe('the committed files against the SDK’s types (Grafana 11.6)', () => {
  it('every dashboard is a Dashboard, its targets InfluxQL DataQueries, its annotations AnnotationQueries; the rules file is groups of Rules', () => {
    const checks = [
      ...dashboardFiles.map((d, i) => ({ name: `d${i}`, type: 'DashboardJson', value: d.json })),
      { name: 'rules', type: 'RulesJson', value: rules },
    ];
    expect(typeErrors(checks)).toEqual([]);
  }, 60_000);

  it('the check fails on what Grafana would not read: an unknown key, a wrong enum value, a missing key', () => {
    const fleet = structuredClone(dashboardFiles[0]!.json) as {
      panels: Array<Record<string, unknown>>;
      graphTooltip: unknown;
    };
    fleet.panels[0]!['tittle'] = 'typo';
    fleet.graphTooltip = 7;
    const broken = structuredClone(rules) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    delete broken.groups[0]!.rules[0]!['condition'];
    (broken.groups[0]!.rules[1]!['noDataState'] as unknown) = 'Maybe';
    const errors = typeErrors([
      { name: 'd', type: 'DashboardJson', value: fleet },
      { name: 'r', type: 'RulesJson', value: broken },
    ]).join('\n');
    expect(errors).toMatch(/'"tittle"' does not exist/);
    expect(errors).toMatch(/Type '7' is not assignable/);
    expect(errors).toMatch(/'condition' is missing/);
    expect(errors).toMatch(/Type '"Maybe"' is not assignable/);
  }, 60_000);
});
