// The provisioning under grafana/ without services: the committed files are what the generator
// makes now (a stale file fails here), they hold together (data source uid, refIds, conditions),
// every query names only what the schema declares and avoids what InfluxDB 3 lacks, the health
// points of a round, and docker-compose.yml's wiring (checked structurally: no container engine
// or compose client runs here).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { DASHBOARDS } from '../../src/grafana/panels.js';
import { RULES } from '../../src/grafana/alerts.js';
import { generatedFiles } from '../../src/grafana/generate.js';
import { healthPoints, type HealthInput } from '../../src/jobs/health.js';
import { SCHEMA } from '../../src/normalize/schema.js';
import type { SystemState } from '../../src/state/system-states.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('generated files', () => {
  it.each([...generatedFiles().keys()].map((path) => ({ path })))(
    '$path is up to date (npm run gen:grafana)',
    ({ path }) => {
      expect(read(path)).toBe(generatedFiles().get(path));
    },
  );
});

interface Target {
  query: string;
  rawQuery: boolean;
  datasource: { uid: string };
}

const dashboards = DASHBOARDS.map(
  (spec) =>
    JSON.parse(read(`grafana/dashboards/${spec.uid}.json`)) as {
      uid: string;
      schemaVersion: number;
      panels: Array<{ type: string; datasource: { uid: string }; targets: Target[] }>;
      templating?: { list: Array<{ query: string; datasource: { uid: string } }> };
      annotations?: { list: Array<{ query: string; datasource: { uid: string } }> };
    },
);
const rulesFile = parse(read('grafana/provisioning/alerting/enphase-rules.yaml')) as {
  apiVersion: number;
  groups: Array<{
    folder: string;
    interval: string;
    rules: Array<{
      uid: string;
      condition: string;
      annotations: Record<string, string>;
      data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
    }>;
  }>;
};
const datasource = (
  parse(read('grafana/provisioning/datasources/influxdb.yaml')) as {
    datasources: Array<{ uid: string; type: string; jsonData: Record<string, string> }>;
  }
).datasources[0]!;

const everyQuery = (): string[] => [
  ...dashboards.flatMap((d) => [
    ...d.panels.flatMap((p) => p.targets.map((t) => t.query)),
    ...(d.templating?.list ?? []).map((v) => v.query),
    ...(d.annotations?.list ?? []).map((a) => a.query),
  ]),
  ...rulesFile.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data.filter((q) => q.datasourceUid !== '__expr__').map((q) => String(q.model['query'])),
    ),
  ),
];

describe('data source, dashboards and rules hold together', () => {
  it('the data source is InfluxQL, with the uid every dashboard and rule names', () => {
    expect(datasource).toMatchObject({ uid: 'enphase-influxdb', type: 'influxdb' });
    expect(datasource.jsonData['version']).toBe('InfluxQL');
    for (const d of dashboards) {
      for (const p of d.panels) {
        expect(p.datasource.uid).toBe(datasource.uid);
        for (const t of p.targets)
          expect(t).toMatchObject({ rawQuery: true, datasource: { uid: datasource.uid } });
      }
      for (const v of d.templating?.list ?? []) expect(v.datasource.uid).toBe(datasource.uid);
      for (const a of d.annotations?.list ?? []) expect(a.datasource.uid).toBe(datasource.uid);
    }
    for (const rule of rulesFile.groups.flatMap((g) => g.rules))
      for (const q of rule.data) expect([datasource.uid, '__expr__']).toContain(q.datasourceUid);
  });

  it('every dashboard is in the schema version of the pinned Grafana and has panels', () => {
    for (const d of dashboards) {
      expect(d.schemaVersion).toBe(41); // Grafana 11.6's dashboard schema
      expect(d.panels.length).toBeGreaterThan(0);
    }
  });

  it('every rule’s expressions read refIds defined before them, and its condition is a threshold', () => {
    for (const rule of rulesFile.groups.flatMap((g) => g.rules)) {
      const seen = new Set<string>();
      for (const q of rule.data) {
        const model = q.model;
        if (model['type'] === 'reduce' || model['type'] === 'threshold')
          expect(seen).toContain(model['expression']);
        if (model['type'] === 'math')
          for (const ref of String(model['expression']).match(/\$\w+/g) ?? [])
            expect(seen).toContain(ref.slice(1));
        seen.add(q.refId);
      }
      expect(rule.data.find((q) => q.refId === rule.condition)?.model['type']).toBe('threshold');
    }
    expect(rulesFile.groups[0]!.rules).toHaveLength(RULES.length);
  });

  it.each(rulesFile.groups.flatMap((g) => g.rules).map((rule) => ({ uid: rule.uid, rule })))(
    '$uid: every $values.X of its summary and description is a refId of the rule, every $labels.x a tag its queries group by',
    ({ rule }) => {
      const refIds = new Set(rule.data.map((q) => q.refId));
      const grouped = new Set(
        rule.data
          .filter((q) => q.datasourceUid !== '__expr__')
          .flatMap((q) =>
            [...String(q.model['query']).matchAll(/GROUP BY ([^)]*)/g)].flatMap((m) =>
              [...m[1]!.matchAll(/"(\w+)"/g)].map((t) => t[1]!),
            ),
          ),
      );
      const texts = [rule.annotations['summary']!, rule.annotations['description']!];
      expect(texts[0]).toMatch(/\S/);
      for (const text of texts) {
        for (const [, ref] of text.matchAll(/\$values\.(\w+)/g))
          expect(refIds.has(ref!) ? ref : `no refId ${ref}`).toBe(ref);
        for (const [, label] of text.matchAll(/\$labels\.(\w+)/g))
          expect(grouped.has(label!) ? label : `no GROUP BY ${label}`).toBe(label);
      }
    },
  );

  it('queries use no InfluxQL that InfluxDB 3 lacks', () => {
    for (const query of everyQuery()) expect(query).not.toMatch(/INTEGRAL\(|SLIMIT|SOFFSET|SHOW DATABASES/i);
  });

  it('queries name only measurements, fields and tags of the schema', () => {
    const measurements = new Set(Object.keys(SCHEMA));
    const names = new Set<string>(
      Object.values(SCHEMA).flatMap((s) => [...s.tags, ...Object.keys(s.fields)]),
    );
    for (const query of everyQuery()) {
      for (const [, measurement] of query.matchAll(/FROM "(\w+)"/g))
        expect(measurements).toContain(measurement);
      // Quoted identifiers outside AS aliases are the schema's fields and tags (or a subquery's alias).
      const aliases = new Set([...query.matchAll(/AS "(\w+)"/g)].map((m) => m[1]));
      for (const [, name] of query.matchAll(/(?<!AS )"(\w+)"/g))
        if (!measurements.has(name!) && !aliases.has(name!)) expect(names).toContain(name);
    }
  });
});

describe('docs/grafana.md', () => {
  const doc = read('docs/grafana.md');
  // A table row of cells, whatever padding prettier gives the table.
  const row = (...cells: string[]): RegExp =>
    new RegExp(
      `\\|\\s*${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*\\|\\s*')}\\s*\\|`,
    );
  it('has every dashboard’s panels in a table, and every rule with its thresholds', () => {
    for (const d of DASHBOARDS) {
      expect(doc).toContain(`(\`${d.uid}\`)`);
      for (const p of d.panels) expect(doc).toMatch(row(p.title, p.kind));
    }
    for (const r of RULES) expect(doc).toMatch(row(`${r.title} (\`${r.uid}\`)`, r.description));
  });
});

describe('the health measurements of a round (pure)', () => {
  const nowMs = Date.UTC(2026, 3, 10, 6, 0, 0);
  const now = nowMs / 1000;
  const input: HealthInput = {
    systemsTotal: 2,
    states: new Map<string, SystemState>([
      [
        '1',
        {
          watermarks: { production_micro: now - 90_000, system: now },
          unavailable: { battery: { reason: '403', at: nowMs - 1, until: nowMs + 1 } },
          lastErrors: { production_micro: { message: 'boom', at: nowMs } },
          implausible: null,
        },
      ],
      [
        '2',
        {
          watermarks: { production_micro: now - 200_000 },
          unavailable: { battery: { reason: '403', at: nowMs - 10, until: nowMs - 1 } },
          lastErrors: {},
          implausible: null,
        },
      ],
    ]),
    quota: { month: '2026-04', total: 420, byEndpoint: {}, limit: 1000, reserve: 50, budget: 950 },
    systemsQuarantined: 1,
    systemsDiscoveryFailed: 1,
    problems: [
      { id: 9, kind: 'discovery-failed', reason: 'devices: 500', since: nowMs - 60_000, checkedAt: nowMs },
      {
        id: 7,
        kind: 'quarantined',
        reason: 'no time zone',
        since: nowMs - 3_600_000,
        checkedAt: nowMs,
        name: 'Roof',
      },
    ],
    endpointsRestricted: 1,
    token: { accessToken: 'a', refreshToken: 'r', updatedAt: 0, source: 'refresh', expiresAt: nowMs - 1 },
    pointsWritten: 1234,
  };

  it('writes the fleet’s totals, per dataset the largest lag and the system behind it, and each system with a problem', () => {
    const [pipeline, ...rest] = healthPoints(input, nowMs);
    const datasets = rest.filter((p) => p.measurement === 'pipeline_dataset');
    expect(rest.filter((p) => p.measurement === 'pipeline_problem')).toEqual([
      {
        measurement: 'pipeline_problem',
        tags: { system_id: '7', kind: 'quarantined' },
        fields: { name: 'Roof', reason: 'no time zone', since: now - 3600 },
        time: now,
      },
      {
        measurement: 'pipeline_problem',
        tags: { system_id: '9', kind: 'discovery-failed' },
        fields: { name: '9', reason: 'devices: 500', since: now - 60 },
        time: now,
      },
    ]);
    expect(pipeline).toEqual({
      measurement: 'pipeline',
      tags: {},
      fields: {
        round_at: now,
        systems_total: 2,
        systems_quarantined: 1,
        systems_discovery_failed: 1,
        quota_used: 420,
        quota_limit: 1000,
        quota_budget: 950,
        points_written: 1234,
        errors: 1,
        // The mark of system 2 has expired: the dataset is tried again, so it is not counted.
        datasets_unavailable: 1,
        endpoints_restricted: 1,
        token_expires_at: now - 1,
        token_expired: 1,
        token_rejected: 0,
      },
      time: now,
    });
    expect(datasets).toEqual([
      {
        measurement: 'pipeline_dataset',
        tags: { dataset: 'battery' },
        fields: { systems: 0, errors: 0, unavailable: 1 },
        time: now,
      },
      {
        measurement: 'pipeline_dataset',
        tags: { dataset: 'production_micro' },
        fields: { systems: 2, errors: 1, unavailable: 0, lag_max_s: 200_000, lag_worst_system_id: 2 },
        time: now,
      },
      {
        measurement: 'pipeline_dataset',
        tags: { dataset: 'system' },
        fields: { systems: 1, errors: 0, unavailable: 0, lag_max_s: 0, lag_worst_system_id: 1 },
        time: now,
      },
    ]);
  });

  it('leaves out what is not known: no quota cap, no token', () => {
    const [pipeline] = healthPoints(
      { ...input, quota: { ...input.quota, limit: null, budget: null }, token: undefined },
      nowMs,
    );
    expect(pipeline!.fields).not.toHaveProperty('quota_limit');
    expect(pipeline!.fields).not.toHaveProperty('quota_budget');
    expect(pipeline!.fields).not.toHaveProperty('token_rejected');
    expect(pipeline!.fields).not.toHaveProperty('token_expires_at');
  });
});

describe('docker-compose.yml (Compose Specification and structure; not started: no container engine here)', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        entrypoint?: string[];
        environment?: Record<string, string>;
        volumes?: string[];
        depends_on?: Record<string, { condition: string }> | string[];
        profiles?: string[];
      }
    >;
  };
  const services = compose.services;
  const sdkVersion = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> })
    .devDependencies['@grafana/grafana-foundation-sdk']!;

  it('validates against the Compose Specification (test/schemas/compose-spec.json, ajv), and a misspelt key does not', () => {
    // The schema as docker compose applies it: after YAML merge keys (`<<: *etl`) are resolved.
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(read('test/schemas/compose-spec.json')) as object);
    const file = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
    expect(validate(file) ? [] : validate.errors).toEqual([]);
    const broken = parse(read('docker-compose.yml'), { merge: true }) as typeof compose;
    (broken.services['grafana'] as Record<string, unknown>)['volume'] = ['./grafana:/x'];
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      instancePath: '/services/grafana',
      params: { additionalProperty: 'volume' },
    });
  });

  it('pins the Grafana release the dashboards are built for', () => {
    expect(services['grafana']!.image).toBe(`grafana/grafana:${sdkVersion.split('-')[0]}`);
  });

  it('mounts the provisioning and the generated dashboards where the provider reads them', () => {
    const provider = parse(read('grafana/provisioning/dashboards/enphase.yaml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(services['grafana']!.volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        `./grafana/dashboards:${provider.providers[0]!.options.path}:ro`,
      ]),
    );
  });

  it('creates the DBRP mapping once InfluxDB is healthy, before Grafana starts', () => {
    const init = services['influxdb-dbrp']!;
    expect(init.image).toBe(services['influxdb']!.image);
    expect(init.entrypoint).toEqual(['/bin/sh', '/init/dbrp.sh']);
    expect(init.volumes).toEqual(['./grafana/influxdb-init:/init:ro']);
    expect(init.depends_on).toEqual({ influxdb: { condition: 'service_healthy' } });
    expect(services['grafana']!.depends_on).toEqual({
      'influxdb-dbrp': { condition: 'service_completed_successfully' },
    });
    expect(read('grafana/influxdb-init/dbrp.sh')).toMatch(
      /influx v1 dbrp create --db "\$bucket" --rp autogen/,
    );
  });

  it('runs `start` (the built-in simulator when no .env gives Enphase credentials)', () => {
    const etl = services['etl']!;
    expect(etl.command).toEqual(['start']);
    // Nothing in compose itself sets Enphase credentials or the API URL: they come from .env only.
    expect(Object.keys(etl.environment ?? {}).filter((k) => k.startsWith('ENPHASE_'))).toEqual([]);
    expect(services['worker']!.profiles).toEqual(['scale-out']);
  });
});
