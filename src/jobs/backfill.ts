// `backfill` and `sync` as functions (the commands only parse options and print): resolve the
// systems (registry, discovering what it lacks), split the datasets into those the plan includes
// and those it does not, and run one job per system through runOneShot.
import { randomBytes } from 'node:crypto';
import { DATASET_NAMES, type DatasetName } from '../datasets.js';
import type { RegistryEntry } from '../state/registry.js';
import { discoverSystems } from './discover.js';
import { runOneShot, type OneShotOptions, type OneShotSummary } from './one-shot.js';
import {
  backfillJobId,
  QUEUE_BACKFILL,
  QUEUE_SYNC,
  type BackfillJobData,
  type SyncJobData,
} from './queues.js';
import { datasetsFor } from '../budget-input.js';
import type { Runtime } from './runtime.js';

export type SystemSelection = 'all' | readonly number[];

export class UnknownSystemsError extends Error {
  override name = 'UnknownSystemsError';
}

/** The registry entries of the selection; systems the registry lacks are discovered first. */
export async function resolveSystems(runtime: Runtime, selection: SystemSelection): Promise<RegistryEntry[]> {
  const discoverDeps = {
    client: runtime.client,
    registry: runtime.registry,
    logger: runtime.logger,
    now: runtime.now,
  };
  if (selection === 'all') {
    if ((await runtime.registry.count()) === 0) await discoverSystems(discoverDeps);
    const all: RegistryEntry[] = [];
    for await (const page of runtime.registry.list()) all.push(...page);
    return all.sort((a, b) => a.id - b.id);
  }
  const known = await runtime.registry.getMany(selection);
  const missing = selection.filter((id) => !known.some((e) => e.id === id));
  if (missing.length > 0) {
    await discoverSystems(discoverDeps, { systemIds: missing });
    const found = await runtime.registry.getMany(missing);
    const still = missing.filter((id) => !found.some((e) => e.id === id));
    if (still.length > 0) throw new UnknownSystemsError(`unknown system(s): ${still.join(', ')}`);
    known.push(...found);
  }
  return known.sort((a, b) => a.id - b.id);
}

/** Requested datasets split into those the configured plan includes and those it does not (pure). */
export function splitByPlan(
  requested: readonly DatasetName[] | undefined,
  config: Runtime['config'],
): { included: DatasetName[]; notInPlan: DatasetName[] } {
  const wanted = requested ?? config.datasets ?? [...DATASET_NAMES];
  const allowed = new Set(datasetsFor({ ...config, datasets: [...DATASET_NAMES] }).planned);
  return {
    included: wanted.filter((d) => allowed.has(d)),
    notInPlan: wanted.filter((d) => !allowed.has(d)),
  };
}

export interface BackfillRequest {
  systems: SystemSelection;
  fromDate: string;
  toDate?: string;
  datasets?: DatasetName[];
  force: boolean;
}

export interface BackfillSummary extends OneShotSummary {
  notInPlan: DatasetName[];
}

function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function backfill(
  runtime: Runtime,
  request: BackfillRequest,
  options: OneShotOptions = {},
): Promise<BackfillSummary> {
  const systems = await resolveSystems(runtime, request.systems);
  const { included, notInPlan } = splitByPlan(request.datasets, runtime.config);
  const runId = newRunId();
  const jobs = systems.map((system) => {
    const data: BackfillJobData = {
      systemId: system.id,
      fromDate: request.fromDate,
      ...(request.toDate ? { toDate: request.toDate } : {}),
      datasets: included,
      force: request.force,
      runId,
    };
    return { id: backfillJobId(system.id, runId), systemId: system.id, data };
  });
  const summary =
    included.length === 0
      ? await runOneShot(runtime, QUEUE_BACKFILL, runtime.queues.backfill, [], {}, options)
      : await runOneShot(
          runtime,
          QUEUE_BACKFILL,
          runtime.queues.backfill,
          jobs,
          // Kept a week whatever their number: a run's outcome must outlive a large run.
          {
            removeOnComplete: { age: 7 * 86_400 },
            attempts: 5,
            backoff: { type: 'exponential', delay: 2_000 },
          },
          options,
        );
  return { ...summary, notInPlan };
}

export async function syncNow(
  runtime: Runtime,
  selection: SystemSelection,
  options: OneShotOptions = {},
): Promise<OneShotSummary> {
  const systems = await resolveSystems(runtime, selection);
  const runId = newRunId();
  const jobs = systems.map((system) => ({
    id: `sync-now-${system.id}-${runId}`,
    systemId: system.id,
    data: { systemId: system.id, all: true } satisfies SyncJobData,
  }));
  return runOneShot(runtime, QUEUE_SYNC, runtime.queues.sync, jobs, { attempts: 3 }, options);
}
