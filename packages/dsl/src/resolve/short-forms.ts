// Short forms a recipe may use for tagged objects, rewritten to the one canonical form before merging, so that
// files written either way merge and hash the same:
//   optimizer: adamw                      -> optimizer: { kind: adamw }
//   optimizer: { adamw: { lr: 1.0e-4 } }  -> optimizer: { kind: adamw, lr: 1.0e-4 }
//   smoothing: { gaussian: { range: 38, sigma: 11 } } -> smoothing: { kind: gaussian, range: 38, sigma: 11 }
import { childOf, mapNode, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { OPTIMIZER_KINDS, SCHEDULE_KINDS, SMOOTHING_KINDS } from '../validate/schema.ts';

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
  if (fields.kind === 'map') for (const [key, child] of fields.entries) expanded.entries.set(key, child);
  return expanded;
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
