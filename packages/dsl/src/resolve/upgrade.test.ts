import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn } from '../test-recipes.ts';

describe('recipe versions', () => {
  it('upgrades a version 0 draft, with a warning per renamed key', async () => {
    const text = 'vadc: 0\ndata: { dataset: synthetic }\nscoring:\n  alpha: 1\n  beta: 0\n  gamma: 0.25\nmasking: { mask_ratio: 0.75 }\n';
    const result = planOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml'));
    expect(result.plan.vadc).toBe(1);
    expect(result.plan.scoring.weights).toEqual({ teacher: 1, discrepancy: 0, anomaly_map: 0.25, classifier: 0 });
    expect(result.plan.masking.ratio).toBe(0.75);
    expect(result.warnings.filter((warning) => warning.code === 'UPGRADED')).toHaveLength(4);
    expect(result.origins['scoring.weights.teacher']).toEqual({ file: '/project/recipes/a.yaml', line: 4, column: 10 });
  });

  it('the same recipe written as version 1 gives the same hash', async () => {
    const draft = planOf(await resolveIn({ 'recipes/a.yaml': 'vadc: 0\ndata: { dataset: synthetic }\nscoring: { alpha: 1 }\n' }, 'recipes/a.yaml'));
    const current = planOf(await resolveIn({ 'recipes/a.yaml': 'vadc: 1\ndata: { dataset: synthetic }\nscoring: { weights: { teacher: 1 } }\n' }, 'recipes/a.yaml'));
    expect(draft.hash).toBe(current.hash);
  });

  it('refuses a future version with a message, and a non-number', async () => {
    const [future] = errorsOf(await resolveIn({ 'recipes/a.yaml': 'vadc: 2\n' }, 'recipes/a.yaml'));
    expect(future).toMatchObject({ code: 'VERSION_UNSUPPORTED', line: 1, column: 7, key: 'vadc' });
    expect(future!.hint).toContain('update vadc');
    expect(errorsOf(await resolveIn({ 'recipes/a.yaml': 'vadc: one\n' }, 'recipes/a.yaml'))[0]).toMatchObject({ code: 'VERSION_INVALID' });
  });

  it('a file without a version is read as the current one, with a warning', async () => {
    const result = planOf(await resolveIn({ 'recipes/a.yaml': 'data: { dataset: synthetic }\n' }, 'recipes/a.yaml'));
    expect(result.warnings[0]).toMatchObject({ code: 'VERSION_MISSING', severity: 'warning' });
  });
});
