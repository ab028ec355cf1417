// docs/schema.md mirrors src/normalize/schema.ts: every measurement has a section, and every tag
// and field of it is named in that section, with its type for fields.
import { readFileSync } from 'node:fs';
import { SCHEMA, type Bound, type MeasurementSchema } from '../../src/normalize/schema.js';

const doc = readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8');

function section(measurement: string): string {
  const start = doc.indexOf(`### \`${measurement}\``);
  if (start < 0) return '';
  const next = doc.indexOf('\n### ', start + 1);
  const nextTop = doc.indexOf('\n## ', start + 1);
  const end = Math.min(next < 0 ? doc.length : next, nextTop < 0 ? doc.length : nextTop);
  return doc.slice(start, end);
}

describe('docs/schema.md', () => {
  it.each(Object.entries(SCHEMA))('documents %s', (measurement, schema) => {
    const text = section(measurement);
    expect(text).not.toBe('');
    for (const tag of schema.tags) expect(text).toContain(`\`${tag}\``);
    for (const [field, type] of Object.entries(schema.fields)) {
      expect(text).toContain(`\`${field}\``);
      // The field's line (or the list it is in) names its type.
      const at = text.indexOf(`\`${field}\``);
      const line = text.slice(text.lastIndexOf('\n', at), text.indexOf('\n', at));
      expect(line).toContain(type);
    }
  });
});

// The bounds table of docs/schema.md mirrors the `bounds` of schema.ts row by row.
function boundText(bound: Bound): string {
  const per = (s: number): string => ({ 300: '5 min', 900: '15 min', 90000: '25 h' })[s] ?? `${s} s`;
  switch (bound.kind) {
    case 'time':
      return 'time: operational date − 25 h … now + 1 h';
    case 'percent':
      return 'percent: 0–100';
    case 'count':
      return 'count: ≥ 0';
    case 'range':
      return `range: ${bound.min}–${bound.max}`;
    case 'energy':
      return `energy: 0 … ${bound.scale} × ${per(bound.perSec)} × 2`;
    case 'power':
      return bound.signed ? `power: ± ${bound.scale} × 2` : `power: 0 … ${bound.scale} × 2`;
  }
}

const bounded = Object.entries(SCHEMA as Readonly<Record<string, MeasurementSchema>>).flatMap(
  ([measurement, schema]) =>
    Object.entries(schema.bounds ?? {}).map(([field, bound]) => ({ measurement, schema, field, bound })),
);

describe('plausibility bounds', () => {
  const rows = doc
    .split('\n')
    .filter((line) => /^\|\s*`[a-z_]+`\s*\|\s*`[a-z_]+`\s*\|/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('documents every bound in docs/schema.md, and nothing else', () => {
    const expected = bounded.map((b) => [`\`${b.measurement}\``, `\`${b.field}\``, boundText(b.bound)]);
    expect(rows.map((r) => r.slice(1, 4)).sort()).toEqual(expected.sort());
  });

  it('bounds only declared numeric fields', () => {
    for (const { schema, field } of bounded) expect(['int', 'float']).toContain(schema.fields[field]);
  });

  // Every field from the API whose unit says it has a bound has one of the matching kind.
  it.each([
    [/_pct$/, ['percent']],
    [/_(at|time)$/, ['time']],
    [/_wh$/, ['energy', 'count']],
    [/_w$/, ['power']],
    [/^(devices_reporting|modules|event_count)$/, ['count']],
  ] as const)('every field matching %s is bounded as %j', (pattern, kinds) => {
    for (const [measurement, schema] of Object.entries(
      SCHEMA as Readonly<Record<string, MeasurementSchema>>,
    )) {
      if (schema.writtenBy === 'service') continue;
      for (const [field, type] of Object.entries(schema.fields)) {
        if (!pattern.test(field) || type === 'string') continue;
        const bound = schema.bounds?.[field];
        expect({ measurement, field, kind: bound?.kind }).toEqual({
          measurement,
          field,
          kind: expect.stringMatching(new RegExp(`^(${kinds.join('|')})$`)) as unknown,
        });
      }
    }
  });
});
