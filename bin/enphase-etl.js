#!/usr/bin/env node
// dist/ is the bundle of scripts/build.mjs. When LOG_LEVEL asks for stacks (debug, trace), source
// maps are switched on before the CLI loads, so a stack names src/ files and lines; otherwise
// they are not read at all (that would cost every start).
import { verboseErrorsRequested } from '../dist/verbose.js';

if (verboseErrorsRequested()) process.setSourceMapsEnabled(true);
const { main } = await import('../dist/cli.js');
await main(process.argv);
