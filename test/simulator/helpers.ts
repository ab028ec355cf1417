// Shared by the simulator's tests: a controllable clock and a small fetch wrapper.
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

export interface Clock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function manualClock(startMs: number): Clock {
  let t = startMs;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Api {
  sim: RunningSimulator;
  token: string;
  /** GET with the default key and bearer token; returns status and parsed JSON (or text). */
  get(
    path: string,
    init?: { key?: string | null; token?: string | null },
  ): Promise<{ status: number; body: unknown; text: string }>;
  post(path: string, body: unknown): Promise<{ status: number; body: unknown; text: string }>;
}

export async function startApi(options: SimulatorOptions = {}): Promise<Api> {
  const sim = await startSimulator(options);
  const token = sim.issueTokenPair().access_token;
  const call = async (
    method: string,
    path: string,
    key: string | null,
    bearer: string | null,
    body?: unknown,
  ) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.key = key;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left as text (fault tests read malformed bodies)
    }
    return { status: res.status, body: parsed, text };
  };
  return {
    sim,
    token,
    get: (path, init = {}) =>
      call(
        'GET',
        path,
        init.key === undefined ? 'sim-key' : init.key,
        init.token === undefined ? token : init.token,
      ),
    post: (path, body) => call('POST', path, 'sim-key', token, body),
  };
}
