// `--help`, `status` and `plan` load only what they need (issue 13: a fast start). Each runs in a
// real child process with a module trace (support/module-trace/): every module it loaded, ES or
// CommonJS, is listed, and none of the heavy packages a command has no use for may be among them.
// No timing here (bench/startup.ts measures); what is asserted is what a refactoring can break: a
// static import that drags the simulator, BullMQ or the validator back into every command.
// The same is asked of the build (scripts/build.mjs bundles src/ into chunks): which chunks the
// built bin/enphase-etl.js loads, and which source modules and packages esbuild put into them.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { createKeys } from '../src/state/keys.js';
import { RegistryStore } from '../src/state/registry.js';
import { tsxArgs } from './support/node-child.js';
import { startRedis, type RedisHandle } from './support/services.js';

const runner = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));
const tracer = new URL('./support/module-trace/register.mjs', import.meta.url).href;

/** Packages only the service, the one-shot runs, `auth`, `simulator` and `demo` need. */
const SERVICE_ONLY = [
  'fastify',
  'prom-client',
  'ajv',
  'ajv-formats',
  'yaml',
  'got',
  '@influxdata/influxdb-client',
  'pino',
  'cli-progress',
  'p-limit',
];

let redis: RedisHandle;
let folder: string;

/** The packages (and the project's source folders) a command loaded, and how it ended. */
function traced(
  args: string[],
  nodeArgs: string[] = tsxArgs(runner, ...args),
  packageOf: (url: string) => string[] = (url) => {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    const own = /\/(src\/.+)\.ts$/.exec(url)?.[1];
    return pkg ? [pkg] : own ? [own] : [];
  },
): Promise<{ code: number; stdout: string; stderr: string; loaded: Set<string> }> {
  const trace = join(folder, `trace-${nodeArgs.join('-').replace(/\W+/g, '-').slice(-100)}`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', tracer, ...nodeArgs],
      {
        cwd: folder, // no .env of the checkout is read
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          MODULE_TRACE_FILE: trace,
          REDIS_URL: redis.url,
          REDIS_KEY_PREFIX: redis.prefix,
          ENPHASE_API_KEY: 'lean-key',
          ENPHASE_PLAN: 'watt',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const loaded = new Set<string>();
        for (const url of readFileSync(trace, 'utf8').split('\n'))
          for (const name of packageOf(url)) loaded.add(name);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr, loaded });
      },
    );
  });
}

const among = (loaded: Set<string>, names: readonly string[]): string[] => names.filter((n) => loaded.has(n));
/** The project's modules under any of `folders` (e.g. 'src/simulator/'). */
const under = (loaded: Set<string>, folders: readonly string[]): string[] =>
  [...loaded].filter((m) => folders.some((f) => m.startsWith(f)));

/** The project's own heavy parts: the simulator, the API client and its validator, the loaders. */
const HEAVY_SOURCE = [
  'src/simulator/',
  'src/enphase/client',
  'src/enphase/spec/',
  'src/loaders/index',
  'src/service',
];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'enphase-etl-lean-'));
  redis = await startRedis();
  const client = new Redis(redis.url);
  try {
    await new RegistryStore(client, createKeys(redis.prefix)).upsert([
      {
        id: 7,
        name: 'Lean',
        timeZone: 'Europe/Berlin',
        operationalAt: 1_600_000_000,
        devices: { micros: ['M1'], encharges: [], acbs: [], evChargers: [], meters: [] },
        discoveredAt: Date.now(),
      },
    ]);
  } finally {
    client.disconnect();
  }
});
afterAll(async () => {
  await redis?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('what a command loads', () => {
  it('--help: commander and the definitions, no Redis client, no configuration schema', async () => {
    const { code, stdout, loaded } = await traced(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Commands:');
    expect(loaded.has('commander')).toBe(true); // the trace sees packages at all
    expect(among(loaded, [...SERVICE_ONLY, 'bullmq', 'ioredis', 'zod', 'luxon'])).toEqual([]);
    expect(under(loaded, [...HEAVY_SOURCE, 'src/datasets/', 'src/config/schema', 'src/jobs/queues'])).toEqual(
      [],
    );
  });

  it('plan: Redis and the budget, not BullMQ, the client or the simulator', async () => {
    const { code, stdout, stderr, loaded } = await traced(['plan']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Systems: 1 from the registry');
    expect(loaded.has('ioredis')).toBe(true); // loaded through CommonJS: the trace sees those too
    expect(among(loaded, [...SERVICE_ONLY, 'bullmq'])).toEqual([]);
    expect(under(loaded, [...HEAVY_SOURCE, 'src/jobs/queues'])).toEqual([]);
  });

  it('status: Redis, the state and the queues read without BullMQ, not the client or the simulator', async () => {
    const { code, stdout, stderr, loaded } = await traced(['status']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('System 7 "Lean"');
    expect(among(loaded, [...SERVICE_ONLY, 'bullmq'])).toEqual([]);
    expect(under(loaded, [...HEAVY_SOURCE, 'src/jobs/queues'])).toEqual([]);
  });

  it('a command that needs the service still gets it: backfill --help loads its own module', async () => {
    const { code, stdout, loaded } = await traced(['backfill', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--datasets <a,b>');
    expect(loaded.has('src/datasets/index')).toBe(true);
  });
});

describe('what a command of the build loads (the bundle of scripts/build.mjs)', () => {
  const root = fileURLToPath(new URL('../', import.meta.url));
  let build: string;
  /** For each output file of the bundle (file URL): the packages and src/ modules inside it. */
  let contents: Map<string, string[]>;

  beforeAll(async () => {
    build = mkdtempSync(join(tmpdir(), 'enphase-etl-bundle-'));
    await new Promise<void>((done, fail) =>
      execFile(
        process.execPath,
        [join(root, 'scripts/build.mjs'), join(build, 'dist')],
        { cwd: root },
        (e) => (e ? fail(e) : done()),
      ),
    );
    cpSync(join(root, 'bin'), join(build, 'bin'), { recursive: true });
    const meta = JSON.parse(readFileSync(join(build, 'dist/meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown> }>;
    };
    contents = new Map(
      Object.entries(meta.outputs).map(([file, { inputs }]) => [
        pathToFileURL(resolve(root, file)).href,
        Object.keys(inputs).map(
          (input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? input.replace(/\.ts$/, ''),
        ),
      ]),
    );
  }, 60_000);
  afterAll(() => {
    if (build) rmSync(build, { recursive: true, force: true });
  });

  const bundled = (args: string[]) =>
    traced(args, [join(build, 'bin/enphase-etl.js'), ...args], (url) => contents.get(url) ?? []);

  it('--help: the chunks it loads hold commander and the definitions only', async () => {
    const { code, stdout, loaded } = await bundled(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Commands:');
    expect(loaded.has('commander')).toBe(true); // the trace sees the chunks' contents at all
    expect(among(loaded, [...SERVICE_ONLY, 'bullmq', 'ioredis', 'zod', 'luxon'])).toEqual([]);
    expect(under(loaded, [...HEAVY_SOURCE, 'src/datasets/', 'src/config/schema', 'src/jobs/queues'])).toEqual(
      [],
    );
  });

  it.each([
    ['plan', 'Systems: 1 from the registry'],
    ['status', 'System 7 "Lean"'],
  ])(
    '%s: its chunks hold Redis and its own modules, not BullMQ, the client or the simulator',
    async (command, shows) => {
      const { code, stdout, stderr, loaded } = await bundled([command]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(shows);
      expect(loaded.has('ioredis')).toBe(true);
      expect(among(loaded, [...SERVICE_ONLY, 'bullmq'])).toEqual([]);
      expect(under(loaded, [...HEAVY_SOURCE, 'src/jobs/queues'])).toEqual([]);
    },
  );
});
