// No module of src/ imports itself back at run time. The registry is the reason to check: the
// descriptors import the extractors and normalizers, and the registry, the normalizer table and
// the schema are built from the descriptors, so a module below them that imports one of those
// (or an index that does) closes a loop. In ES modules a loop can leave a class undefined while
// another extends it (config.ts's ConfigError and the Enphase errors did), so it fails only for
// some entry points. Type-only imports are erased and do not count.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function isTypeOnly(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (clause === undefined) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return (
      clause.name === undefined &&
      bindings !== undefined &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every((element) => element.isTypeOnly)
    );
  }
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    return (
      statement.isTypeOnly ||
      (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly))
    );
  }
  return false;
}

/** Each module's runtime imports of other modules of src/. */
function runtimeGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    const imports: string[] = [];
    for (const statement of source.statements) {
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      if (isTypeOnly(statement)) continue;
      imports.push(resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts')));
    }
    graph.set(file, imports);
  }
  return graph;
}

/** The first loop found by depth-first search, as a list of modules; none: []. */
function findLoop(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (module: string): string[] => {
    state.set(module, 'open');
    stack.push(module);
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const loop = visit(next);
        if (loop.length > 0) return loop;
      }
    }
    stack.pop();
    state.set(module, 'done');
    return [];
  };
  for (const module of graph.keys()) {
    if (state.get(module) !== undefined) continue;
    const loop = visit(module);
    if (loop.length > 0) return loop;
  }
  return [];
}

it('src/ has no runtime import cycle', () => {
  const graph = runtimeGraph();
  expect(graph.size).toBeGreaterThan(100);
  expect(findLoop(graph).map((module) => relative(SRC, module))).toEqual([]);
});
