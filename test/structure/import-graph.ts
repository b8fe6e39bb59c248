// The import graphs of the packages' source files (packages/*/src, non-test .ts): relative imports between files (and
// their cycles), and imports of the workspace's packages by name (`@vadc/dsl`). Type-only imports count: a type
// owned by one file and imported back by its helper is the knot the cycle check exists to catch.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every `import ... from`, `export ... from`, bare `import '...'` and `import('...')` specifier of a file. */
const SPECIFIER = /(?:\bimport|\bexport)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function packageSourceFiles(root: string): string[] {
  const packages = readdirSync(join(root, 'packages'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return packages.flatMap((entry) => {
    try {
      return sourceFiles(join(root, 'packages', entry.name, 'src'));
    } catch {
      return [];
    }
  });
}

/** The import specifiers of a source file. */
function specifiersOf(file: string): string[] {
  // Comments are dropped first so that an example in a doc comment is not an import.
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...text.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** Source file (relative to `root`) -> the workspace packages it imports by name (`@vadc/dsl` -> `dsl`). */
export function packageImportGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of packageSourceFiles(root)) {
    const names = specifiersOf(file).flatMap((specifier) => /^@vadc\/([^/]+)/.exec(specifier)?.[1] ?? []);
    graph.set(relative(root, file), [...new Set(names)].sort());
  }
  return graph;
}

/** Source file (relative to `root`) -> the source files it imports relatively. */
export function importGraph(root: string): Map<string, string[]> {
  const files = packageSourceFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const specifier of specifiersOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      const candidates = [target, `${target}.ts`, join(target, 'index.ts')];
      const found = candidates.find((candidate) => known.has(candidate));
      if (found) targets.add(relative(root, found));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** The cycles of `graph`, each as the files around it (first file repeated at the end), one per strongly connected knot. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
