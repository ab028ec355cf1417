// `backfill` and `sync` as functions (the commands only parse options and print): resolve the
// systems (registry, discovering what it lacks), split the datasets into those the plan includes
// and those it does not, and run one job per system through runOneShot (one-shot-run.ts).
import { randomBytes } from 'node:crypto';
import { DATASET_NAMES, type DatasetName } from '../datasets/index.js';
import type { RegistryEntry } from '../state/registry.js';
import type { SystemProblem } from '../state/system-problems.js';
import { backfillReach, nothingInReach, type ReachNote } from './backfill-reach.js';
import { discoverSystems } from './discover.js';
import { runOneShot, type OneShotOptions, type OneShotSummary } from './one-shot-run.js';
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

/** No requested dataset can fetch anything of the range: it is older than the API serves. */
export class OutOfReachError extends Error {
  override name = 'OutOfReachError';
}

export interface ResolvedSelection {
  /** Systems with usable metadata (their registry entries), by id. */
  systems: RegistryEntry[];
  /** Systems of the selection discovery could not use (quarantined, or never discovered), by id. */
  problems: SystemProblem[];
}

/**
 * The systems of a selection. Systems the registry lacks are discovered first, and so are the
 * systems with a problem (a failed discovery or a quarantine): a run looks at them again, so a
 * device list that answers again, or a time zone fixed at Enphase, counts at once. An id that
 * the API does not know (404) throws UnknownSystemsError.
 */
export async function resolveSelection(
  runtime: Runtime,
  selection: SystemSelection,
): Promise<ResolvedSelection> {
  const discoverDeps = {
    client: runtime.client,
    registry: runtime.registry,
    logger: runtime.logger,
    now: runtime.now,
  };
  const { registry } = runtime;
  let entries: RegistryEntry[] = [];
  let problems: SystemProblem[];
  if (selection === 'all') {
    const flagged = await registry.problems.list();
    if ((await registry.count()) === 0 && flagged.length === 0) await discoverSystems(discoverDeps);
    else if (flagged.length > 0) await discoverSystems(discoverDeps, { systemIds: flagged.map((p) => p.id) });
    for await (const page of registry.list()) entries.push(...page);
    problems = await registry.problems.list();
  } else {
    const known = new Set((await registry.getMany(selection)).map((e) => e.id));
    const flagged = await registry.problems.getMany(selection);
    const again = selection.filter((id) => !known.has(id) || flagged.has(id));
    if (again.length > 0) await discoverSystems(discoverDeps, { systemIds: again });
    entries = await registry.getMany(selection);
    problems = [...(await registry.problems.getMany(selection)).values()];
    const found = new Set([...entries.map((e) => e.id), ...problems.map((p) => p.id)]);
    const unknown = selection.filter((id) => !found.has(id));
    if (unknown.length > 0) throw new UnknownSystemsError(`unknown system(s): ${unknown.join(', ')}`);
  }
  // A system whose discovery failed but that has usable stored facts is synced with them.
  const usable = new Set(entries.map((e) => e.id));
  return {
    systems: entries.sort((a, b) => a.id - b.id),
    problems: problems
      .filter((p) => p.kind === 'quarantined' || !usable.has(p.id))
      .sort((a, b) => a.id - b.id),
  };
}

/** The usable systems of a selection (see resolveSelection). */
export async function resolveSystems(runtime: Runtime, selection: SystemSelection): Promise<RegistryEntry[]> {
  return (await resolveSelection(runtime, selection)).systems;
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
  /** Datasets whose range the API's age limit clamped or emptied (backfill-reach.ts). */
  outOfReach: ReachNote[];
}

function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** What jobs lost with an emptied Redis need again: their systems' registry entries. */
function restoreRegistry(runtime: Runtime): (systemIds: number[]) => Promise<void> {
  return async (systemIds) => {
    await resolveSelection(runtime, systemIds);
  };
}

export async function backfill(
  runtime: Runtime,
  request: BackfillRequest,
  options: OneShotOptions = {},
): Promise<BackfillSummary> {
  const { systems, problems } = await resolveSelection(runtime, request.systems);
  const { included, notInPlan } = splitByPlan(request.datasets, runtime.config);
  const outOfReach = backfillReach(systems, included, request, Math.floor(runtime.now() / 1000));
  if (nothingInReach(outOfReach, systems.length, included)) {
    const limits = [...new Set(outOfReach.map((n) => `${n.limit} (from ${n.from})`))].join(', ');
    throw new OutOfReachError(
      `nothing of ${request.fromDate} to ${request.toDate ?? 'today'} can be fetched: the API serves ` +
        `${included.join(', ')} for ${limits} only; energy_daily has no such limit`,
    );
  }
  const runId = newRunId();
  // Systems with a problem get their job too: it fails at once, naming the problem, and the run
  // counts it as failed (exit 1).
  const jobs = [...systems, ...problems].map((system) => {
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
          { restore: restoreRegistry(runtime), ...options },
        );
  return { ...summary, notInPlan, outOfReach };
}

export async function syncNow(
  runtime: Runtime,
  selection: SystemSelection,
  options: OneShotOptions = {},
): Promise<OneShotSummary> {
  const { systems, problems } = await resolveSelection(runtime, selection);
  const runId = newRunId();
  const jobs = [...systems, ...problems].map((system) => ({
    id: `sync-now-${system.id}-${runId}`,
    systemId: system.id,
    data: { systemId: system.id, all: true } satisfies SyncJobData,
  }));
  return runOneShot(
    runtime,
    QUEUE_SYNC,
    runtime.queues.sync,
    jobs,
    { attempts: 3 },
    {
      restore: restoreRegistry(runtime),
      ...options,
    },
  );
}
