// Floors of the code base, from the bottom up: a file may import only from its own floor or below, never upwards.
// - Packages: @vadc/dsl and @vadc/metrics at the bottom (they run under Deno too and know nothing of each other),
//   @vadc/runtime above them, @vadc/cli on top.
// - Inside @vadc/dsl, the stages of the recipe pipeline (parse -> resolve -> validate) each see only the stages
//   before them and the Plan they work towards (plan/: every recipe key declared once, the Plan type, its hash), like
//   eemeli/yaml's compose/ over nodes/; only the driver (public-api.ts, and sweep.ts, which runs it per grid cell)
//   sees them all.

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

const DSL_SOURCE = 'packages/dsl/src/';

/** The package a source file belongs to (`packages/runtime/src/x.ts` -> `runtime`). */
const packageOf = (file: string): string => file.split('/')[1] ?? '';

const floorIn = (floors: ReadonlyArray<readonly string[]>, matches: (entry: string) => boolean): number => floors.findIndex((floor) => floor.some(matches));

function dslFloor(file: string): number {
  const inner = file.slice(DSL_SOURCE.length);
  return floorIn(DSL_FLOORS, (entry) => (entry.endsWith('/') ? inner.startsWith(entry) : inner === entry));
}

/**
 * Every import that goes up a floor or sideways between packages, as `from -> to (why)`, and every @vadc/dsl file that
 * is on no floor. `files` are relative imports (file -> files), `packages` imports by package name (file -> names).
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
    if (!file.startsWith(DSL_SOURCE) || /(^|\/)test-[^/]*\.ts$/.test(file)) continue;
    const own = dslFloor(file);
    if (own === -1) {
      violations.push(`${file} is on no floor of @vadc/dsl: add it to DSL_FLOORS`);
      continue;
    }
    for (const target of targets) {
      if (!target.startsWith(DSL_SOURCE)) continue;
      const other = dslFloor(target);
      if (other > own) violations.push(`${file} -> ${target} (imports upwards: ${DSL_FLOORS[own]!.join(' ')} is below ${DSL_FLOORS[other]?.join(' ') ?? 'no floor'})`);
    }
  }
  return violations;
}
