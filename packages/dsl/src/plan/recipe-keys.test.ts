import { describe, expect, it } from 'vitest';
import { planOf, resolveIn, SMALL } from '../test-recipes.ts';
import { defaultOf, fieldDefaults, taggedKeys } from './declare.ts';
import { declaredSections, MODEL_PARTS, recipeKeys } from './recipe-keys.ts';
import type { ModelPart, Plan, ScoringPlan, StagePlan } from './types.ts';

/** True when A and B are the same type (checked by the type-check, `npm run typecheck`). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

describe('the key declarations', () => {
  it('give the Plan type: recipe-only keys left out, keys added later optional, unions by kind', () => {
    const types: true[] = [
      true as Equal<Plan['vadc'], 1>,
      true as Equal<'train_engine' extends keyof Plan['runtime'] ? 'in' : 'out', 'out'>,
      true as Equal<'extends' extends keyof Plan ? 'in' : 'out', 'out'>,
      true as Equal<Pick<ScoringPlan, 'calibration'>, { calibration?: { target: 'false_alarms_per_hour' | 'false_alarms_per_frame' | 'percentile'; value: number; fps: number } | null }>,
      true as Equal<ScoringPlan['smoothing'], { kind: 'none' } | { kind: 'gaussian'; range: number; sigma: number }>,
      true as Equal<StagePlan['freeze'], ModelPart[]>,
      true as Equal<ModelPart, (typeof MODEL_PARTS)[number]>,
      true as Equal<Plan['runtime']['threads'], number | 'auto'>,
      true as Equal<Plan['data']['size'], [number, number]>,
    ];
    expect(types.every(Boolean)).toBe(true);
  });

  it('list the keys of a resolved Plan, in order, its defaults and where the tagged objects (with short forms) are', async () => {
    const { plan } = planOf(await resolveIn({ 'recipes/a.yaml': SMALL }, 'recipes/a.yaml'));
    const planKeys = Object.entries(recipeKeys.fields ?? {}).filter(([, key]) => !key.recipeOnly).map(([name]) => name);
    expect(Object.keys(plan)).toEqual(planKeys);
    expect(plan.masking).toEqual(defaultOf(recipeKeys.fields!.masking!));
    expect(taggedKeys(recipeKeys).map(({ path, kinds }) => `${path.join('.')}: ${kinds.join(' ')}`)).toEqual([
      'stages.*.optimizer: adamw adam sgd', 'stages.*.schedule: constant cosine step', 'scoring.smoothing: none gaussian',
    ]);
    expect(fieldDefaults(declaredSections.stage.fields, 'student')).toMatchObject({ kind: 'student', loss: 'distillation', freeze: ['encoder', 'decoder', 'anomaly_head'] });
  });
});
