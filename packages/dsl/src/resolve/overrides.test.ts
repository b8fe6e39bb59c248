import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

const files = { 'recipes/a.yaml': `${SMALL}model: { patch: 8 }\nsweep: { grid: { runtime.seed: [1, 2] } }\n` };

describe('--set', () => {
  it('sets values parsed as YAML and records them as --set', async () => {
    const { plan, origins } = planOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['model.patch=16', 'data.size=[64, 128]', 'name=run one', 'runtime.threads=auto'] }));
    expect(plan.model.patch).toBe(16);
    expect(plan.data.size).toEqual([64, 128]);
    expect(plan.name).toBe('run one');
    expect(plan.runtime.threads).toBe('auto');
    expect(origins['model.patch']).toBe('--set');
    expect(origins['data.size.1']).toBe('--set');
  });

  it('reaches into default stages by index or by name', async () => {
    const { plan, origins } = planOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['stages.0.epochs=3', 'stages.student.batch=7', 'stages[1].optimizer={adam: {lr: 0.01}}'] }));
    expect(plan.stages.map((stage) => [stage.name, stage.epochs, stage.batch])).toEqual([['teacher', 3, 100], ['student', 100, 7]]);
    expect(plan.stages[1]!.optimizer).toEqual({ kind: 'adam', lr: 0.01, weight_decay: 0.05, betas: [0.9, 0.95], momentum: 0 });
    expect(origins['stages.0.epochs']).toBe('--set');
    expect(origins['stages.0.batch']).toBe('default');
  });

  it('deletes with ~key: the value falls back to its default', async () => {
    const { plan } = planOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['~sweep', '~model.patch', '~stages.1', 'scoring.weights.discrepancy=0'] }));
    expect(plan.sweep).toBeNull();
    expect(plan.model.patch).toBe(16);
    expect(plan.stages.map((stage) => stage.name)).toEqual(['teacher']);
  });

  it('re-validates: a bad value is an error located at the --set argument', async () => {
    const errors = errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['runtime.seed=1', 'model.patch=seven'] }));
    expect(errors).toEqual([expect.objectContaining({ code: 'WRONG_TYPE', file: '--set', line: 2, column: 13, key: 'model.patch' })]);
    const unknown = errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['model.pach=8'] }));
    expect(unknown[0]).toMatchObject({ code: 'UNKNOWN_KEY', file: '--set', key: 'model.pach', hint: 'did you mean `patch`?' });
  });

  it('reports malformed arguments and impossible paths', async () => {
    expect(errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['model.patch'] }))[0]).toMatchObject({ code: 'SET_SYNTAX', line: 1 });
    expect(errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['a..b=1'] }))[0]).toMatchObject({ code: 'SET_SYNTAX' });
    expect(errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['model.patch.x=1'] }))[0]).toMatchObject({ code: 'SET_PATH', key: 'model.patch.x' });
    expect(errorsOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['stages.5.epochs=1'] }))[0]).toMatchObject({ code: 'SET_PATH' });
  });
});
