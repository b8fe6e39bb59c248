// Stage: lay the user's merged tree over the built-in defaults. Defaults that depend on other values are chosen here:
// stage defaults by the stage's kind (inferred from its name `teacher` / `student` when not written), the synthetic
// benchmark's options only for `dataset: synthetic`, Gaussian smoothing parameters only for `kind: gaussian`.
import type { Diagnostic } from '../diagnostics.ts';
import { basenamePath } from '../reader.ts';
import { childOf, cloneNode, mergeNodes, nodeFromValue, type MapNode, type RecipeNode } from '../parse/recipe-node.ts';
import { STAGE_KINDS } from '../plan/recipe-keys.ts';
import { calibrationDefaults, defaultStages, gaussianSmoothingDefaults, sectionDefaults, stageDefaults, syntheticDataDefaults, validationDefaults } from './defaults.ts';
import { positionOf } from './positions.ts';

/** The user's tree completed with defaults (origin 'default'); stages whose kind cannot be inferred get none. */
export function applyDefaults(user: MapNode, topFile: string): { tree: RecipeNode; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const scalarAt = (...path: string[]): unknown => {
    let node: RecipeNode | undefined = user;
    for (const segment of path) node = childOf(node, segment);
    return node?.kind === 'scalar' ? node.value : undefined;
  };
  const defaults = structuredClone({ ...sectionDefaults, name: basenamePath(topFile).replace(/\.ya?ml$/, '') }) as unknown as Record<string, unknown> & { data: Record<string, unknown>; scoring: Record<string, unknown> };
  // Also under options written for another dataset, so the one error is "only with dataset: synthetic".
  const writesSynthetic = childOf(childOf(user, 'data'), 'synthetic')?.kind === 'map';
  defaults.data.synthetic = scalarAt('data', 'dataset') === 'synthetic' || writesSynthetic ? structuredClone(syntheticDataDefaults) : null;
  // A written `validation:` section (even `validation: {}`) gets every default; none written stays null.
  if (user.entries.get('validation')?.kind === 'map') defaults.validation = structuredClone(validationDefaults);
  defaults.scoring.smoothing = scalarAt('scoring', 'smoothing', 'kind') === 'none' ? { kind: 'none' } : { ...gaussianSmoothingDefaults };
  defaults.scoring.calibration = childOf(childOf(user, 'scoring'), 'calibration')?.kind === 'map' ? { ...calibrationDefaults } : null;

  const userStages = user.entries.get('stages');
  const stageItems: unknown[] = [];
  if (userStages?.kind === 'list') {
    userStages.items.forEach((item, index) => {
      if (item.kind !== 'map') {
        stageItems.push({});
        return;
      }
      const kind = stageKind(item);
      // A stage without a kind gets no defaults; the schema check reports the missing kind (and a misspelt name).
      if (kind === undefined) {
        stageItems.push({});
        return;
      }
      stageItems.push(stageDefaults[kind]);
    });
  }
  defaults.stages = userStages === undefined ? defaultStages : stageItems;

  const defaultTree = nodeFromValue(defaults, 'default');
  return { tree: mergeWithStages(defaultTree, user), diagnostics };
}

function stageKind(stage: MapNode): 'teacher' | 'student' | undefined {
  const written = childOf(stage, 'kind');
  const name = childOf(stage, 'name');
  const candidate = written?.kind === 'scalar' ? written.value : name?.kind === 'scalar' ? name.value : undefined;
  return candidate === 'teacher' || candidate === 'student' ? candidate : undefined;
}

/** Like mergeNodes, but the user's stage list is merged item by item over the per-kind stage defaults. */
function mergeWithStages(defaults: RecipeNode, user: MapNode): RecipeNode {
  const merged = mergeNodes(defaults, user);
  const userStages = user.entries.get('stages');
  const defaultStagesNode = childOf(defaults, 'stages');
  if (merged.kind === 'map' && userStages?.kind === 'list' && defaultStagesNode?.kind === 'list') {
    const items = userStages.items.map((item, index) => {
      const base = defaultStagesNode.items[index];
      return base === undefined ? cloneNode(item) : mergeNodes(base, item);
    });
    merged.entries.set('stages', { ...userStages, items });
  }
  return merged;
}
