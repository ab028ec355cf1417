// The CLI start-up benchmark (issue 13), on demand, not in the suite. Build first:
//
//   npm run build && node --import tsx bench/startup.ts [--runs 10] [--bin path/to/enphase-etl.js]
//     [--against path/to/other/enphase-etl.js]
//   node --import tsx bench/startup.ts --packages [--runs 5]
//
// Runs `node bin/enphase-etl.js --help`, `status` and `plan` (the built CLI in dist/) as child
// processes, each `--runs` times, round-robin so that a burst of load on the machine spreads over
// all of them, against a Redis of its own seeded with a small registry (status and plan read only
// Redis: neither touches InfluxDB nor the API). Per command: median and max wall time and peak RSS
// (/usr/bin/time's %M, else VmHWM from /proc). In the same run, as floors: a bare `node -e 0`, and
// Node importing commander and ioredis, then also zod, luxon and dotenv: what `status` and `plan`
// cannot do without (Redis, the configuration's schema, time zones), and the same five as the
// bundle holds them (the chunks of dist/ that contain them). `--packages`:
// each dependency imported alone, and the modules `--help` loads per package.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { createKeys } from '../src/state/keys.js';
import { LastErrorStore } from '../src/state/last-errors.js';
import { RegistryStore, type RegistryEntry } from '../src/state/registry.js';
import { WatermarkStore } from '../src/state/watermarks.js';
import { startRedis } from '../test/support/services.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(arg('runs', '10'));
// --bin: another build (a copy of bin/, dist/ and package.json from before a change, beside a
// node_modules), to measure before and after in one sitting.
const BIN = resolve(arg('bin', fileURLToPath(new URL('../bin/enphase-etl.js', import.meta.url))));
// --against: a second build measured in the same round-robin, so that load on the machine falls on
// both alike (a before-and-after in one sitting on a busy machine).
const AGAINST = args.includes('--against') ? resolve(arg('against', '')) : undefined;
const TIME = '/usr/bin/time';
const SYSTEMS = 25;

for (const bin of AGAINST ? [BIN, AGAINST] : [BIN]) {
  if (!existsSync(new URL('../dist/cli.js', pathToFileURL(bin)))) {
    console.error(
      `${bin}: no dist/cli.js beside it (run \`npm run build\` first, or name a bin/enphase-etl.js)`,
    );
    process.exit(2);
  }
}

/** Resolved from the project, so a floor imports the same copies the CLI does. */
const resolveFromProject = createRequire(import.meta.url).resolve;
const importOf = (name: string): string =>
  `await import(${JSON.stringify(pathToFileURL(resolveFromProject(name)).href)});`;
const FLOOR_IMPORTS = `${importOf('commander')} ${importOf('ioredis')}`;
/** What status and plan cannot do without: also the configuration's schema (zod) and time zones (luxon). */
const FLOOR_ALL_IMPORTS = `${FLOOR_IMPORTS} ${importOf('zod')} ${importOf('luxon')} ${importOf('dotenv')}`;
/**
 * The same floor in the bundle's form (scripts/build.mjs): Node importing the chunks of this build
 * that hold those packages (dist/meta.json says which), with whatever of the project esbuild put
 * beside them. Undefined for a build without a metafile (one compiled by tsc, before the bundle).
 */
function bundledFloorImports(): string | undefined {
  const metaFile = new URL('../dist/meta.json', pathToFileURL(BIN));
  if (!existsSync(metaFile)) return undefined;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const wanted = ['commander', 'ioredis', 'zod', 'luxon', 'dotenv'];
  const root = fileURLToPath(new URL('../', import.meta.url)); // esbuild's working folder
  const chunks = Object.entries(meta.outputs)
    .filter(([, { inputs }]) => {
      const packages = Object.keys(inputs).map((input) => /node_modules\/([^/]+)\//.exec(input)?.[1]);
      // BullMQ's chunk holds luxon's CommonJS build (cron-parser requires it); status and plan
      // never load that chunk (test/cli-lean.test.ts).
      return packages.some((p) => p && wanted.includes(p)) && !packages.includes('bullmq');
    })
    .map(([file]) => pathToFileURL(resolve(root, file)).href);
  return chunks.map((url) => `await import(${JSON.stringify(url)});`).join(' ');
}

/** The dependencies `--packages` weighs one by one. */
const HEAVY = [
  'commander',
  'ioredis',
  'bullmq',
  'fastify',
  'prom-client',
  'ajv',
  'ajv-formats',
  'yaml',
  'got',
  '@influxdata/influxdb-client',
  'zod',
  'pino',
  'luxon',
  'dotenv',
  'cli-progress',
];

interface Sample {
  wallMs: number;
  rssKiB: number;
  /** User + system CPU time (/usr/bin/time, 10 ms resolution); NaN without it. */
  cpuMs: number;
  stdout: string;
}

/** Peak RSS from /proc while the child runs (only where /usr/bin/time is missing). */
function vmHwmKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function runOnce(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Sample> {
  const useTime = existsSync(TIME);
  const timeFile = join(cwd, 'time.out');
  const [cmd, cmdArgs] = useTime
    ? [TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...argv]]
    : [process.execPath, argv];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, cmdArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let peak = 0;
    const poll = useTime ? undefined : setInterval(() => (peak = Math.max(peak, vmHwmKiB(child.pid!))), 5);
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr.trim()}`));
      if (!useTime) return resolve({ wallMs, rssKiB: peak, cpuMs: NaN, stdout });
      const [rss, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ');
      resolve({ wallMs, rssKiB: Number(rss), cpuMs: (Number(user) + Number(sys)) * 1000, stdout });
    });
  });
}

function entry(id: number): RegistryEntry {
  const micros = 10 + (id % 15);
  return {
    id,
    name: `Home ${id}`,
    timeZone: ['Europe/Berlin', 'America/Los_Angeles', 'Australia/Sydney'][id % 3]!,
    operationalAt: 1_600_000_000,
    devices: {
      micros: Array.from({ length: micros }, (_, i) => `1220${id}${i}`),
      encharges: id % 4 === 0 ? [`E${id}`] : [],
      acbs: [],
      evChargers: id % 7 === 0 ? [`EV${id}`] : [],
      meters: id % 2 === 0 ? [`PM${id}`, `CM${id}`] : [],
    },
    hasProductionMeter: id % 2 === 0,
    hasConsumptionMeter: id % 2 === 0,
    hasBattery: id % 4 === 0,
    status: 'normal',
    discoveredAt: Date.now() - 3_600_000,
  };
}

/** A registry of SYSTEMS systems with watermarks and one last error: what `status` lists. */
async function seed(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys = createKeys(prefix);
    await new RegistryStore(redis, keys).upsert(Array.from({ length: SYSTEMS }, (_, i) => entry(1000 + i)));
    const watermarks = new WatermarkStore(redis, keys);
    const wm = Math.floor(Date.now() / 1000) - 2 * 3600;
    for (let i = 0; i < SYSTEMS; i++) {
      await watermarks.advance(1000 + i, 'production_micro', wm);
      await watermarks.advance(1000 + i, 'energy_daily', wm - 86_400);
    }
    await new LastErrorStore(redis, keys).record(1003, 'micro', 'HTTP 500 from /telemetry', Date.now());
  } finally {
    redis.disconnect();
  }
}

/** The three measured commands of one build, each with what its output must show. */
function cliCommands(bin: string, label: string): Array<[string, string[], string]> {
  return [
    [`--help${label}`, [bin, '--help'], 'Commands:'],
    [`status${label}`, [bin, 'status'], `${SYSTEMS - 20} more systems`],
    [`plan${label}`, [bin, 'plan'], `Systems: ${SYSTEMS} from the registry`],
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Each command RUNS times, round-robin after one warm-up run each; one table row per command. */
async function measure(
  commands: Array<[string, string[], string]>,
  env: NodeJS.ProcessEnv,
  cwd: string,
  note: string,
): Promise<void> {
  console.error(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
      `${RUNS} runs each${note}; load before ${load()}`,
  );
  const samples = new Map<string, Sample[]>(commands.map(([name]) => [name, []]));
  for (const [name, argv, expected] of commands) {
    const { stdout } = await runOnce(argv, env, cwd); // also warms the file cache
    if (!stdout.includes(expected)) throw new Error(`${name} did not print "${expected}":\n${stdout}`);
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [name, argv] of commands) samples.get(name)!.push(await runOnce(argv, env, cwd));
  }
  console.error(`load after ${load()}`);
  console.log('| command | median wall | max wall | median CPU | median peak RSS | max peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, list] of samples) {
    const wall = list.map((s) => s.wallMs / 1000);
    const rss = list.map((s) => s.rssKiB / 1024);
    const cpu = median(list.map((s) => s.cpuMs / 1000));
    console.log(
      `| ${name} | ${median(wall).toFixed(2)} s | ${Math.max(...wall).toFixed(2)} s | ` +
        `${Number.isNaN(cpu) ? '–' : `${cpu.toFixed(2)} s`} | ` +
        `${median(rss).toFixed(0)} MiB | ${Math.max(...rss).toFixed(0)} MiB |`,
    );
  }
}

/**
 * --packages: where the start-up goes. Each dependency imported alone by a bare Node (its cost
 * with whatever it pulls in), and the modules `--help` of this build loads, per package.
 */
async function packages(cwd: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const importing = (name: string): [string, string[], string] => [
    `import ${name}`,
    ['--input-type=module', '-e', importOf(name)],
    '',
  ];
  await measure(
    [['node -e 0', ['-e', '0'], ''], ...HEAVY.map(importing)],
    env,
    cwd,
    ', each package imported alone',
  );
  const trace = join(cwd, 'trace');
  const tracer = new URL('../test/support/module-trace/register.mjs', import.meta.url).href;
  await runOnce(['--import', tracer, BIN, '--help'], { ...env, MODULE_TRACE_FILE: trace }, cwd);
  const urls = [...new Set(readFileSync(trace, 'utf8').trim().split('\n'))].filter((u) =>
    u.startsWith('file:'),
  );
  const counts = new Map<string, number>();
  for (const url of urls) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? 'the project';
    counts.set(pkg, (counts.get(pkg) ?? 0) + 1);
  }
  console.log(`\n\`--help\` loads ${urls.length} modules:`);
  console.log(
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([pkg, n]) => `${pkg} ${n}`)
      .join(', '),
  );
}

const cwd = mkdtempSync(join(tmpdir(), 'enphase-etl-startup-')); // no stray .env is read from here
try {
  if (args.includes('--packages')) await packages(cwd);
  else {
    const redis = await startRedis();
    try {
      await seed(redis.url, redis.prefix);
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: redis.prefix,
        ENPHASE_API_KEY: 'bench-key',
        ENPHASE_PLAN: 'watt',
        INFLUX_URL: 'http://127.0.0.1:9', // neither command writes; the address is never contacted
        INFLUX_API: 'v1',
        INFLUX_DATABASE: 'enphase',
        LOG_LEVEL: 'warn',
      };
      // Each with what its output must show: a command that read an empty registry proves nothing.
      await measure(
        [
          ['node -e 0', ['-e', '0'], ''],
          ['node + commander + ioredis', ['--input-type=module', '-e', FLOOR_IMPORTS], ''],
          [
            'node + commander + ioredis + zod + luxon + dotenv',
            ['--input-type=module', '-e', FLOOR_ALL_IMPORTS],
            '',
          ],
          ...((): Array<[string, string[], string]> => {
            const bundled = bundledFloorImports();
            return bundled
              ? [['node + the bundle’s chunks of those five', ['--input-type=module', '-e', bundled], '']]
              : [];
          })(),
          ...cliCommands(BIN, ''),
          ...(AGAINST ? cliCommands(AGAINST, ' (--against)') : []),
        ],
        env,
        cwd,
        `, ${SYSTEMS} systems in the registry`,
      );
    } finally {
      await redis.stop();
    }
  }
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
