// Writes the generated dashboards and alert rules under grafana/ (src/grafana/generate.ts).
// Run: npm run gen:grafana
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from '../src/grafana/generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, text] of generatedFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
