// The container path of the resolution order: used only when a container runtime answers. This
// machine has none, so this code is kept small; testcontainers' Ryuk removes leftovers at exit.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Backend } from './backend.js';
import { containersDisabled } from './env.js';
import { freePort } from './ports.js';
import { pollUntil } from './wait.js';

let runtimeCheck: Promise<boolean> | undefined;

/**
 * Whether testcontainers could possibly find a runtime: the places its strategies look (DOCKER_HOST,
 * ~/.testcontainers.properties, the Docker and rootless sockets, Windows pipes). Loading
 * testcontainers costs about half a second per test file, so without any hint we skip it.
 */
function runtimeHintPresent(): boolean {
  if (process.platform === 'win32' || process.env.DOCKER_HOST !== undefined) return true;
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  const candidates = [
    join(homedir(), '.testcontainers.properties'),
    '/var/run/docker.sock',
    ...(runtimeDir === undefined ? [] : [join(runtimeDir, 'docker.sock')]),
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    join('/run', 'user', String(userInfo().uid), 'docker.sock'),
  ];
  return candidates.some((path) => existsSync(path));
}

/**
 * Asked once per process (without a runtime testcontainers rejects within milliseconds), unless
 * TEST_NO_CONTAINERS turns the container path off.
 */
export function containerRuntimeAvailable(): Promise<boolean> {
  if (containersDisabled() || !runtimeHintPresent()) return Promise.resolve(false);
  runtimeCheck ??= import('testcontainers')
    .then((tc) => tc.getContainerRuntimeClient())
    .then(
      () => true,
      () => false,
    );
  return runtimeCheck;
}

export interface ContainerSpec {
  image: string;
  /** The port the service listens on inside the container. */
  port: number;
  command?: string[];
  environment?: Record<string, string>;
  /** Resolves true once the server answers on host:port (polled after every start). */
  isReady(host: string, port: number): Promise<boolean>;
  /** kill() stops the container with SIGTERM (and a grace period) instead of at once. */
  gracefulKill?: boolean;
}

export interface StartedServiceContainer extends Backend {
  host: string;
  port: number;
}

/**
 * Starts a container with its port bound to a fixed free host port, so that kill() and start()
 * (a stop and start of the same container, which keeps its filesystem) keep the URL valid.
 */
export async function startServiceContainer(spec: ContainerSpec): Promise<StartedServiceContainer> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const hostPort = await freePort();
  let definition = new GenericContainer(spec.image)
    .withExposedPorts({ container: spec.port, host: hostPort })
    .withEnvironment(spec.environment ?? {})
    .withWaitStrategy(Wait.forListeningPorts());
  if (spec.command !== undefined) definition = definition.withCommand(spec.command);
  const started = await definition.start();
  const client = await getContainerRuntimeClient();
  const container = client.container.getById(started.getId());
  const host = started.getHost();
  const waitUntilReady = (): Promise<void> =>
    pollUntil(() => spec.isReady(host, hostPort), { timeoutMs: 60_000, what: `container ${spec.image}` });
  await waitUntilReady();
  let stopped = false;
  return {
    host,
    port: hostPort,
    kill: async () => {
      await client.container.stop(container, { timeout: spec.gracefulKill ? 10_000 : 0 });
    },
    start: async () => {
      await client.container.start(container);
      await waitUntilReady();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await started.stop({ timeout: 0 });
    },
  };
}
