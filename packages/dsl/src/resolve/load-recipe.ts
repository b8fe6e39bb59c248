// Stage: read a recipe and everything it `extends`, each file parsed, version-checked, upgraded and put in canonical
// form, then merged: parents left to right, the naming file on top. `extends` may only reach files inside the
// project root or a root the caller names, or a file of an installed npm package (which may not leave its package),
// because recipes travel between teams.
import { errorAt, type Diagnostic, type SourcePosition } from '../diagnostics.ts';
import { dirnamePath, isInsidePath, joinPath, relativePath, type RecipeReader } from '../reader.ts';
import { parseRecipeText } from '../parse/parse-yaml.ts';
import { mapNode, mergeNodes, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { positionOf } from './positions.ts';
import { packageSpec, resolvePackageTarget } from './package-target.ts';
import { expandShortForms } from './short-forms.ts';
import { upgradeTree } from './upgrade.ts';

/** What loading needs: the reader and the folders `extends` may reach. */
export interface LoadContext {
  reader: RecipeReader;
  /** Absolute folders `extends` targets must lie in (the project root first). */
  roots: readonly string[];
  diagnostics: Diagnostic[];
  /** Every file read, in order (for watch modes and run records). */
  files: string[];
  /** The npm package whose folder is the only root, when loading a package's recipe. */
  packageName?: string;
}

/**
 * The project root of a recipe: the nearest folder, from the recipe's own upwards, that holds a `recipes/` folder or
 * a `.git`; the recipe's folder when there is none.
 */
export async function findProjectRoot(recipePath: string, reader: RecipeReader): Promise<string> {
  const start = dirnamePath(recipePath);
  let folder = start;
  for (;;) {
    if ((await reader.exists(joinPath(folder, '.git'))) || (await reader.exists(joinPath(folder, 'recipes')))) return folder;
    const parent = dirnamePath(folder);
    if (parent === folder) return start;
    folder = parent;
  }
}

/**
 * Loads `file` and its `extends` chain into one merged tree. `chain` holds the files naming this one (cycle check);
 * `namedAt` is where the naming file's `extends` mentions it. Returns undefined when the file cannot be used.
 */
export async function loadRecipe(file: string, context: LoadContext, chain: string[] = [], namedAt?: SourcePosition): Promise<MapNode | undefined> {
  let text: string;
  try {
    text = await context.reader.readFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.diagnostics.push(errorAt(namedAt ?? { file, line: 1, column: 1 }, namedAt ? 'EXTENDS_NOT_FOUND' : 'FILE_NOT_FOUND', namedAt ? 'extends' : '', `cannot read ${file}: ${reason}`));
    return undefined;
  }
  context.files.push(file);
  const parsed = parseRecipeText(text, file);
  context.diagnostics.push(...parsed.diagnostics);
  if (parsed.tree === undefined) return undefined;
  if (parsed.tree.kind !== 'map') {
    context.diagnostics.push(errorAt(positionOf(parsed.tree, file), 'WRONG_TYPE', '', 'a recipe must be a map of keys', { expected: 'a map', found: `a ${parsed.tree.kind}` }));
    return undefined;
  }
  const tree = parsed.tree;
  const versionDiagnostics = upgradeTree(tree, file);
  context.diagnostics.push(...versionDiagnostics);
  if (versionDiagnostics.some((diagnostic) => diagnostic.severity === 'error')) return undefined;
  expandShortForms(tree);

  const extendsNode = tree.entries.get('extends');
  tree.entries.delete('extends');
  let merged: RecipeNode = mapNode(tree.origin);
  for (const target of extendsTargets(extendsNode, file, context)) {
    const located = await locateTarget(target.value, file, context);
    if ('code' in located) {
      context.diagnostics.push(errorAt(target.position, located.code, 'extends', located.message, located.hint === undefined ? {} : { hint: located.hint }));
      continue;
    }
    const { path, targetContext } = located;
    const problem = await checkTarget(path, file, [...chain, file], targetContext);
    if (problem !== undefined) {
      context.diagnostics.push(errorAt(target.position, problem.code, 'extends', problem.message, problem.hint === undefined ? {} : { hint: problem.hint }));
      continue;
    }
    const parent = await loadRecipe(path, targetContext, [...chain, file], target.position);
    if (parent !== undefined) merged = mergeNodes(merged, parent);
  }
  return mergeNodes(merged, tree) as MapNode;
}

type TargetProblem = { code: Diagnostic['code']; message: string; hint?: string };

/**
 * The file an `extends` value names and the context to load it in: a path relative to the naming file (same roots),
 * or a file of an installed package (its package folder the only root: a published recipe may not leave it).
 */
async function locateTarget(value: string, file: string, context: LoadContext): Promise<{ path: string; targetContext: LoadContext } | TargetProblem> {
  const relative = joinPath(dirnamePath(file), value);
  const spec = packageSpec(value);
  // `base/x.yaml` beside the recipe stays a relative path, as before packages could be named.
  if (spec === undefined || (!value.startsWith('@') && (await context.reader.exists(relative)))) return { path: relative, targetContext: context };
  const target = await resolvePackageTarget(spec, file, context.reader);
  if (!target.ok) return { code: target.reason === 'outside-package' ? 'EXTENDS_OUTSIDE_ROOT' : 'EXTENDS_NOT_FOUND', message: target.message, hint: target.hint };
  return { path: target.path, targetContext: { ...context, roots: [target.packageFolder], packageName: spec.name } };
}

function extendsTargets(node: RecipeNode | undefined, file: string, context: LoadContext): Array<{ value: string; position: SourcePosition }> {
  if (node === undefined) return [];
  const items = node.kind === 'list' ? node.items : [node];
  const targets: Array<{ value: string; position: SourcePosition }> = [];
  for (const item of items) {
    if (item.kind === 'scalar' && typeof item.value === 'string' && item.value.length > 0) targets.push({ value: item.value, position: positionOf(item, file) });
    else context.diagnostics.push(errorAt(positionOf(item, file), 'EXTENDS_INVALID', 'extends', '`extends` takes a file path or a list of file paths', { expected: 'a string or a list of strings' }));
  }
  return targets;
}

async function checkTarget(path: string, namingFile: string, chain: string[], context: LoadContext): Promise<{ code: Diagnostic['code']; message: string; hint?: string } | undefined> {
  const projectRoot = context.roots[0] ?? dirnamePath(namingFile);
  if (!context.roots.some((root) => isInsidePath(path, root))) {
    if (context.packageName !== undefined) {
      return { code: 'EXTENDS_OUTSIDE_ROOT', message: `\`extends\` reaches ${path}, outside the package ${context.packageName} (${projectRoot})`, hint: 'a recipe of a package may only name files inside that package' };
    }
    return {
      code: 'EXTENDS_OUTSIDE_ROOT',
      message: `\`extends\` reaches ${path}, outside the project root ${projectRoot}`,
      hint: `recipes may only extend files inside their project; to allow this folder pass --root ${dirnamePath(path)}`,
    };
  }
  if (chain.includes(path)) {
    const shown = [...chain.slice(chain.indexOf(path)), path].map((entry) => relativePath(projectRoot, entry));
    return { code: 'EXTENDS_CYCLE', message: `\`extends\` forms a cycle: ${shown.join(' -> ')}` };
  }
  if (!(await context.reader.exists(path))) return { code: 'EXTENDS_NOT_FOUND', message: `\`extends\` names ${path}, which does not exist`, hint: 'paths are relative to the file that names them' };
  // A link inside the project may point outside it: confinement holds for where the file really is.
  const realPath = context.reader.realPath?.bind(context.reader);
  if (realPath !== undefined) {
    const real = await realPath(path).catch(() => path);
    const realRoots = await Promise.all(context.roots.map((root) => realPath(root).catch(() => root)));
    if (!realRoots.some((root) => isInsidePath(real, root))) {
      return {
        code: 'EXTENDS_OUTSIDE_ROOT',
        message: `\`extends\` names ${path}, a link to ${real}, outside the project root ${projectRoot}`,
        hint: `recipes may only extend files inside their project; to allow this folder pass --root ${dirnamePath(real)}`,
      };
    }
  }
  return undefined;
}
