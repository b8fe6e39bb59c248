// Short forms a recipe may use for tagged objects, rewritten to the one canonical form before merging, so that
// files written either way merge and hash the same:
//   optimizer: adamw                      -> optimizer: { kind: adamw }
//   optimizer: { adamw: { lr: 1.0e-4 } }  -> optimizer: { kind: adamw, lr: 1.0e-4 }
//   smoothing: { gaussian: { range: 38, sigma: 11 } } -> smoothing: { kind: gaussian, range: 38, sigma: 11 }
import type { KeySegment } from '../key-path.ts';
import { childOf, mapNode, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { OPTIMIZER_KINDS, SCHEDULE_KINDS, SMOOTHING_KINDS } from '../plan/recipe-keys.ts';

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
  if (path.length === 2 && path[0] === 'scoring' && path[1] === 'smoothing') return SMOOTHING_KINDS;
  if (path.length === 3 && path[0] === 'stages') return path[2] === 'optimizer' ? OPTIMIZER_KINDS : path[2] === 'schedule' ? SCHEDULE_KINDS : undefined;
  return undefined;
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

/** Rewrites the short forms of `stages[*].optimizer`, `stages[*].schedule` and `scoring.smoothing` in place. */
export function expandShortForms(tree: MapNode): void {
  const stages = tree.entries.get('stages');
  if (stages?.kind === 'list') {
    for (const stage of stages.items) {
      if (stage.kind !== 'map') continue;
      replaceChild(stage, 'optimizer', OPTIMIZER_KINDS);
      replaceChild(stage, 'schedule', SCHEDULE_KINDS);
    }
  }
  const scoring = childOf(tree, 'scoring');
  if (scoring?.kind === 'map') replaceChild(scoring, 'smoothing', SMOOTHING_KINDS);
}

function replaceChild(parent: MapNode, key: string, kinds: readonly string[]): void {
  const child = parent.entries.get(key);
  if (child !== undefined) parent.entries.set(key, expandTagged(child, kinds));
}
