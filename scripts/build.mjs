// The build (`npm run build`, also `npm ci` through `prepare`): src/ bundled by esbuild into dist/.
//
// Why a bundle (issue 13, docs/benchmarks.md "CLI start-up"): Node spent most of a command's
// start resolving, reading and compiling a few hundred small files (zod alone is 95 modules). A
// bundle is a handful of files. Code splitting keeps what each command imports lazily in its own
// chunks, so `--help`, `status` and `plan` still load only what they need; dist/meta.json (esbuild's
// metafile) says which source modules went into which chunk (test/cli-lean.test.ts reads it).
//
// Type checking is not the build's job here: `npm run typecheck` (tsc) does it, in CI too.
//
//   node scripts/build.mjs [outdir]     (default dist/; a test builds into a folder of its own)
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * The entry points: `cli` is what bin/enphase-etl.js runs; `verbose` answers before the CLI loads
 * whether LOG_LEVEL asks for stacks (then source maps are switched on first); `simulator` is the
 * API stand-in the benchmarks start as a process of its own (bench/support/children.ts).
 */
const ENTRIES = {
  cli: 'src/cli.ts',
  verbose: 'src/config/verbose.ts',
  simulator: 'src/simulator/index.ts',
};

const BANNER = [
  "import { createRequire as __cr } from 'node:module';",
  "import { fileURLToPath as __fu } from 'node:url';",
  "import { dirname as __dn } from 'node:path';",
  'const require = __cr(import.meta.url);',
  'const __filename = __fu(import.meta.url);',
  'const __dirname = __dn(__filename);',
].join(' ');

/** Builds into `outdir` (absolute, or relative to the project); returns esbuild's metafile. */
export async function buildBundle(outdir = 'dist') {
  const out = new URL(outdir, new URL(`file://${root}`)).pathname;
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: out,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The packages are bundled too: their modules are most of the files a command loaded.
    // CommonJS packages in an ES bundle still call require() for Node's own modules, and some read
    // __dirname (ioredis when it shortens a failed command's stack; BullMQ, msgpackr and pino
    // when they look for their own files, which then are not found and they do without).
    banner: { js: BANNER },
    // Less text to read and decode at each start (about 1 MiB of RSS for status and plan); names
    // stay as written (an error's class name is part of what the CLI prints), and the source
    // maps lead a stack back to src/ when LOG_LEVEL=debug (bin/enphase-etl.js).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(`${out}/meta.json`, JSON.stringify(result.metafile));
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBundle(process.argv[2]);
