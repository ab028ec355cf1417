// Which operation of the spec a request goes to: the routing the simulator's contract test uses.
import { listOperations, type SpecOperation } from './load.js';

export interface RouteMatch {
  template: string;
  operationId: string;
  params: Record<string, string>;
}

let routeTable: CompiledRoute[] | undefined;

interface CompiledRoute extends SpecOperation {
  regex: RegExp;
  paramNames: string[];
  literalSegments: number;
}

function compileRoutes(): CompiledRoute[] {
  return listOperations().map((op) => {
    const paramNames: string[] = [];
    let literalSegments = 0;
    const pattern = op.template
      .split('/')
      .map((seg) => {
        const m = /^\{(.+)\}$/.exec(seg);
        if (m) {
          paramNames.push(m[1]!);
          return '([^/]+)';
        }
        if (seg !== '') literalSegments += 1;
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { ...op, regex: new RegExp(`^${pattern}/?$`), paramNames, literalSegments };
  });
}

/**
 * The spec operation a request goes to. Where several templates match (`/systems/event_types`
 * also matches `/systems/{system_id}`), the one with more literal segments wins, as in every
 * router that follows OpenAPI's "concrete paths before templated ones" rule.
 */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  routeTable ??= compileRoutes();
  const path = pathname.split('?')[0] ?? '';
  const upper = method.toUpperCase();
  let best: { route: CompiledRoute; values: string[] } | undefined;
  for (const route of routeTable) {
    if (route.method !== upper) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    if (!best || route.literalSegments > best.route.literalSegments) {
      best = { route, values: m.slice(1) };
    }
  }
  if (!best) return undefined;
  const params: Record<string, string> = {};
  best.route.paramNames.forEach((name, i) => {
    params[name] = decodeURIComponent(best.values[i] ?? '');
  });
  return { template: best.route.template, operationId: best.route.operationId, params };
}
