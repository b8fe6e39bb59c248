import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

const base = `vadc: 1\nmodel:\n  patch: 8\n  encoder: { dim: 64, heads: 4 }\ndata:\n  dataset: synthetic\n  size: [64, 96]\n`;

describe('extends', () => {
  it('merges maps deeply, the extending file on top; lists are replaced', async () => {
    const files = {
      'recipes/base/b.yaml': `${base}eval: { metrics: [micro_auc, rbdc] }\n`,
      'recipes/a.yaml': 'vadc: 1\nextends: ./base/b.yaml\nmodel:\n  encoder: { dim: 32 }\neval: { metrics: [macro_auc] }\n',
    };
    const { plan, origins } = planOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(plan.model.encoder).toMatchObject({ dim: 32, heads: 4, depth: 3 });
    expect(plan.model.patch).toBe(8);
    expect(plan.eval.metrics).toEqual(['macro_auc']);
    expect(origins['model.encoder.dim']).toEqual({ file: '/project/recipes/a.yaml', line: 4, column: 19 });
    expect(origins['model.encoder.heads']).toEqual({ file: '/project/recipes/base/b.yaml', line: 4, column: 30 });
    expect(origins['model.encoder.depth']).toBe('default');
  });

  it('applies a list of files left to right', async () => {
    const files = {
      'recipes/one.yaml': 'vadc: 1\nruntime: { seed: 1, backend: cpu }\n',
      'recipes/two.yaml': 'vadc: 1\nruntime: { seed: 2 }\n',
      'recipes/a.yaml': `${SMALL}extends: [one.yaml, two.yaml]\n`,
    };
    const { plan } = planOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(plan.runtime).toMatchObject({ seed: 2, backend: 'cpu' });
  });

  it('an error in an extended file points at that file and line', async () => {
    const files = { 'recipes/base.yaml': 'vadc: 1\nmodel:\n  patch: big\n', 'recipes/a.yaml': `${SMALL}extends: base.yaml\n` };
    const [error] = errorsOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'WRONG_TYPE', file: '/project/recipes/base.yaml', line: 3, column: 10, key: 'model.patch' });
  });

  it('a missing file is an error at the extends line', async () => {
    const [error] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}extends: ./nope.yaml\n` }, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'EXTENDS_NOT_FOUND', file: '/project/recipes/a.yaml', line: 4, column: 10, key: 'extends' });
  });

  it('a cycle is an error that prints the chain', async () => {
    const files = { 'recipes/a.yaml': `${SMALL}extends: b.yaml\n`, 'recipes/b.yaml': 'vadc: 1\nextends: c.yaml\n', 'recipes/c.yaml': 'vadc: 1\nextends: [a.yaml]\n' };
    const [error] = errorsOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'EXTENDS_CYCLE', file: '/project/recipes/c.yaml', line: 2, column: 11 });
    expect(error!.message).toContain('recipes/a.yaml -> recipes/b.yaml -> recipes/c.yaml -> recipes/a.yaml');
  });

  it('refuses files outside the project root unless the caller names their folder', async () => {
    const files = { '/elsewhere/shared.yaml': 'vadc: 1\nruntime: { seed: 9 }\n', 'recipes/a.yaml': `${SMALL}extends: /elsewhere/shared.yaml\n` };
    const [error] = errorsOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'EXTENDS_OUTSIDE_ROOT', line: 4, key: 'extends' });
    expect(error!.hint).toContain('--root /elsewhere');
    const allowed = planOf(await resolveIn(files, 'recipes/a.yaml', { roots: ['/elsewhere'] }));
    expect(allowed.plan.runtime.seed).toBe(9);
    const escape = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}extends: ../../etc/x.yaml\n` }, 'recipes/a.yaml'));
    expect(escape[0]).toMatchObject({ code: 'EXTENDS_OUTSIDE_ROOT' });
  });

  it('`extends` must be a path or a list of paths', async () => {
    const [error] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}extends: { file: b.yaml }\n` }, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'EXTENDS_INVALID', line: 4 });
  });

  it('a missing top recipe is FILE_NOT_FOUND', async () => {
    expect(errorsOf(await resolveIn({}, 'recipes/none.yaml'))[0]).toMatchObject({ code: 'FILE_NOT_FOUND', file: '/project/recipes/none.yaml' });
  });
});
