// Every query of every provisioned dashboard and alert rule, run against a real influxd 1.x holding
// a known data set: 3 simulated systems backfilled through the real pipeline (Sydney's DST change
// on 5 April lies in the month), the pipeline's own health from a real round, and the crafted
// fault scenario (test/grafana/faults.ts). Queries are read from the committed files under
// grafana/ — what Grafana loads — and substituted the way Grafana does (support.ts), on the fixed
// clock of the e2e world, never the machine's.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DASHBOARDS, TODAY_QUERY } from '../../src/grafana/panels.js';
import { backfill } from '../../src/jobs/backfill-and-sync.js';
import { recordHealth } from '../../src/jobs/health.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { addDays, localDate, localMidnight } from '../../src/normalize/time.js';
import { eventStatus, eventsBetween, raisesAlarm } from '../../src/simulator/model/events.js';
import { SYSTEM_LINK } from '../../src/grafana/dashboards.js';
import type { InfluxSeries } from '../support/services.js';
import { NOW_MS, startE2eWorld, truthFor, type E2eWorld } from '../e2e/support.js';
import {
  BATTERY_LOW,
  FAULT_SYSTEMS,
  OFFLINE,
  QUARANTINED,
  WEAK_MICRO,
  WEAK_SERIAL,
  faultHealth,
  faultPoints,
  toLines,
} from './faults.js';
import { labelKey, math, rangeOf, reduce, substitute, type Range, type Value } from './support.js';

const root = new URL('../../', import.meta.url);
const FROM_DATE = '2026-03-30';
const SYDNEY = 100_002;

interface DashboardJson {
  uid: string;
  time: { from: string; to: string };
  panels: Array<{
    title: string;
    timeFrom?: string;
    targets: Array<{ refId: string; query: string; alias?: string }>;
    transformations?: Array<{ id: string; options: Record<string, unknown> }>;
    fieldConfig?: { overrides?: Array<{ matcher: { id: string; options: string }; properties: unknown[] }> };
  }>;
  templating?: { list: Array<{ name: string; query: string }> };
  annotations?: { list: Array<{ name: string; query: string }> };
}

const dashboards = DASHBOARDS.map(
  (spec) =>
    JSON.parse(readFileSync(new URL(`grafana/dashboards/${spec.uid}.json`, root), 'utf8')) as DashboardJson,
);

interface RuleJson {
  uid: string;
  title: string;
  condition: string;
  annotations: { summary: string };
  data: Array<{
    refId: string;
    datasourceUid: string;
    relativeTimeRange?: { from: number; to: number };
    model: {
      query?: string;
      type?: string;
      expression?: string;
      reducer?: 'last' | 'sum';
      conditions?: Array<{ evaluator: { type: string; params: number[] } }>;
    };
  }>;
}

const rules = (
  parse(readFileSync(new URL('grafana/provisioning/alerting/enphase-rules.yaml', root), 'utf8')) as {
    groups: Array<{ rules: RuleJson[] }>;
  }
).groups.flatMap((g) => g.rules);

let w: E2eWorld;
let runtime: Runtime;
/** The simulator's ids for 3 systems (checked in beforeAll). */
const simIds = [100_001, 100_002, 100_003];

async function write(lines: string): Promise<void> {
  const response = await fetch(`${w.influx.url}/write?db=${w.influx.database}&precision=s`, {
    method: 'POST',
    body: lines,
  });
  expect(response.status).toBe(204);
}

beforeAll(async () => {
  w = await startE2eWorld({ systems: 3 });
  runtime = w.runtime();
  expect(w.sim.fleet.ids()).toEqual(simIds);
  const summary = await backfill(runtime, { systems: 'all', fromDate: FROM_DATE, force: false });
  expect(summary.failed).toEqual([]);
  // A round's health, as the service writes it (src/jobs/health.ts), then the fault scenario.
  expect(await recordHealth(runtime)).toBeGreaterThan(1);
  await runtime.loader.flush();
  await write(toLines(faultPoints(NOW_MS)));
}, 300_000);

afterAll(async () => {
  await runtime?.close();
  await w?.stop();
});

/** The systems' ids as the System dashboard's variable lists them, and each one's time zone. */
async function systemVariable(range: Range): Promise<Map<string, { name: string; tz: string }>> {
  const system = dashboards.find((d) => d.uid === 'enphase-system')!;
  const [idVar, tzVar] = system.templating!.list;
  const out = new Map<string, { name: string; tz: string }>();
  for (const series of await w.influx.query(substitute(idVar!.query, range))) {
    expect(series.columns).toEqual(['time', '__text', '__value']);
    for (const row of series.values) out.set(String(row[2]), { name: String(row[1]), tz: '' });
  }
  for (const [id, entry] of out) {
    const [tz] = await w.influx.query(substitute(tzVar!.query, range, { system_id: id }));
    entry.tz = String(tz?.values[0]?.[1]);
  }
  return out;
}

function expectColumns(series: readonly InfluxSeries[], columns: readonly string[], where: string): void {
  for (const s of series) {
    for (const c of columns)
      if (!s.columns.includes(c))
        throw new Error(`${where}: column ${c} missing in ${JSON.stringify(s.columns)}`);
    expect(s.values.length).toBeGreaterThan(0);
  }
}

describe('dashboards: every panel’s queries return rows with their columns', () => {
  let variables: Map<string, { name: string; tz: string }>;

  beforeAll(async () => {
    variables = await systemVariable(rangeOf('now-2d', NOW_MS));
  });

  it('the system_id variable lists every system by name, with its id as the value, and its time zone', () => {
    expect([...variables.keys()].map(Number).sort()).toEqual([...simIds, ...FAULT_SYSTEMS].sort());
    expect(variables.get(String(OFFLINE))).toEqual({ name: 'Fault · offline', tz: 'Australia/Sydney' });
    expect(variables.get(String(SYDNEY))?.tz).toBe('Australia/Sydney');
  });

  const cases = DASHBOARDS.flatMap((spec, d) =>
    spec.panels.map((panel, p) => ({ dashboard: spec.uid, d, p, title: panel.title })),
  );
  it.each(cases)('$dashboard · $title', async ({ d, p }) => {
    const spec = DASHBOARDS[d]!;
    const json = dashboards[d]!;
    const panel = json.panels[p]!;
    const panelSpec = spec.panels[p]!;
    expect(panel.title).toBe(panelSpec.title);
    const range = rangeOf(panel.timeFrom ?? json.time.from, NOW_MS);
    const perSystem = (json.templating?.list ?? []).length > 0;
    const systems = perSystem ? [...variables.entries()] : [['', { name: '', tz: '' }] as const];
    expect(panel.targets.map((t) => t.refId)).toEqual(panelSpec.queries.map((q) => q.refId));
    for (const target of panel.targets) {
      const columns = panelSpec.queries.find((q) => q.refId === target.refId)!.columns;
      let answered = 0;
      for (const [id, { tz }] of systems) {
        const query = substitute(target.query, range, perSystem ? { system_id: id, tz } : {});
        const series = await w.influx.query(query);
        expectColumns(series, columns, `${panel.title} ${target.refId} (system ${id})`);
        if (series.length > 0) answered++;
      }
      // Every query answers for at least one system (each system lacks some devices).
      expect(answered).toBeGreaterThan(0);
    }
  });

  it.each(
    dashboards.flatMap((d) =>
      (d.annotations?.list ?? []).map((a) => ({ dashboard: d.uid, name: a.name, query: a.query })),
    ),
  )('$dashboard · annotation $name marks the offline system’s event', async ({ query }) => {
    const series = await w.influx.query(
      substitute(query, rangeOf('now-2d', NOW_MS), { system_id: String(OFFLINE) }),
    );
    expectColumns(series, ['text'], query);
    expect(series.length).toBeGreaterThan(0);
  });
});

describe('annotations on the events the pipeline loaded', () => {
  // The simulated systems' events and alarms came through the real pipeline (backfill from
  // FROM_DATE); the truth is the simulator's own event model.
  const annotation = (name: string): string =>
    dashboards.find((d) => d.uid === 'enphase-system')!.annotations!.list.find((a) => a.name === name)!.query;

  it.each(['Events', 'Alarms'])(
    'enphase-system · annotation %s: one per simulated event (or alarm), at its start, named by its type',
    async (name) => {
      const now = NOW_MS / 1000;
      let total = 0;
      for (const id of simIds) {
        const profile = w.sim.fleet.system(id)!;
        const from = localMidnight(FROM_DATE, profile.place.timezone);
        const truth = eventsBetween(w.sim.fleet.seed, profile, from, now, now)
          .filter((e) => name === 'Events' || raisesAlarm(e, now))
          .map((e) => ({
            time: e.start,
            text: e.type.name,
            ...(name === 'Events' ? { tags: `${eventStatus(e, now)},${e.serial}` } : { tags: e.serial }),
          }));
        const series = await w.influx.query(
          substitute(annotation(name), { fromMs: from * 1000, toMs: NOW_MS }, { system_id: String(id) }),
        );
        const rows = series.flatMap((s) =>
          s.values.map((row) => {
            const at = (column: string): unknown => row[s.columns.indexOf(column)];
            return {
              time: Number(at('time')), // epoch s (the harness asks for epoch=s)
              text: at('text'),
              tags: name === 'Events' ? `${String(at('status'))},${String(at('serial'))}` : at('serials'),
            };
          }),
        );
        expect({ id, rows: rows.sort((a, b) => a.time - b.time) }).toEqual({ id, rows: truth });
        total += truth.length;
      }
      // The data set holds some: the check above is not over empty lists.
      expect(total).toBeGreaterThan(0);
    },
  );
});

describe('the Fleet overview', () => {
  const fleet = dashboards.find((d) => d.uid === 'enphase-fleet')!;
  const panel = (title: string) => fleet.panels.find((p) => p.title === title)!;

  it('Quarantined systems lists each system with a problem: id, name, problem', async () => {
    const p = panel('Quarantined systems');
    const series = await w.influx.query(substitute(p.targets[0]!.query, rangeOf(p.timeFrom!, NOW_MS)));
    const rows = series.map((s) => ({
      ...s.tags,
      name: s.values[0]![s.columns.indexOf('name')],
      problem: s.values[0]![s.columns.indexOf('problem')],
    }));
    expect(rows).toEqual([
      {
        system_id: String(QUARANTINED),
        kind: 'quarantined',
        name: 'Fault · quarantined',
        problem: 'time zone "Mars/Base" is unknown',
      },
    ]);
  });

  it('Systems: the last local day in % of the mean of the 7 local days before it, as the simulator’s daily truth', async () => {
    const target = panel('Systems').targets.find((t) => t.refId === 'C')!;
    const series = await w.influx.query(substitute(target.query, rangeOf(fleet.time.from, NOW_MS)));
    let checked = 0;
    for (const id of simIds) {
      const zone = w.sim.fleet.system(id)!.place.timezone;
      const yesterday = addDays(localDate(NOW_MS / 1000, zone), -1);
      const daily = (date: string): number => {
        const meter = w.sim.fleet.system(id)!.productionMeter;
        // `production` is the meter's from the day after its start, else the micros' (truthFor).
        return meter && date >= addDays(localDate(meter.startAt, zone), 1)
          ? w.sim.fleet.daily(id, 'production_meter', date, NOW_MS)
          : w.sim.fleet.daily(id, 'production_micro', date, NOW_MS);
      };
      let before = 0;
      for (let k = 1; k <= 7; k++) before += daily(addDays(yesterday, -k));
      const truth = (daily(yesterday) * 100) / (before / 7);
      const row = series.find((s) => s.tags?.['system_id'] === String(id));
      const shown = row!.values[0]![row!.columns.indexOf('vs_7d_pct')] as number;
      expect({ id, pct: shown }).toEqual({ id, pct: expect.closeTo(truth, 6) });
      checked++;
    }
    expect(checked).toBe(simIds.length);
  });

  it.each(
    fleet.panels
      .filter((p) => (p.fieldConfig?.overrides ?? []).length > 0)
      .map((p) => ({ title: p.title, p })),
  )('$title: its link opens the System dashboard with the row’s system id as its variable', async ({ p }) => {
    const overrides = p.fieldConfig!.overrides!;
    expect(overrides).toEqual([
      {
        matcher: { id: 'byName', options: expect.any(String) },
        properties: [{ id: 'links', value: [SYSTEM_LINK] }],
      },
    ]);
    // The URL: the System dashboard, its variable named as the dashboard names it, from the row's field.
    const system = dashboards.find((d) => d.uid === 'enphase-system')!;
    const url = new URL(SYSTEM_LINK.url, 'http://grafana');
    expect(url.pathname).toBe(`/d/${system.uid}`);
    const variable = [...url.searchParams.keys()].find((k) => k.startsWith('var-'))!.slice(4);
    expect(system.templating!.list.map((v) => v.name)).toContain(variable);
    const field = /\$\{__data\.fields\.(\w+)\}/.exec(SYSTEM_LINK.url)![1]!;
    // The fields of the table as Grafana builds it from InfluxDB's answer: tags are columns.
    const ids = new Set<string>();
    const fields = new Set<string>();
    for (const target of p.targets)
      for (const s of await w.influx.query(
        substitute(target.query, rangeOf(p.timeFrom ?? fleet.time.from, NOW_MS)),
      )) {
        for (const c of s.columns) fields.add(c);
        for (const [k, v] of Object.entries(s.tags ?? {})) {
          fields.add(k);
          if (k === field) ids.add(v);
        }
      }
    expect(fields).toContain(overrides[0]!.matcher.options);
    expect(fields).toContain(field);
    // Every id the link can carry is a value the System dashboard's variable offers.
    const offered = new Set<string>();
    for (const s of await w.influx.query(
      substitute(system.templating!.list[0]!.query, rangeOf('now-2d', NOW_MS)),
    ))
      for (const row of s.values) offered.add(String(row[s.columns.indexOf('__value')]));
    expect(ids.size).toBeGreaterThan(0);
    for (const id of ids) expect(offered).toContain(id);
  });
});

describe('dashboards: values against the simulator’s truth', () => {
  const panelQuery = (dashboard: string, title: string, refId: string): string => {
    const json = dashboards.find((d) => d.uid === dashboard)!;
    const target = json.panels.find((p) => p.title === title)!.targets.find((t) => t.refId === refId)!;
    return target.query;
  };
  const sumTruth = (
    id: number,
    measurement: string,
    tags: string,
    from: number,
    to: number,
    field = 'energy_wh',
  ): number => {
    let sum = 0;
    for (const [k, fields] of truthFor(w.sim, id, FROM_DATE, NOW_MS)) {
      const [m, tagText, time] = k.split('|');
      if (m === measurement && tagText === tags && Number(time) >= from && Number(time) < to)
        sum += fields[field] as number;
    }
    return sum;
  };

  it('self-consumption on the Energy panel: Grafana’s calculateField over series the queries return, production − export of a local day', async () => {
    const panel = dashboards
      .find((d) => d.uid === 'enphase-system')!
      .panels.find((p) => p.title === 'Energy')!;
    const [join, calc] = panel.transformations!;
    expect(join).toEqual({ id: 'joinByField', options: { byField: 'Time', mode: 'outer' } });
    expect(calc!.id).toBe('calculateField');
    const options = calc!.options as {
      mode: string;
      alias: string;
      binary: {
        left: { matcher: { id: string; options: string } };
        operator: string;
        right: typeof options.binary.left;
      };
    };
    expect(options.mode).toBe('binary');
    expect(options.binary.operator).toBe('-');
    // Series are named by their column ($col), so the matchers name what InfluxDB returns.
    for (const t of panel.targets) expect(t.alias).toBe('$col');
    const id = simIds.find((i) => w.sim.fleet.system(i)!.consumptionMeter)!;
    expect(id).toBeDefined();
    const zone = w.sim.fleet.system(id)!.place.timezone;
    const yesterday = addDays(localDate(NOW_MS / 1000, zone), -1);
    const from = localMidnight(yesterday, zone);
    const to = localMidnight(localDate(NOW_MS / 1000, zone), zone);
    const range = { fromMs: from * 1000, toMs: to * 1000 - 1 };
    /** column → time → value, over every query of the panel. */
    const columns = new Map<string, Map<string, number | null>>();
    for (const target of panel.targets) {
      for (const series of await w.influx.query(
        substitute(target.query, range, { system_id: String(id), tz: zone }),
      ))
        series.columns.slice(1).forEach((column, c) => {
          const byTime = columns.get(column) ?? new Map<string, number | null>();
          for (const row of series.values) byTime.set(String(row[0]), row[c + 1] as number | null);
          columns.set(column, byTime);
        });
    }
    expect(options.binary.left.matcher).toEqual({ id: 'byName', options: 'production_wh' });
    expect(options.binary.right.matcher).toEqual({ id: 'byName', options: 'export_wh' });
    const left = columns.get(options.binary.left.matcher.options);
    const right = columns.get(options.binary.right.matcher.options);
    expect(left?.size).toBeGreaterThan(0);
    expect(right?.size).toBeGreaterThan(0);
    // The same arithmetic per joined row, summed over the day.
    let shown = 0;
    for (const time of new Set([...left!.keys(), ...right!.keys()])) {
      const l = left!.get(time);
      const r = right!.get(time);
      if (l != null && r != null) shown += l - r;
    }
    const tags = `system_id=${id}`;
    const production = sumTruth(id, 'production', `source=micro,${tags}`, from, to);
    const exported = sumTruth(id, 'grid', tags, from, to, 'export_wh');
    expect(production).toBeGreaterThan(0);
    expect(exported).toBeGreaterThan(0);
    expect(shown).toBe(production - exported);
  });

  it("today's energy of every system, from its local midnight", async () => {
    const query = panelQuery('enphase-system', 'Today', 'A');
    expect(query).toBe(TODAY_QUERY);
    let producing = 0;
    for (const id of simIds) {
      const zone = w.sim.fleet.system(id)!.place.timezone;
      const [series] = await w.influx.query(
        substitute(query, rangeOf('2d', NOW_MS), { system_id: String(id), tz: zone }),
      );
      const today = series!.values[series!.values.length - 1]![1];
      const midnight = localMidnight(localDate(NOW_MS / 1000, zone), zone);
      const truth = sumTruth(id, 'production', `source=micro,system_id=${id}`, midnight, NOW_MS / 1000);
      expect({ id, today }).toEqual({ id, today: truth });
      if (truth > 0) producing++;
    }
    // At 06:00 UTC it is 16:00 in Sydney and 23:00 in Los Angeles (a whole day of sun behind
    // both); 08:00 in Berlin, which may not have produced yet.
    expect(producing).toBeGreaterThanOrEqual(2);
  });

  it("this month's energy of the Sydney system, in local days across its DST change", async () => {
    const zone = w.sim.fleet.system(SYDNEY)!.place.timezone;
    expect(zone).toBe('Australia/Sydney');
    const vars = { system_id: String(SYDNEY), tz: zone };
    const month = rangeOf('now/M', NOW_MS);
    const [daily] = await w.influx.query(
      substitute(panelQuery('enphase-system', 'This month', 'A'), month, vars),
    );
    const [today] = await w.influx.query(
      substitute(panelQuery('enphase-system', 'This month', 'B'), month, vars),
    );
    const shown = (daily!.values[0]![1] as number) + (today!.values[today!.values.length - 1]![1] as number);

    // The truth: the local days of April up to yesterday, 1–9 April (5 April is 25 hours long),
    // from the simulator's daily model, plus today's telemetry since local midnight.
    let truth = 0;
    const yesterday = addDays(localDate(NOW_MS / 1000, zone), -1);
    let days = 0;
    for (let date = '2026-04-01'; date <= yesterday; date = addDays(date, 1), days++)
      truth += w.sim.fleet.daily(SYDNEY, 'production_micro', date, NOW_MS);
    expect(days).toBe(9);
    const midnight = localMidnight(localDate(NOW_MS / 1000, zone), zone);
    truth += sumTruth(SYDNEY, 'production', `source=micro,system_id=${SYDNEY}`, midnight, NOW_MS / 1000);
    expect(shown).toBe(truth);
  });
});

// --- alert rules ----------------------------------------------------------------------------

/** Grafana's evaluation of a rule at `atMs`: every step's values by refId. */
async function evaluateSteps(rule: RuleJson, atMs: number): Promise<Record<string, Value[]>> {
  const series = new Map<string, InfluxSeries[]>();
  const values: Record<string, Value[]> = {};
  for (const step of rule.data) {
    const model = step.model;
    if (step.datasourceUid !== '__expr__') {
      const relative = step.relativeTimeRange!;
      const range = { fromMs: atMs - relative.from * 1000, toMs: atMs - relative.to * 1000 };
      series.set(step.refId, await w.influx.query(substitute(model.query!, range, {}, 'alert')));
    } else if (model.type === 'reduce') {
      values[step.refId] = reduce(series.get(model.expression!)!, model.reducer!);
    } else if (model.type === 'math') {
      values[step.refId] = math(model.expression!, values);
    } else if (model.type === 'threshold') {
      const evaluator = model.conditions![0]!.evaluator;
      expect(evaluator.type).toBe('gt');
      values[step.refId] = values[model.expression!]!.map((v) => ({
        labels: v.labels,
        value: v.value > evaluator.params[0]! ? 1 : 0,
      }));
    } else throw new Error(`expression type ${model.type}`);
  }
  return values;
}

/** The label sets for which the rule's condition fires at `atMs`. */
async function evaluateRule(rule: RuleJson, atMs: number): Promise<Value[]> {
  return (await evaluateSteps(rule, atMs))[rule.condition]!.filter((v) => v.value === 1);
}

/**
 * The summary of one firing instance as Grafana's template would fill it: `$labels.x` from the
 * instance's labels, `$values.X.Value` from step X's value whose labels the instance's include.
 * Throws on a label or value the instance does not have.
 */
function renderSummary(summary: string, instance: Value, values: Record<string, Value[]>): string {
  const constants = summary.replace(/\{\{\s*(\w+)\s+([\d.]+)\s*\}\}/g, '$1($2)');
  return constants.replace(
    /\{\{\s*(\w+\s+)?\$(labels|values)\.(\w+)(\.Value)?\s*\}\}/g,
    (_, fn, kind, name) => {
      if (kind === 'labels') {
        const label = instance.labels[name as string];
        if (label === undefined) throw new Error(`no label ${name} on ${JSON.stringify(instance.labels)}`);
        return label;
      }
      const match = (values[name as string] ?? []).find((v) =>
        Object.entries(v.labels).every(([k, x]) => instance.labels[k] === x),
      );
      if (!match || !Number.isFinite(match.value))
        throw new Error(`no value ${name} for ${JSON.stringify(instance.labels)}`);
      return fn ? `${String(fn).trim()}(${match.value})` : String(match.value);
    },
  );
}

const HEALTHY_AT = NOW_MS + 30_000;
const FAULT_AT = NOW_MS + 120_000;

describe('alert rules fire on the fault scenario and not on the healthy systems', () => {
  const expected: Record<string, string[]> = {
    'enphase-system-not-reporting': [labelKey({ system_id: String(OFFLINE) })],
    'enphase-production-low': [labelKey({ system_id: String(OFFLINE) })],
    'enphase-micro-weak': [labelKey({ serial: WEAK_SERIAL, system_id: String(WEAK_MICRO) })],
    'enphase-battery-low': [labelKey({ system_id: String(BATTERY_LOW) })],
    'enphase-quota': [labelKey({})],
    'enphase-lag': [labelKey({ dataset: 'production_micro' })],
    'enphase-token': [labelKey({})],
  };

  it('provisions the seven rules, each with a summary naming what it is about', () => {
    expect(rules.map((r) => r.uid).sort()).toEqual(Object.keys(expected).sort());
    for (const rule of rules.filter((r) => r.uid !== 'enphase-quota' && r.uid !== 'enphase-token'))
      expect(rule.annotations.summary).toMatch(/\{\{ \$labels\.(system_id|dataset) \}\}/);
  });

  it.each(rules.map((r) => ({ uid: r.uid, rule: r })))(
    '$uid: silent on the healthy systems and pipeline',
    async ({ rule }) => {
      const firing = await evaluateRule(rule, HEALTHY_AT);
      // The fault systems' points are in already; nothing else may fire.
      const healthy = firing.filter((v) => !FAULT_SYSTEMS.includes(Number(v.labels['system_id'])));
      expect(healthy).toEqual([]);
    },
  );

  it.each(rules.map((r) => ({ uid: r.uid, rule: r })))(
    '$uid: fires on the faults only',
    async ({ uid, rule }) => {
      await write(toLines(faultHealth(FAULT_AT - 60_000)));
      const values = await evaluateSteps(rule, FAULT_AT);
      const instances = values[rule.condition]!.filter((v) => v.value === 1);
      expect(instances.map((v) => labelKey(v.labels)).sort()).toEqual(expected[uid]);
      // Each firing instance's summary fills in: every label and value it names exists.
      for (const instance of instances)
        expect(renderSummary(rule.annotations.summary, instance, values)).not.toMatch(/\{\{|\$/);
    },
  );
});
