// The docs say what the descriptors say. docs/extractors.md has one row per dataset naming its
// endpoints, plans and window rule; docs/schema.md's request-window table names every dataset
// once; each dataset's README.md names its endpoints, operations, plans, window and measurements.
// (docs/schema.md's measurement sections are held to the schema table, which the descriptors
// fill, by test/normalize/schema-doc.test.ts.)
import { readFileSync } from 'node:fs';
import { PLAN_NAMES } from '../../src/enphase/plans.js';
import { DATASETS } from '../../src/datasets/index.js';
import type { Endpoint } from '../../src/extractors/types.js';
import type { WindowRule } from '../../src/extractors/windows.js';

const DAY = 86_400;
const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const endpointsOf = (d: (typeof DATASETS)[number]): readonly Endpoint[] => d.endpoints as readonly Endpoint[];

/** The rows of the first table after `heading`, as trimmed cells. */
function tableAfter(doc: string, heading: string): string[][] {
  const start = doc.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** An endpoint as docs/extractors.md writes it: without `/api/v4/systems/{id}/`. */
function shortPath(path: string): string {
  return path
    .replace('/api/v4/systems/{system_id}/', '')
    .replace('/api/v4/', '')
    .replaceAll('{system_id}', '{id}')
    .replaceAll('{serial_no}', '{serial}');
}

function plansText(plans: readonly string[]): string {
  const missing = PLAN_NAMES.filter((plan) => !plans.includes(plan));
  return missing.length === 0 ? 'all' : `not ${missing.map((plan) => `\`${plan}\``).join(', ')}`;
}

/** What a description of the window rule must say. */
function windowWords(rule: WindowRule): string[] {
  switch (rule.kind) {
    case 'telemetry':
      return [`granularity=${rule.granularity}`, `${rule.grid / 60} min grid`];
    case 'range':
      return [`≤ ${rule.span / DAY} days`, `${rule.grid / 60} min grid`];
    case 'daily':
      return ['`start_date`..`end_date`'];
    case 'events':
      return [`≤ ${rule.span / DAY} days`, `≤ ${rule.maxAgeMonths} months`];
    case 'snapshot':
      return ['snapshot'];
  }
}

describe('docs/extractors.md, "Datasets"', () => {
  const rows = tableAfter(read('docs/extractors.md'), '## Datasets');

  it('has one row per registered dataset, in the registry’s order', () => {
    expect(rows.map((row) => row[0])).toEqual(DATASETS.map((d) => `\`${d.name}\``));
  });

  it.each(DATASETS.map((d) => [d.name, d] as const))(
    '%s: its endpoints, plans and window rule',
    (_name, d) => {
      const [, endpoints = '', plans = '', window = ''] =
        rows.find((row) => row[0] === `\`${d.name}\``) ?? [];
      for (const endpoint of endpointsOf(d)) {
        const short = `\`${shortPath(endpoint.path)}`;
        const at = endpoints.indexOf(short);
        expect([endpoint.path, at >= 0 && ['`', '?'].includes(endpoints[at + short.length] ?? '')]).toEqual([
          endpoint.path,
          true,
        ]);
      }
      expect(plans).toBe(plansText(d.plans));
      for (const words of windowWords(d.window)) expect(window).toContain(words);
    },
  );
});

describe('docs/schema.md, "Request windows"', () => {
  const rows = tableAfter(read('docs/schema.md'), '## Request windows');

  it('names every dataset once, with its request and grid', () => {
    for (const d of DATASETS) {
      const holding = rows.filter((row) => (row[0] ?? '').split(', ').includes(`\`${d.name}\``));
      expect([d.name, holding.length]).toEqual([d.name, 1]);
      const [, request = '', grid = ''] = holding[0] ?? [];
      if (d.window.kind === 'telemetry') {
        expect(request).toContain(`granularity=${d.window.granularity}`);
        expect(grid).toBe(`${d.window.grid / 60} min`);
      }
    }
  });
});

describe('src/datasets/<name>/README.md', () => {
  it.each(DATASETS.map((d) => [d.name, d] as const))('%s', (name, d) => {
    const readme = read(`src/datasets/${name}/README.md`).replace(/\s+/g, ' ');
    expect(readme.startsWith(`# \`${name}\` `)).toBe(true);
    for (const endpoint of endpointsOf(d)) {
      expect(readme).toContain(`\`${endpoint.path}\``);
      expect(readme).toContain(`\`${endpoint.operation}\``);
    }
    const writes = readme.slice(readme.indexOf('**Writes**')).split(' - **')[0];
    for (const measurement of Object.keys(d.measurements)) expect(writes).toContain(`\`${measurement}\``);
    expect(readme).toContain(plansText(d.plans) === 'all' ? 'every plan' : 'not on the Watt plan');
    const window = d.window;
    if (window.kind === 'telemetry') expect(readme).toContain(`granularity=${window.granularity}`);
    else if (window.kind === 'snapshot') expect(readme).toContain('snapshot');
    else
      expect(readme).toContain({ range: '`end_at`', daily: '`end_date`', events: '`end_time`' }[window.kind]);
  });
});
