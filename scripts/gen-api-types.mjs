// Regenerates src/enphase/api-types.ts from the OpenAPI description kept in openapi/.
// The YAML is a copy of ../shared/enphase-v4-openapi.yaml; refresh it first when that changes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';

const shared = new URL('../../shared/enphase-v4-openapi.yaml', import.meta.url);
const local = new URL('../openapi/enphase-v4-openapi.yaml', import.meta.url);
if (existsSync(shared)) copyFileSync(shared, local);
execFileSync(
  'npx',
  ['openapi-typescript', local.pathname, '--output', 'src/enphase/api-types.ts', '--root-types'],
  { stdio: 'inherit' },
);
