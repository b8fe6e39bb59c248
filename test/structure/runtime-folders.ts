// No two folders of @vadc/runtime import each other, even through others (issue 25: the train <-> onnx and
// backend <-> onnx loops). The floors themselves (which folder may import which) are RUNTIME_FLOORS in layers.ts.
import { importCycles } from './import-graph.ts';

const RUNTIME_SOURCE = 'packages/runtime/src/';

/** The loops between runtime folders (`onnx -> train -> onnx`), from the file graph: folder A imports B and B, perhaps through others, A. */
export function runtimeFolderLoops(files: Map<string, string[]>): string[] {
  const folderOf = (file: string): string | null => {
    const inner = file.startsWith(RUNTIME_SOURCE) ? file.slice(RUNTIME_SOURCE.length) : null;
    return inner !== null && inner.includes('/') ? inner.split('/')[0]! : null;
  };
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    if (from === null) continue;
    const edges = folders.get(from) ?? new Set<string>();
    folders.set(from, edges);
    for (const target of targets) {
      const to = folderOf(target);
      if (to !== null && to !== from) edges.add(to);
    }
  }
  const graph = new Map([...folders].map(([folder, edges]) => [folder, [...edges].sort()]));
  return importCycles(graph).map((cycle) => cycle.join(' -> '));
}
