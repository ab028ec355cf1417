// `enphase-etl simulator`: runs the built-in Enphase API simulator until SIGINT/SIGTERM. The
// credentials it prints are the simulator's own fake ones, printed on purpose for demos.
import { startSimulator } from '../simulator/index.js';

export interface SimulatorCommandOptions {
  port: number;
  systems: number;
  seed: number;
  host?: string;
}

export async function runSimulatorCommand(opts: SimulatorCommandOptions): Promise<void> {
  const sim = await startSimulator({
    port: opts.port,
    systems: opts.systems,
    seed: opts.seed,
    ...(opts.host ? { host: opts.host } : {}),
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
    `Admin: ${sim.url}/__sim/requests, POST ${sim.url}/__sim/tokens, POST ${sim.url}/__sim/faults`,
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
