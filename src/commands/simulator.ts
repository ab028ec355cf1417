// `enphase-etl simulator`: runs the built-in Enphase API simulator until SIGINT/SIGTERM. The
// credentials it prints are the simulator's own fake ones, printed on purpose for demos.
import { readFileSync } from 'node:fs';
import {
  parseFaultSpec,
  parseMisbehaviour,
  startSimulator,
  type FaultOptions,
  type MisbehaviourOptions,
} from '../simulator/index.js';
import { UsageError } from './errors.js';

export interface SimulatorCommandOptions {
  port: number;
  systems: number;
  seed: number;
  host?: string;
  faults?: FaultOptions;
  misbehaviour?: MisbehaviourOptions;
}

/** Reads `--misbehaviour <file.json>`: system id → knobs (docs/simulator.md). */
export function readMisbehaviourFile(path: string): MisbehaviourOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--misbehaviour: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return Object.fromEntries(parseMisbehaviour(json));
  } catch (error) {
    throw new UsageError(`--misbehaviour: ${(error as Error).message}`);
  }
}

/** The `simulator` command's flags as commander parses them (definitions.ts). */
export interface SimulatorFlags {
  port: number;
  host: string;
  systems: number;
  seed: number;
  faults?: string;
  misbehaviour?: string;
}

/** The command's work, with its options parsed (definitions.ts). */
export async function runSimulatorCommand(opts: SimulatorFlags): Promise<void> {
  let faults: FaultOptions | undefined;
  try {
    faults = opts.faults ? parseFaultSpec(opts.faults) : undefined;
  } catch (error) {
    throw new UsageError(`--faults: ${(error as Error).message}`);
  }
  const misbehaviour = opts.misbehaviour ? readMisbehaviourFile(opts.misbehaviour) : undefined;
  const { port, host, systems, seed } = opts;
  await runSimulator({
    port,
    host,
    systems,
    seed,
    ...(faults ? { faults } : {}),
    ...(misbehaviour ? { misbehaviour } : {}),
  });
}

async function runSimulator(opts: SimulatorCommandOptions): Promise<void> {
  const start = startSimulator({
    port: opts.port,
    systems: opts.systems,
    seed: opts.seed,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.misbehaviour ? { misbehaviour: opts.misbehaviour } : {}),
  });
  // the one check the file's own parse cannot make: its route templates are the simulator's
  const sim = await start.catch((error: unknown) => {
    if (opts.misbehaviour && (error as Error).message.startsWith('misbehaviour'))
      throw new UsageError(`--misbehaviour: ${(error as Error).message}`);
    throw error;
  });
  const pair = sim.issueTokenPair();
  const lines = [
    `Enphase API simulator listening on ${sim.url} (${opts.systems} systems, seed ${opts.seed})`,
    '',
    'Demo credentials (fake, for this simulator only):',
    `  ENPHASE_API_URL=${sim.url}`,
    '  ENPHASE_API_KEY=sim-key            (partner plan; also sim-key-watt, sim-key-kilowatt, sim-key-megawatt)',
    '  ENPHASE_CLIENT_ID=sim-client',
    '  ENPHASE_CLIENT_SECRET=sim-secret',
    `  ENPHASE_ACCESS_TOKEN=${pair.access_token}`,
    `  ENPHASE_REFRESH_TOKEN=${pair.refresh_token}`,
    '',
    `Admin: ${sim.url}/__sim/requests, POST ${sim.url}/__sim/tokens, POST ${sim.url}/__sim/faults, POST ${sim.url}/__sim/misbehaviour`,
    'Stop with Ctrl-C.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sim.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
