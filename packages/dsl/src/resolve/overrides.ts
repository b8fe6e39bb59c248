// `--set key=value` and `--set ~key`: command-line edits applied to the merged recipe before defaults, so they are
// validated like anything written in a file. Values are YAML (`--set data.size=[64,96]`, `--set runtime.seed=3`).
// A list on the way that the recipes do not write (e.g. `stages` left to the defaults) is first copied from the
// defaults, so `--set stages.0.epochs=2` works on a short recipe too.
import { errorAt, SET_FILE, type Diagnostic, type SourcePosition } from '../diagnostics.ts';
import { formatKey, parseKey, type KeySegment } from '../key-path.ts';
import { parseRecipeText } from '../parse/parse-yaml.ts';
import { taggedKindsAt } from './short-forms.ts';
import { childOf, cloneNode, mapNode, nodeFromValue, valueOfNode, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';

/** One parsed override: set a value (a located node) or delete a key. */
export type Override =
  | { action: 'set'; path: KeySegment[]; value: RecipeNode; position: SourcePosition }
  | { action: 'delete'; path: KeySegment[]; position: SourcePosition };

/** Parses `--set` arguments; the n-th argument's values are located at file `--set`, line n. */
export function parseOverrides(texts: readonly string[]): { overrides: Override[]; diagnostics: Diagnostic[] } {
  const overrides: Override[] = [];
  const diagnostics: Diagnostic[] = [];
  texts.forEach((text, index) => {
    const line = index + 1;
    if (text.startsWith('~')) {
      const path = parseKey(text.slice(1));
      if (path === undefined) diagnostics.push(errorAt({ file: SET_FILE, line, column: 2 }, 'SET_SYNTAX', text.slice(1), `\`--set ${text}\`: expected ~a.b.c`));
      else overrides.push({ action: 'delete', path, position: { file: SET_FILE, line, column: 1 } });
      return;
    }
    const equals = text.indexOf('=');
    const path = equals > 0 ? parseKey(text.slice(0, equals).trim()) : undefined;
    if (path === undefined) {
      diagnostics.push(errorAt({ file: SET_FILE, line, column: 1 }, 'SET_SYNTAX', '', `\`--set ${text}\`: expected key=value or ~key`, { hint: 'e.g. --set model.patch=8 or --set ~sweep' }));
      return;
    }
    const position = { file: SET_FILE, line, column: equals + 2 };
    const parsed = parseRecipeText(text.slice(equals + 1), SET_FILE);
    if (parsed.tree === undefined) {
      const first = parsed.diagnostics[0];
      diagnostics.push(errorAt(position, 'SET_SYNTAX', formatKey(path), `\`--set ${text}\`: the value is not valid YAML${first ? ` (${first.message})` : ''}`, { hint: 'quote it' }));
      return;
    }
    overrides.push({ action: 'set', path, value: nodeFromValue(valueOfNode(parsed.tree), position), position });
  });
  return { overrides, diagnostics };
}

/**
 * Applies overrides to `tree` in place. `materialise(path)` gives the defaults' node at a path (for lists the recipes
 * leave to defaults). Returns diagnostics for paths that cannot be followed.
 */
export function applyOverrides(tree: MapNode, overrides: readonly Override[], materialise: (path: KeySegment[]) => RecipeNode | undefined): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const override of overrides.flatMap(canonicalOverrides)) {
    const problem = applyOne(tree, override, materialise);
    if (problem !== undefined) diagnostics.push(errorAt(override.position, 'SET_PATH', formatKey(override.path), problem));
  }
  return diagnostics;
}

/**
 * An override written through a short form (`stages.0.optimizer.adamw.lr=3e-4`, `scoring.smoothing.gaussian.sigma=4`)
 * as the canonical edits it stands for: the tag becomes `kind`, the fields move up one level and remember the tag, so
 * errors name the key as written.
 */
function canonicalOverrides(override: Override): Override[] {
  const { path } = override;
  const siteLength = path[0] === 'scoring' ? 2 : 3;
  const kinds = taggedKindsAt(path.slice(0, siteLength));
  const tag = path[siteLength];
  if (kinds === undefined || typeof tag !== 'string' || !kinds.includes(tag)) return [override];
  const site = path.slice(0, siteLength);
  const rest = path.slice(siteLength + 1);
  if (override.action === 'delete') return [{ ...override, path: rest.length === 0 ? site : [...site, ...rest] }];
  const kind: Override = { action: 'set', path: [...site, 'kind'], value: { kind: 'scalar', value: tag, origin: override.position }, position: override.position };
  if (rest.length > 0) return [kind, { ...override, path: [...site, ...rest], value: { ...override.value, shortForm: tag } }];
  const fields = override.value.kind === 'map' ? [...override.value.entries] : [];
  return [kind, ...fields.map(([key, value]): Override => ({ ...override, path: [...site, key], value: { ...value, shortForm: tag } }))];
}

function applyOne(tree: MapNode, override: Override, materialise: (path: KeySegment[]) => RecipeNode | undefined): string | undefined {
  let parent: RecipeNode = tree;
  const { path } = override;
  for (let depth = 0; depth < path.length - 1; depth += 1) {
    const segment = path[depth]!;
    let next = stepInto(parent, segment);
    if (next === undefined) {
      if (parent.kind !== 'map') return `cannot follow \`${formatKey(path.slice(0, depth + 1))}\``;
      const fromDefaults = materialise(path.slice(0, depth + 1));
      next = fromDefaults !== undefined && fromDefaults.kind === 'list' ? cloneNode(fromDefaults) : mapNode(override.position);
      if (override.action === 'delete' && fromDefaults?.kind !== 'list') return undefined; // nothing there to delete
      parent.entries.set(String(segment), { ...next, keyOrigin: override.position });
      next = parent.entries.get(String(segment))!;
    }
    if (next.kind === 'scalar') return `\`${formatKey(path.slice(0, depth + 1))}\` is a single value, not a map or list`;
    parent = next;
  }
  const last = path[path.length - 1]!;
  if (parent.kind === 'list') {
    const index = listIndex(parent, last);
    if (index === undefined || index > parent.items.length || (override.action === 'delete' && index === parent.items.length)) {
      return `\`${formatKey(path)}\`: no such item (the list has ${parent.items.length})`;
    }
    if (override.action === 'delete') parent.items.splice(index, 1);
    else parent.items[index] = override.value;
    return undefined;
  }
  if (parent.kind !== 'map') return `cannot follow \`${formatKey(path)}\``;
  if (override.action === 'delete') parent.entries.delete(String(last));
  else parent.entries.set(String(last), { ...override.value, keyOrigin: override.position });
  return undefined;
}

/** A list item by index, or a stage-like item by its `name` (`stages.teacher.epochs`). */
function listIndex(list: RecipeNode & { kind: 'list' }, segment: KeySegment): number | undefined {
  if (typeof segment === 'number') return segment;
  const index = list.items.findIndex((item) => {
    const name = childOf(item, 'name');
    return name?.kind === 'scalar' && name.value === segment;
  });
  return index < 0 ? undefined : index;
}

function stepInto(node: RecipeNode, segment: KeySegment): RecipeNode | undefined {
  if (node.kind === 'list') {
    const index = listIndex(node, segment);
    return index === undefined ? undefined : node.items[index];
  }
  return childOf(node, segment);
}
