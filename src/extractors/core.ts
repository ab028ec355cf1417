// What every extractor shares: planning its windows, calling the client with the context every
// error should name, normalizing a body with its endpoint's normalizer, turning a refused body
// into an ExtractError, and yielding one window at a time in time order (so memory holds one
// window's points, or one device's share of a window: extractWindowPieces).
//
// Nothing here (or in any extractor) imports the dataset registry, the normalizer table or the
// schema (src/datasets/, src/normalize/index.ts, schema.ts): those are built from the descriptors,
// which import the extractors.
import type { CallContext, EnphaseClient } from '../enphase/client.js';
// The error's own module, not the errors' index: the index holds ApiKeyRefusedError, which extends
// config.ts's ConfigError, and config.ts reads the dataset registry, which imports this module.
import { BadResponseError } from '../enphase/errors/bad-response-error.js';
import { normalizeChecked, NormalizeError, type NormalizeContext } from '../normalize/body-readers.js';
import type { DataPoint } from '../normalize/point.js';
import { TimeZoneError } from '../normalize/time.js';
import { ExtractError } from './errors.js';
import type {
  ApiPath,
  Endpoint,
  ExtractDeps,
  ExtractedWindow,
  ExtractorSpec,
  OperationId,
  SystemInfo,
} from './types.js';
import { planRuleWindows, type RequestWindow, type WindowRule } from './windows.js';

/** The windows under `rule` for the system over [from, to) at `now` (the planner's rules). */
export function windowsFor(
  rule: WindowRule,
  system: SystemInfo,
  from: number,
  to: number,
  now: number,
): RequestWindow[] {
  return planRuleWindows(rule, {
    from,
    to,
    now,
    operationalAt: system.operationalAt,
    timeZone: system.timeZone,
  });
}

/** Whether the system has what `endpoint` describes (and, per device, at least one device). */
export function endpointApplies(endpoint: Endpoint, system: SystemInfo): boolean {
  if (endpoint.when !== undefined && !endpoint.when(system)) return false;
  return endpoint.serials === undefined || endpoint.serials(system).length > 0;
}

/** The endpoints of the spec that the system can answer. */
export function endpointsFor(spec: ExtractorSpec, system: SystemInfo): Endpoint[] {
  return spec.endpoints.filter((endpoint) => endpointApplies(endpoint, system));
}

/** A dataset applies to a system when at least one of its endpoints does. */
export function datasetApplies(spec: ExtractorSpec, system: SystemInfo): boolean {
  return spec.endpoints.some((endpoint) => endpointApplies(endpoint, system));
}

/** The endpoint of `operation` in the spec; a descriptor without it is a programming error. */
export function endpointOf<Op extends OperationId>(
  spec: ExtractorSpec,
  operation: Op,
): Extract<Endpoint, { operation: Op }> {
  const endpoint = spec.endpoints.find((e) => e.operation === operation);
  if (endpoint === undefined) throw new Error(`dataset ${spec.dataset} declares no endpoint ${operation}`);
  return endpoint as Extract<Endpoint, { operation: Op }>;
}

/**
 * `client.get` with the path as a plain string. The typed `get` needs one literal path per call;
 * the extractors pick paths from tables (checked against the spec by `ApiPath`) and the body is
 * handed to the normalizer of that path's operation, which checks its structure itself.
 */
export type LooseGet = (
  path: ApiPath,
  options: { pathParams: Record<string, string | number>; query?: Record<string, string | number> },
  context: CallContext,
) => Promise<unknown>;

export function looseGet(client: EnphaseClient): LooseGet {
  return client.get.bind(client) as unknown as LooseGet;
}

/** The context the client puts in every error it throws for this window. */
export function callContext(system: SystemInfo, dataset: string, window: RequestWindow): CallContext {
  return { systemId: system.id, dataset, window: { start: window.from, end: window.to } };
}

/** The window's query parameters as the client sends them. */
export function queryOf(window: RequestWindow): Record<string, string | number> {
  return window.query as Record<string, string | number>;
}

/** The points of `body` by the endpoint's normalizer, refusing a body for another system or device. */
export function normalize(endpoint: Endpoint, body: unknown, ctx: NormalizeContext): DataPoint[] {
  if (endpoint.normalize === undefined) throw new Error(`${endpoint.operation} has no normalizer`);
  return normalizeChecked(
    endpoint.operation,
    endpoint.normalize as (b: unknown, c: NormalizeContext) => DataPoint[],
    body,
    ctx,
  );
}

/** A refused body (client or normalizer) becomes an ExtractError naming system, dataset, window. */
function isBadBody(error: unknown): boolean {
  return (
    error instanceof BadResponseError || error instanceof NormalizeError || error instanceof TimeZoneError
  );
}

export async function guarded<T>(
  system: SystemInfo,
  dataset: string,
  window: RequestWindow,
  serial: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isBadBody(error)) throw error;
    throw new ExtractError(
      {
        systemId: system.id,
        dataset,
        window: { start: window.from, end: window.to },
        ...(serial === undefined ? {} : { serial }),
      },
      error,
    );
  }
}

/**
 * The windows of [from, to) planned at `deps.now()` under the spec's rule, each fetched by `fetchWindow` and yielded
 * once every request of it has succeeded: a failing window throws (as an ExtractError when its
 * body was bad) before anything of it is yielded, and the windows after it are not fetched.
 */
export function extractWindows(
  deps: ExtractDeps,
  spec: ExtractorSpec,
  system: SystemInfo,
  from: number,
  to: number,
  fetchWindow: (window: RequestWindow, get: LooseGet, now: number) => Promise<DataPoint[]>,
): AsyncGenerator<ExtractedWindow> {
  // A window in one piece: the same loop as a per-device window's.
  return extractWindowPieces(deps, spec, system, from, to, async function* (window, get, now) {
    yield await fetchWindow(window, get, now);
  });
}

/**
 * As extractWindows, for a window fetched in pieces (a per-device dataset: `fetchPieces` gives one
 * device's points at a time): each piece is yielded as it comes, with `more` on all but the last
 * (one piece is held back to know which is last; a window without any piece yields one empty
 * piece). A failing piece throws (an ExtractError when its body was bad) and the windows after it
 * are not fetched; the pieces before it were yielded, but the window is not loaded.
 */
export async function* extractWindowPieces(
  deps: ExtractDeps,
  spec: ExtractorSpec,
  system: SystemInfo,
  from: number,
  to: number,
  fetchPieces: (window: RequestWindow, get: LooseGet, now: number) => AsyncIterable<DataPoint[]>,
): AsyncGenerator<ExtractedWindow> {
  const { dataset } = spec;
  const now = deps.now();
  const get = looseGet(deps.client);
  for (const window of windowsFor(spec.window, system, from, to, now)) {
    const loadedUntil = Math.min(window.to, now);
    let held: DataPoint[] = [];
    let first = true;
    const pieces = fetchPieces(window, get, now)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await guarded(system, dataset, window, undefined, () => pieces.next());
        if (next.done === true) break;
        if (!first) yield { dataset, window, points: held, loadedUntil, more: true };
        held = next.value;
        first = false;
      }
    } finally {
      // Left early (the consumer stopped): no further request of this window starts.
      await pieces.return?.();
    }
    yield { dataset, window, points: held, loadedUntil };
  }
}

/** Appends `more` to `into` without spreading (a window can hold many thousand points). */
export function append(into: DataPoint[], more: readonly DataPoint[]): void {
  for (const point of more) into.push(point);
}
