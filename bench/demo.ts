// `enphase-etl demo`: the time from starting the command to the first picture on stdout (the issue
// asks for ≤ 20 s on this machine). Each run spawns `node bin/enphase-etl.js demo` (the built
// dist/: run `npm run build` first) as a user would, with REDIS_URL and INFLUX_URL pointed at ports
// where nothing answers, so the demo starts its own redis-server and influxd in a temporary folder
// as on a machine without services; the default Redis (127.0.0.1:6379) is never contacted. The
// clock stops when the last sparkline line is out (the "Dashboards" line follows the picture).
// Once the service runs (its "Ctrl-C stops it" line), the demo gets SIGINT and must end by itself
// with code 0, stopping what it started. `--group` sends it to the demo's whole process group
// instead, as a terminal's Ctrl-C does (its redis-server and influxd then get it too).
//
//   node --import tsx bench/demo.ts [--runs 3] [--systems 3] [--days 2]
//
// Run under the shared lock: flock /work/wt/bench.lock node --import tsx bench/demo.ts
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
// A free port (bound, then released) is one nothing answers on: the demo's "does not answer" case.
import { freePort } from '../test/support/ports.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const runs = Number(arg('runs', '3'));
const systems = arg('systems', '3');
const days = arg('days', '2');
const group = args.includes('--group');
const root = fileURLToPath(new URL('..', import.meta.url));
const SPARK = /^ {2}\d+ .*[▁▂▃▄▅▆▇█]+ +(\d+\.\d kWh|–) {2}\(/;

interface Run {
  firstSparkMs: number;
  pictureMs: number;
  /** From SIGINT to the demo's exit. */
  stopMs: number;
  code: number | null;
  sparkLines: number;
}

async function once(): Promise<Run> {
  const env = {
    ...process.env,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
    INFLUX_API: 'v1',
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
  };
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['bin/enphase-etl.js', 'demo', '--systems', systems, '--days', days],
    // Its own process group (for --group), as under a terminal.
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let buffer = '';
  let firstSparkMs = NaN;
  let pictureMs = NaN;
  let sparkLines = 0;
  let stderr = '';
  let serviceUp: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (serviceUp = resolve));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no picture within 120 s\n${buffer}\n${stderr}`)),
      120_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      for (const line of lines.slice(0, -1)) {
        if (SPARK.test(line)) {
          sparkLines++;
          if (Number.isNaN(firstSparkMs)) firstSparkMs = performance.now() - started;
        } else if (line.startsWith('Dashboards (Grafana') && Number.isNaN(pictureMs)) {
          pictureMs = performance.now() - started;
          clearTimeout(timer);
          resolve();
        } else if (line.includes('Ctrl-C stops it')) serviceUp();
      }
      buffer = lines[lines.length - 1]!;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}) before the picture\n${buffer}\n${stderr}`));
    });
  });
  await running;
  const sigintAt = performance.now();
  process.kill(group ? -child.pid! : child.pid!, 'SIGINT');
  const code = await exited;
  const stopMs = performance.now() - sigintAt;
  return { firstSparkMs, pictureMs, stopMs, code, sparkLines };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
process.stdout.write(
  `demo --systems ${systems} --days ${days}, ${runs} runs, SIGINT to the ${group ? 'process group' : 'demo'}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
process.stdout.write(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  process.stdout.write(
    `run ${i + 1}: first sparkline ${(r.firstSparkMs / 1000).toFixed(2)} s, picture complete ${(r.pictureMs / 1000).toFixed(2)} s (${r.sparkLines} systems), SIGINT → exit code ${r.code} in ${(r.stopMs / 1000).toFixed(2)} s\n`,
  );
  if (r.code !== 0) process.exitCode = 1;
}
process.stdout.write(
  `median: first sparkline ${(median(results.map((r) => r.firstSparkMs)) / 1000).toFixed(2)} s, picture complete ${(median(results.map((r) => r.pictureMs)) / 1000).toFixed(2)} s\n`,
);
process.stdout.write(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
