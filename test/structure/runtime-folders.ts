// Floors of @vadc/runtime's model, engine, training and scoring code, from the bottom up (issue 25 point 3): the model
// description, the seam every engine and driver shares (engine/: the Engine interface, types only), the engines
// (TF.js backends and training pieces, onnx/), the engines by name (engines/), then the drivers that are handed an
// Engine. A file may import only from its own floor or below. An entry is a folder (ending in '/') or a file under
// packages/runtime/src; a file is on the floor of its most specific entry. train/ holds the pieces the ONNX engine
// builds on (losses, the micro-batch step loop, optimizers) and the training driver (train-stage.ts), which is handed
// an Engine and so needs nothing above train/. Folders on no floor (data/, integrity/, import/, ...) are not
// constrained by the floors; the folder-loop check covers every runtime folder.
import { importCycles } from './import-graph.ts';

/** @vadc/runtime's engine floors, bottom first. */
export const RUNTIME_FLOORS: ReadonlyArray<readonly string[]> = [
  ['model/'], // the model described once (ops.ts) with its TF.js interpreter; patches, masks, test-time masks
  ['engine/'], // the seam: what training and scoring need from an engine (types only)
  ['backend/'], // TF.js backends (wasm, native, cpu), threads, host values
  ['train/'], // training: losses, the micro-batch step loop and its TF.js step, optimizers, the driver (train-stage.ts)
  ['onnx/'], // the ONNX engine: export, scoring and training graphs on onnxruntime
  ['engines/'], // the engines by name: choosing one (choose-engine.ts) and creating the command's one Engine
  ['score/'], // scoring, handed an Engine's BatchInference
];

const RUNTIME_SOURCE = 'packages/runtime/src/';

/** The floor of a runtime source file (its most specific entry), or -1 when it is on none. */
export function runtimeFloor(file: string): number {
  if (!file.startsWith(RUNTIME_SOURCE)) return -1;
  const inner = file.slice(RUNTIME_SOURCE.length);
  let best = -1;
  let bestLength = -1;
  RUNTIME_FLOORS.forEach((floor, index) => {
    for (const entry of floor) {
      const matches = entry.endsWith('/') ? inner.startsWith(entry) : inner === entry;
      if (matches && entry.length > bestLength) {
        best = index;
        bestLength = entry.length;
      }
    }
  });
  return best;
}

/** Every import between runtime files on floors that goes up a floor, as `from -> to (why)`. */
export function runtimeFloorViolations(files: Map<string, string[]>): string[] {
  const violations: string[] = [];
  for (const [file, targets] of files) {
    const own = runtimeFloor(file);
    if (own === -1 || /(^|\/)test-[^/]*\.ts$/.test(file)) continue;
    for (const target of targets) {
      const other = runtimeFloor(target);
      if (other > own) violations.push(`${file} -> ${target} (imports upwards: ${RUNTIME_FLOORS[own]!.join(' ')} is below ${RUNTIME_FLOORS[other]!.join(' ')})`);
    }
  }
  return violations;
}

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
