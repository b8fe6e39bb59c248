// The driver: the whole pipeline, file to Plan: load (+ extends, versions, short forms) -> --set -> defaults ->
// references -> schema -> cross-field checks -> absolute paths -> Plan, hash and origins. Every stage adds
// diagnostics instead of throwing; a stage runs only when the ones before it left no errors that would make its
// findings noise. Only this file (and sweep.ts, which runs it per grid cell) sees every stage: the stage folders
// import downwards only (plan <- parse <- resolve <- validate; test/structure/layers.test.ts), like eemeli/yaml's
// public-api.ts over compose/ and parse/.
import { SET_FILE, type Diagnostic, type SourcePosition } from './diagnostics.ts';
import { formatKey, type KeySegment } from './key-path.ts';
import { dirnamePath, joinPath, normalizePath, type RecipeReader } from './reader.ts';
import { planHash } from './plan/hash.ts';
import { orderBySchema } from './plan/order-keys.ts';
import type { Plan } from './plan/types.ts';
import { nodeAt, valueOfNode, walkNodes, type RecipeNode } from './parse/recipe-node.ts';
import { applyDefaults } from './resolve/apply-defaults.ts';
import { interpolateTree } from './resolve/interpolate.ts';
import { findProjectRoot, loadRecipe } from './resolve/load-recipe.ts';
import { applyOverrides, parseOverrides, type Override } from './resolve/overrides.ts';
import { expandShortForms } from './resolve/short-forms.ts';
import { renameKeyAliases } from './resolve/upgrade.ts';
import { checkCrossFields } from './validate/check-cross-fields.ts';
import { checkResources } from './validate/check-resources.ts';
import { checkSchema } from './validate/check-schema.ts';
import { planJsonSchema } from './validate/schema.ts';

/** Options of resolveRecipe. */
export interface ResolveOptions {
  reader: RecipeReader;
  /** `--set` arguments: `a.b=value` (a YAML value) or `~a.b` (delete). */
  overrides?: readonly string[];
  /** Environment variable names recipes may read besides VADC_*. */
  allowEnv?: readonly string[];
  /** The environment `${env:NAME}` reads (the dsl never reads process.env itself). */
  env?: Record<string, string | undefined>;
  /** Extra folders `extends` may reach besides the recipe's project root. */
  roots?: readonly string[];
  /** Folder that relative paths given with --set are resolved against (default: the recipe's folder). */
  cwd?: string;
  /**
   * What an unset `${env:NAME}` is: 'error' (default; the commands that need the value) or 'warning' (`vadc
   * validate`: the recipe is checked, the value stays `${env:NAME}` and is not checked further).
   */
  unsetEnv?: 'error' | 'warning';
  /** Bytes of memory of the machine that will run the Plan (the CLI: its memory or container limit); sizes are checked against it. */
  memoryBytes?: number;
}

/** Where a resolved value came from: a file position, a built-in default, or the command line. */
export type ValueOrigin = SourcePosition | 'default' | '--set';

/** Origins of every list and single value of a Plan, by dotted key (`model.patch`, `data.size`, `data.size.0`). */
export type PlanOrigins = Record<string, ValueOrigin>;

/** The outcome of resolving a recipe. */
export type ResolveResult =
  | { ok: true; plan: Plan; hash: string; origins: PlanOrigins; warnings: Diagnostic[]; files: string[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[]; files: string[] };

/** Keys whose values are paths: relative ones are resolved against the folder of the file that wrote them. */
const PATH_KEYS: KeySegment[][] = [['data', 'root'], ['data', 'cache_dir'], ['data', 'splits', 'train'], ['data', 'splits', 'validation'], ['data', 'splits', 'test'], ['synthetic_anomalies', 'options', 'folder']];

/** Resolves the recipe at `path` (absolute, '/'-separated) into a validated Plan, or all the errors found. */
export async function resolveRecipe(path: string, options: ResolveOptions): Promise<ResolveResult> {
  const parsed = parseOverrides(options.overrides ?? []);
  if (parsed.diagnostics.length > 0) return failure(parsed.diagnostics, []);
  return resolveWithOverrides(normalizePath(path), options, parsed.overrides);
}

/** resolveRecipe with overrides already parsed (sweeps add theirs this way). */
export async function resolveWithOverrides(path: string, options: ResolveOptions, overrides: readonly Override[]): Promise<ResolveResult> {
  const projectRoot = await findProjectRoot(path, options.reader);
  const context = { reader: options.reader, roots: [projectRoot, ...(options.roots ?? []).map(normalizePath)], diagnostics: [] as Diagnostic[], files: [] as string[] };
  const loaded = await loadRecipe(path, context);
  if (loaded === undefined || hasErrors(context.diagnostics)) return failure(context.diagnostics, context.files);
  const diagnostics = context.diagnostics;

  const materialise = (at: KeySegment[]): RecipeNode | undefined => nodeAt(applyDefaults(loaded, path).tree, at);
  diagnostics.push(...applyOverrides(loaded, overrides, materialise));
  diagnostics.push(...renameKeyAliases(loaded, path));
  expandShortForms(loaded);
  const completed = applyDefaults(loaded, path);
  diagnostics.push(...completed.diagnostics);
  if (hasErrors(diagnostics)) return failure(diagnostics, context.files);
  const tree = completed.tree;
  const unresolved = new Set<string>();
  diagnostics.push(...interpolateTree(tree, { env: options.env ?? {}, allowEnv: options.allowEnv ?? [], fallbackFile: path, unsetEnv: options.unsetEnv ?? 'error', unresolved }));
  // Unknown keys do not depend on values, so they are reported beside missing or unreadable ones.
  if (hasErrors(diagnostics)) return failure([...diagnostics, ...unknownKeys(tree, path)], context.files);

  resolvePaths(tree, options.cwd ?? dirnamePath(path));
  const value = orderBySchema(valueOfNode(tree), planJsonSchema);
  // Values left as `${env:NAME}` (validate with the variable unset) are not checked further.
  const checked = (found: Diagnostic[]): Diagnostic[] => found.filter((diagnostic) => !unresolved.has(diagnostic.key));
  diagnostics.push(...checked(checkSchema(value, tree, path)));
  if (hasErrors(diagnostics)) return failure(diagnostics, context.files);
  const plan = value as Plan;
  diagnostics.push(...checked(checkCrossFields(plan, tree, path)));
  if (hasErrors(diagnostics)) return failure(diagnostics, context.files);
  diagnostics.push(...checkResources(plan, tree, path, options.memoryBytes ?? null));
  if (hasErrors(diagnostics)) return failure(diagnostics, context.files);
  return { ok: true, plan, hash: await planHash(plan), origins: originsOf(tree), warnings: diagnostics, files: context.files };
}

function unknownKeys(tree: RecipeNode, path: string): Diagnostic[] {
  return checkSchema(orderBySchema(valueOfNode(tree), planJsonSchema), tree, path).filter((diagnostic) => diagnostic.code === 'UNKNOWN_KEY');
}

function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

function failure(diagnostics: Diagnostic[], files: string[]): ResolveResult {
  const byPlace = (left: Diagnostic, right: Diagnostic): number =>
    (left.file < right.file ? -1 : left.file > right.file ? 1 : 0) || left.line - right.line || left.column - right.column;
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').sort(byPlace);
  return { ok: false, errors, warnings: diagnostics.filter((diagnostic) => diagnostic.severity === 'warning'), files };
}

/** Makes path values absolute: relative to the writing file's folder, or to `cwd` for --set values. */
function resolvePaths(tree: RecipeNode, cwd: string): void {
  for (const path of PATH_KEYS) {
    const node = nodeAt(tree, path);
    if (node?.kind !== 'scalar' || typeof node.value !== 'string' || node.value === '' || node.value.startsWith('/') || node.value.includes('${') || node.origin === 'default') continue;
    const base = node.origin.file === SET_FILE ? cwd : dirnamePath(node.origin.file);
    node.value = joinPath(base, node.value);
  }
}

function originsOf(tree: RecipeNode): PlanOrigins {
  const origins: PlanOrigins = {};
  walkNodes(tree, (node, path) => {
    if (node.kind === 'map' && path.length > 0 && node.entries.size > 0) return;
    if (path.length === 0) return;
    const origin = node.origin;
    origins[formatKey(path)] = origin === 'default' ? 'default' : origin.file === SET_FILE ? '--set' : origin;
  });
  return origins;
}

