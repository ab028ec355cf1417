// Regenerates src/enphase/api-types.ts and openapi/enphase-v4-openapi.json from the OpenAPI
// description kept in openapi/. The YAML is a copy of ../shared/enphase-v4-openapi.yaml; refresh it
// first when that changes. The JSON is what the pipeline reads at run time (src/enphase/spec/load.ts):
// parsing the YAML cost every process ~0.45 s and ~26 MiB of RSS, JSON.parse ~6 ms and ~2 MiB.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const shared = new URL('../../shared/enphase-v4-openapi.yaml', import.meta.url);
const local = new URL('../openapi/enphase-v4-openapi.yaml', import.meta.url);
if (existsSync(shared)) copyFileSync(shared, local);
execFileSync(
  'npx',
  ['openapi-typescript', local.pathname, '--output', 'src/enphase/api-types.ts', '--root-types'],
  { stdio: 'inherit' },
);
writeFileSync(
  new URL('../openapi/enphase-v4-openapi.json', import.meta.url),
  `${JSON.stringify(parse(readFileSync(local, 'utf8')))}\n`,
);
