import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { parseConfig } from '../src/config.js';

// .env.example is the user's reference: it must document every variable the schema reads, and a
// copy of it must be a valid configuration as it stands.
describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const documented = parse(text);

  it('is a valid configuration as it stands', () => {
    expect(() => parseConfig(documented)).not.toThrow();
  });

  it('documents every variable that src/config/schema.ts reads', () => {
    const source = readFileSync(new URL('../src/config/schema.ts', import.meta.url), 'utf8');
    const read = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(20);
    for (const name of read) expect(Object.keys(documented)).toContain(name);
  });
});
