// Short forms a recipe may use for tagged objects, rewritten to the one canonical form before merging, so that
// files written either way merge and hash the same:
//   optimizer: adamw                      -> optimizer: { kind: adamw }
//   optimizer: { adamw: { lr: 1.0e-4 } }  -> optimizer: { kind: adamw, lr: 1.0e-4 }
//   smoothing: { gaussian: { range: 38, sigma: 11 } } -> smoothing: { kind: gaussian, range: 38, sigma: 11 }
import type { KeySegment } from '../key-path.ts';
import { childOf, mapNode, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { taggedKeys } from '../plan/declare.ts';
import { recipeKeys } from '../plan/recipe-keys.ts';

/** The tagged objects of the recipe (`stages.*.optimizer`, `stages.*.schedule`, `scoring.smoothing`), from their declarations. */
const TAGGED = taggedKeys(recipeKeys);

/** The canonical form of a tagged object written in a short form, or the node unchanged. */
export function expandTagged(node: RecipeNode, kinds: readonly string[]): RecipeNode {
  if (node.kind === 'scalar' && typeof node.value === 'string' && kinds.includes(node.value)) {
    const expanded = mapNode(node.origin, [['kind', { ...node, keyOrigin: node.origin }]]);
    if (node.keyOrigin !== undefined) expanded.keyOrigin = node.keyOrigin;
    return expanded;
  }
  if (node.kind !== 'map' || node.entries.size !== 1) return node;
  const [kind, fields] = [...node.entries][0]!;
  if (!kinds.includes(kind)) return node;
  if (fields.kind === 'list' || (fields.kind === 'scalar' && fields.value !== null)) return node;
  const kindOrigin = fields.keyOrigin ?? node.origin;
  const expanded = mapNode(node.origin, [['kind', { kind: 'scalar', value: kind, origin: kindOrigin, keyOrigin: kindOrigin }]]);
  if (node.keyOrigin !== undefined) expanded.keyOrigin = node.keyOrigin;
  if (fields.kind === 'map') for (const [key, child] of fields.entries) expanded.entries.set(key, { ...child, shortForm: kind });
  return expanded;
}

/** The kinds of the tagged object at `path` (`stages.0.optimizer`, `scoring.smoothing`), or undefined for other keys. */
export function taggedKindsAt(path: readonly KeySegment[]): readonly string[] | undefined {
  const matches = (pattern: string[]): boolean => pattern.length === path.length && pattern.every((segment, index) => (segment === '*' ? typeof path[index] === 'number' : segment === path[index]));
  return TAGGED.find((tagged) => matches(tagged.path))?.kinds;
}

/**
 * A canonical key path as the user wrote it: the tag of a short form put back (`stages.0.optimizer.lr` ->
 * `stages.0.optimizer.adamw.lr` when that value was written `optimizer: { adamw: { lr } }`).
 */
export function writtenPath(tree: RecipeNode, path: readonly KeySegment[]): KeySegment[] {
  const written: KeySegment[] = [];
  let node: RecipeNode | undefined = tree;
  for (const segment of path) {
    node = childOf(node, segment);
    if (node?.shortForm !== undefined) written.push(node.shortForm);
    written.push(segment);
  }
  return written;
}

/** Rewrites the short forms of every tagged object (`stages[*].optimizer`, `scoring.smoothing`, ...) in place. */
export function expandShortForms(tree: MapNode): void {
  for (const { path, kinds } of TAGGED) {
    for (const parent of nodesAt(tree, path.slice(0, -1))) {
      const child = parent.entries.get(path[path.length - 1]!);
      if (child !== undefined) parent.entries.set(path[path.length - 1]!, expandTagged(child, kinds));
    }
  }
}

/** The maps at a declared path (`*`: every item of a list). */
function nodesAt(node: RecipeNode, path: readonly string[]): MapNode[] {
  if (path.length === 0) return node.kind === 'map' ? [node] : [];
  const [segment, ...rest] = path;
  if (segment === '*') return node.kind === 'list' ? node.items.flatMap((item) => nodesAt(item, rest)) : [];
  const child = childOf(node, segment!);
  return child === undefined ? [] : nodesAt(child, rest);
}
