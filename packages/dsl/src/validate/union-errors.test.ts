import { describe, expect, it } from 'vitest';
import { errorsOf, resolveIn } from '../test-recipes.ts';

const RECIPE = `vadc: 1
data:
  dataset: synthetic
  synthetic:
    seed: 1
stages:
  - name: teacher
    optimizer: { adamw: { lr: 1.0e-3 } }
scoring:
  smoothing: { gaussian: { range: 8, sigma: 2 } }
`;

describe('errors inside union-typed sections name the deepest key', () => {
  it.each([
    ['scoring.smoothing.gaussian.sigma=abc', { code: 'WRONG_TYPE', key: 'scoring.smoothing.gaussian.sigma', expected: 'number', found: '"abc"' }],
    ['stages.0.optimizer.adamw.lr=fast', { code: 'WRONG_TYPE', key: 'stages.0.optimizer.adamw.lr', expected: 'number', found: '"fast"' }],
    ['stages.0.optimizer.adamw.lrr=1', { code: 'UNKNOWN_KEY', key: 'stages.0.optimizer.adamw.lrr', hint: 'did you mean `lr`?' }],
    ['data.synthetic.frames=-3', { code: 'OUT_OF_RANGE', key: 'data.synthetic.frames', expected: '>= 2', found: '-3' }],
    ['stages.0.schedule.cosine.warmup_epochs=-1', { code: 'OUT_OF_RANGE', key: 'stages.0.schedule.cosine.warmup_epochs' }],
  ])('--set %s', async (override, wanted) => {
    const errors = errorsOf(await resolveIn({ 'recipes/a.yaml': RECIPE }, 'recipes/a.yaml', { overrides: [override] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: '--set', line: 1, ...wanted });
  });

  it('in the file: the line of the value, the key as written', async () => {
    const text = RECIPE.replace('seed: 1', 'seed: twelve').replace('sigma: 2', 'sigma: -2').replace('lr: 1.0e-3', 'lr: 1.0e-3, lrr: 1');
    const errors = errorsOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml'));
    expect(errors.map((error) => [error.line, error.code, error.key])).toEqual([
      [5, 'WRONG_TYPE', 'data.synthetic.seed'],
      [8, 'UNKNOWN_KEY', 'stages.0.optimizer.adamw.lrr'],
      [10, 'OUT_OF_RANGE', 'scoring.smoothing.gaussian.sigma'],
    ]);
  });

  it('a short form set on the command line switches the kind like the same text in a file', async () => {
    const { plan } = await resolveIn({ 'recipes/a.yaml': RECIPE }, 'recipes/a.yaml', { overrides: ['stages.0.optimizer.sgd.momentum=0.5', 'scoring.weights.discrepancy=0'] }).then((result) => {
      if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('\n'));
      return result;
    });
    expect(plan.stages[0]?.optimizer).toMatchObject({ kind: 'sgd', lr: 1.0e-3, momentum: 0.5 });
  });
});
