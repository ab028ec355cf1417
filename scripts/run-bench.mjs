// `npm run bench -- <name> [options]` runs bench/<name>.ts (on demand, never in the suite);
// without a name it lists the benchmarks. Each benchmark documents its options in its header and
// its recorded figures in docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const names = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();
const [name, ...options] = process.argv.slice(2);

if (!name) {
  process.stdout.write(
    `usage: npm run bench -- <name> [options]\nbenchmarks: ${names.join(', ')} (docs/benchmarks.md)\n`,
  );
  process.exit(0);
}
const file = join(benchDir, `${name}.ts`);
if (!existsSync(file)) {
  process.stderr.write(`enphase-etl bench: no benchmark "${name}"; there are: ${names.join(', ')}\n`);
  process.exit(2);
}
// tsx by its absolute URL (as test/support/node-child.ts does), so it resolves from any folder.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const run = spawnSync(process.execPath, ['--import', tsx, file, ...options], { stdio: 'inherit' });
process.exit(run.status ?? 1);
