// What Grafana does with a rule's answers, for the subset the provisioned rules use: the
// server-side expressions reduce (last, sum), math and threshold; and the dashboards' relative
// ranges. Substitution itself is src/grafana/substitute.ts.
import { substitute as substituteQuery, type TimeRange } from '../../src/grafana/substitute.js';
import type { InfluxSeries } from '../support/services.js';

const DAY_MS = 86_400_000;

export type Range = TimeRange;

/** A dashboard's or panel's relative range (`now-2d`, `2d`, `now/M`, `now/y`) at `nowMs`, in UTC. */
export function rangeOf(spec: string, nowMs: number): Range {
  const now = new Date(nowMs);
  if (spec === 'now/M') return { fromMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), toMs: nowMs };
  if (spec === 'now/y') return { fromMs: Date.UTC(now.getUTCFullYear(), 0, 1), toMs: nowMs };
  const match = /^(?:now-)?(\d+)([hd])$/.exec(spec);
  if (!match) throw new Error(`range ${spec} is not handled here`);
  const amount = Number(match[1]) * (match[2] === 'd' ? DAY_MS : 3_600_000);
  return { fromMs: nowMs - amount, toMs: nowMs };
}

/** The query as Grafana sends it (src/grafana/substitute.ts). */
export function substitute(
  query: string,
  range: Range,
  variables: Record<string, string> = {},
  form: 'dashboard' | 'alert' = 'dashboard',
): string {
  return substituteQuery(query, range, variables, { form });
}

// --- server-side expressions ------------------------------------------------------------------

export interface Value {
  labels: Record<string, string>;
  value: number;
}

const key = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

/** One number per series: InfluxDB's series → Grafana's reduce (`last` or `sum`, nulls dropped). */
export function reduce(series: readonly InfluxSeries[], reducer: 'last' | 'sum'): Value[] {
  return series.map((s) => {
    const column = s.columns.findIndex((c) => c !== 'time');
    const numbers = s.values.map((row) => row[column]).filter((v): v is number => typeof v === 'number');
    const value =
      numbers.length === 0
        ? NaN
        : reducer === 'last'
          ? numbers[numbers.length - 1]!
          : numbers.reduce((a, b) => a + b, 0);
    const labels = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
    return { labels, value };
  });
}

type Token = { kind: 'num'; value: number } | { kind: 'var'; name: string } | { kind: 'op'; op: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|\$(\w+)|(&&|\|\||<=|>=|==|!=|[-+*/()<>]))/y;
  let match: RegExpExecArray | null;
  while (re.lastIndex < expression.trimEnd().length && (match = re.exec(expression))) {
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'var', name: match[2] });
    else tokens.push({ kind: 'op', op: match[3]! });
  }
  if (re.lastIndex < expression.trimEnd().length) throw new Error(`cannot parse math ${expression}`);
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
};

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 && !Number.isNaN(a) && !Number.isNaN(b) ? 1 : 0;
    case '||':
      return (a !== 0 && !Number.isNaN(a)) || (b !== 0 && !Number.isNaN(b)) ? 1 : 0;
  }
  throw new Error(`operator ${op}`);
}

/** Evaluates a math expression for one binding of its variables (precedence climbing). */
function evaluate(tokens: readonly Token[], vars: Record<string, number>): number {
  let at = 0;
  const primary = (): number => {
    const token = tokens[at++];
    if (!token) throw new Error('math: unexpected end');
    if (token.kind === 'num') return token.value;
    if (token.kind === 'var') return vars[token.name]!;
    if (token.op === '(') {
      const value = binary(0);
      at++; // ')'
      return value;
    }
    if (token.op === '-') return -primary();
    throw new Error(`math: unexpected ${token.op}`);
  };
  const binary = (min: number): number => {
    let left = primary();
    for (;;) {
      const token = tokens[at];
      if (!token || token.kind !== 'op') return left;
      const precedence = PRECEDENCE[token.op];
      if (precedence === undefined || precedence < min) return left;
      at++;
      left = apply(token.op, left, binary(precedence + 1));
    }
  };
  return binary(1);
}

const compatible = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).every((k) => !(k in b) || b[k] === a[k]);

/**
 * Grafana's math over reduced values: the variables' values are joined on their labels (a value
 * whose labels are a subset of another's joins it; a value without labels joins every one), and
 * the expression is evaluated for each joined set.
 */
export function math(expression: string, inputs: Record<string, readonly Value[]>): Value[] {
  const tokens = tokenize(expression);
  const names = [...new Set(tokens.filter((t) => t.kind === 'var').map((t) => (t as { name: string }).name))];
  let joined: Array<{ labels: Record<string, string>; vars: Record<string, number> }> = [
    { labels: {}, vars: {} },
  ];
  for (const name of names) {
    const values = inputs[name];
    if (!values) throw new Error(`math: no input ${name}`);
    const next: typeof joined = [];
    for (const partial of joined)
      for (const v of values)
        if (compatible(partial.labels, v.labels))
          next.push({
            labels: { ...partial.labels, ...v.labels },
            vars: { ...partial.vars, [name]: v.value },
          });
    joined = next;
  }
  const seen = new Map<string, Value>();
  for (const j of joined) seen.set(key(j.labels), { labels: j.labels, value: evaluate(tokens, j.vars) });
  return [...seen.values()];
}

export { key as labelKey };
