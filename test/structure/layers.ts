// Floors of the code base, from the bottom up: a file may import only from its own floor or below, never upwards.
// - Packages: @vadc/dsl and @vadc/metrics at the bottom (they run under Deno too and know nothing of each other),
//   @vadc/runtime above them, @vadc/cli on top.
// - Inside @vadc/dsl, the stages of the recipe pipeline (parse -> resolve -> validate) each see only the stages
//   before them and the Plan they work towards (plan/: every recipe key declared once, the Plan type, its hash), like
//   eemeli/yaml's compose/ over nodes/; only the driver (public-api.ts, and sweep.ts, which runs it per grid cell)
//   sees them all.
// - Inside @vadc/runtime, the engine at the bottom (data, the model description, scoring arithmetic, the engines that
//   train and run it), the application on top (a run folder, the detectors that score videos and streams, the
//   experiment pipeline, sweeps), the package's door (index.ts) last. docs/ARCHITECTURE.md explains each floor.

/** Packages by floor, bottom first; packages on one floor import none of each other. */
export const PACKAGE_FLOORS: ReadonlyArray<readonly string[]> = [['dsl', 'metrics'], ['runtime'], ['cli']];

/** @vadc/dsl by floor, bottom first: files (or folders, ending in '/') under packages/dsl/src. */
export const DSL_FLOORS: ReadonlyArray<readonly string[]> = [
  ['diagnostics.ts', 'format-diagnostic.ts', 'key-path.ts', 'limits.ts', 'reader.ts', 'suggest.ts'], // shared helpers
  ['plan/'], // the Plan: its keys declared once, its types, hash and rendering
  ['parse/'], // YAML text -> located node tree
  ['resolve/'], // extends, versions, --set, short forms, defaults, references
  ['validate/'], // schema, cross-field and resource checks
  ['public-api.ts', 'sweep.ts', 'index.ts'], // the driver and the package's door
];

/** @vadc/runtime by floor, bottom first: files (or folders, ending in '/') under packages/runtime/src. */
export const RUNTIME_FLOORS: ReadonlyArray<readonly string[]> = [
  ['random.ts', 'scratch.ts', 'run-io.ts'], // shared helpers: seeded numbers, scratch buffers, the errors and output sinks
  ['integrity/'], // sealed files, atomic-write errors, orphan temporaries
  ['data/'], // datasets, readers, formats, the data pipeline, synthetic data
  ['model/'], // the model described once (ops, blocks, masking, patches, test-time masks) and its TF.js interpreter
  ['engine/'], // the seam: what training and scoring need from an engine (types only)
  ['score/'], // frame scores from an Engine's outputs, their evaluation (metrics.json)
  ['report/'], // report.html from ReportData: pure rendering
  ['backend/'], // TF.js backends (wasm, native, cpu), threads, host values
  ['train/'], // losses, the micro-batch step loop, optimizers, the driver (handed an Engine)
  ['onnx/'], // the ONNX engine: export, scoring and training graphs on onnxruntime, int8
  ['import/'], // official checkpoints read without Python
  ['run-folder/'], // a run on disk: run.json (one writer), leases, checkpoints' paths, logs, components.bin
  ['engines/'], // the engines by name: choosing one, creating the command's one Engine, resolving --engine
  ['bench/'], // timing of training and scoring steps (vadc bench, the training estimate)
  ['detect/'], // detectors from a run or a model package: scoring of videos and live streams, calibration, events
  ['experiment/'], // the experiment: train -> validate -> select -> calibrate -> score -> evaluate -> report
  ['sweep/'], // grids of experiments
  ['index.ts'], // the package's door
];

const DSL_SOURCE = 'packages/dsl/src/';
const RUNTIME_SOURCE = 'packages/runtime/src/';

/** The floors of the packages whose folders are layered, by source prefix. */
const FOLDER_FLOORS: ReadonlyArray<{ source: string; name: string; floors: ReadonlyArray<readonly string[]>; list: string }> = [
  { source: DSL_SOURCE, name: '@vadc/dsl', floors: DSL_FLOORS, list: 'DSL_FLOORS' },
  { source: RUNTIME_SOURCE, name: '@vadc/runtime', floors: RUNTIME_FLOORS, list: 'RUNTIME_FLOORS' },
];

/** The package a source file belongs to (`packages/runtime/src/x.ts` -> `runtime`). */
const packageOf = (file: string): string => file.split('/')[1] ?? '';

const floorIn = (floors: ReadonlyArray<readonly string[]>, matches: (entry: string) => boolean): number => floors.findIndex((floor) => floor.some(matches));

function folderFloor(floors: ReadonlyArray<readonly string[]>, source: string, file: string): number {
  const inner = file.slice(source.length);
  return floorIn(floors, (entry) => (entry.endsWith('/') ? inner.startsWith(entry) : inner === entry));
}

/**
 * Every import that goes up a floor or sideways between packages, as `from -> to (why)`, and every @vadc/dsl or
 * @vadc/runtime file that is on no floor. `files` are relative imports (file -> files), `packages` imports by package name (file -> names).
 * Test helpers (`test-*.ts`, not built) may import anything.
 */
export function floorViolations(files: Map<string, string[]>, packages: Map<string, string[]>): string[] {
  const violations: string[] = [];
  const packageFloor = (name: string): number => floorIn(PACKAGE_FLOORS, (entry) => entry === name);
  const checkPackage = (file: string, target: string, shown: string): void => {
    const from = packageOf(file);
    if (target === from) return;
    const [own, other] = [packageFloor(from), packageFloor(target)];
    if (own === -1 || other === -1) violations.push(`${file} -> ${shown} (package ${own === -1 ? from : target} is on no floor: add it to PACKAGE_FLOORS)`);
    else if (other >= own) violations.push(`${file} -> ${shown} (@vadc/${from} may not import @vadc/${target})`);
  };
  for (const [file, names] of packages) for (const name of names) checkPackage(file, name, `@vadc/${name}`);
  for (const [file, targets] of files) {
    for (const target of targets) checkPackage(file, packageOf(target), target);
    const layered = FOLDER_FLOORS.find((entry) => file.startsWith(entry.source));
    if (layered === undefined || /(^|\/)test-[^/]*\.ts$/.test(file)) continue;
    const { source, name, floors, list } = layered;
    const own = folderFloor(floors, source, file);
    if (own === -1) {
      violations.push(`${file} is on no floor of ${name}: add it to ${list}`);
      continue;
    }
    for (const target of targets) {
      if (!target.startsWith(source)) continue;
      const other = folderFloor(floors, source, target);
      if (other > own) violations.push(`${file} -> ${target} (imports upwards: ${floors[own]!.join(' ')} is below ${floors[other]?.join(' ') ?? 'no floor'})`);
    }
  }
  return violations;
}
