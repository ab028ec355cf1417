// docs/schema.md mirrors src/normalize/schema.ts: every measurement has a section, and every tag
// and field of it is named in that section, with its type for fields.
import { readFileSync } from 'node:fs';
import { SCHEMA } from '../../src/normalize/schema.js';

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
