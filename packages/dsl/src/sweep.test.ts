import { describe, expect, it } from 'vitest';
import { projectReader, SMALL } from './test-recipes.ts';
import { expandSweep } from './sweep.ts';

const reader = (text: string) => projectReader({ 'recipes/s.yaml': text });

describe('expandSweep', () => {
  it('gives every combination, last key fastest, each validated with its own hash', async () => {
    const text = `${SMALL}sweep:\n  grid:\n    model.encoder.block: [cvt-pointwise, cvt-mlp]\n    scoring.weights.teacher: [0.5, 1]\n`;
    const result = await expandSweep('/project/recipes/s.yaml', { reader: reader(text) });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.runs.map((run) => run.values)).toEqual([
      { 'model.encoder.block': 'cvt-pointwise', 'scoring.weights.teacher': 0.5 },
      { 'model.encoder.block': 'cvt-pointwise', 'scoring.weights.teacher': 1 },
      { 'model.encoder.block': 'cvt-mlp', 'scoring.weights.teacher': 0.5 },
      { 'model.encoder.block': 'cvt-mlp', 'scoring.weights.teacher': 1 },
    ]);
    expect(result.runs[3]!.plan.model.encoder.block).toBe('cvt-mlp');
    expect(result.runs[3]!.plan.sweep).toBeNull();
    expect(result.runs[3]!.overrides).toEqual(['model.encoder.block="cvt-mlp"', 'scoring.weights.teacher=1']);
    expect(new Set(result.runs.map((run) => run.hash)).size).toBe(4);
    expect(result.scoringOnlyKeys).toEqual(['scoring.weights.teacher']);
    expect(result.trainingKeys).toEqual(['model.encoder.block']);
    // Runs differing only in a scoring weight share one trained model.
    expect(result.runs[0]!.trainingHash).toBe(result.runs[1]!.trainingHash);
    expect(result.runs[0]!.trainingHash).not.toBe(result.runs[2]!.trainingHash);
    expect(result.runs[0]!.origins['model.encoder.block']).toEqual({ file: '/project/recipes/s.yaml', line: 6, column: 27 });
  });

  it('a combination that breaks a rule fails, naming the combination', async () => {
    const text = `${SMALL}sweep: { grid: { model.patch: [16, 7] } }\n`;
    const result = await expandSweep('/project/recipes/s.yaml', { reader: reader(text) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: 'CROSS_FIELD', key: 'model.patch' });
    expect(result.errors[0]!.message).toContain('model.patch=7');
  });

  it('an error at a grid value names the key as the grid writes it, a stage by its name included', async () => {
    const text = `${SMALL}sweep:\n  grid:\n    stages.teacher.epochs: [1, twelve]\n    stages.1.optimizer: [{ adamw: { lr: fast } }]\n`;
    const lines = text.split('\n');
    const result = await expandSweep('/project/recipes/s.yaml', { reader: reader(text) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const at = (key: string) => result.errors.filter((error) => error.key === key).map((error) => lines[error.line - 1]);
    expect(at('stages.teacher.epochs')).toEqual(['    stages.teacher.epochs: [1, twelve]']);
    // Inside a map value the deeper segments are kept after the written key.
    expect(at('stages.1.optimizer.adamw.lr')).toEqual(['    stages.1.optimizer: [{ adamw: { lr: fast } }]']);
    expect(result.errors.some((error) => error.key === 'stages.0.epochs')).toBe(false);
  });

  it('a recipe without a sweep is one run', async () => {
    const result = await expandSweep('/project/recipes/s.yaml', { reader: reader(SMALL) });
    expect(result.ok && result.runs.length).toBe(1);
  });
});
