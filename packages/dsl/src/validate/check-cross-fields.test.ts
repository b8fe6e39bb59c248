import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from '../test-recipes.ts';

const check = async (text: string, overrides: string[] = []) => errorsOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml', { overrides }));

describe('cross-field checks', () => {
  it('runtime.engine takes auto, tfjs or onnx; workers with the onnx engine get a warning at the key', async () => {
    const [bad] = await check(`${SMALL}runtime: { engine: torch }\n`);
    expect(bad).toMatchObject({ key: 'runtime.engine', line: 4 });
    const resolved = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { engine: onnx, workers: 2 }\n` }, 'recipes/a.yaml'));
    expect(resolved.plan.runtime.engine).toBe('onnx');
    expect(resolved.warnings.find((warning) => warning.key === 'runtime.workers')).toMatchObject({ severity: 'warning', line: 4, hint: 'drop runtime.workers' });
  });

  it('the synthetic benchmark cannot have more abnormal-throughout and brief videos than test videos', async () => {
    const [bad] = await check(`${SMALL}  synthetic: { test_videos: 3, abnormal_throughout: 2, brief: 2 }\n`);
    expect(bad).toMatchObject({ key: 'data.synthetic.brief', line: 4 });
    expect(bad!.message).toContain('more than the 3 test videos');
    const fits = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}  synthetic: { test_videos: 4, abnormal_throughout: 2, brief: 2, scenes: 3 }\n` }, 'recipes/a.yaml'));
    expect(fits.plan.data.synthetic).toMatchObject({ abnormal_throughout: 2, brief: 2, scenes: 3 });
  });

  it('runtime.train_engine is still read as runtime.engine, with a warning at it that names the new key', async () => {
    const resolved = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { train_engine: onnx }\n` }, 'recipes/a.yaml'));
    expect(resolved.plan.runtime).toMatchObject({ engine: 'onnx' });
    expect('train_engine' in resolved.plan.runtime).toBe(false);
    const warning = resolved.warnings.find((found) => found.key === 'runtime.train_engine');
    expect(warning).toMatchObject({ severity: 'warning', code: 'UPGRADED', line: 4 });
    expect(warning?.message).toContain('`runtime.engine`');
    const [bad] = await check(`${SMALL}runtime: { train_engine: torch }\n`);
    expect(bad).toMatchObject({ key: 'runtime.engine', line: 4 });
    // --set wins over the file either way: the alias set over a file's new key, the new key set over a file's alias.
    const setAlias = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { engine: onnx }\n` }, 'recipes/a.yaml', { overrides: ['runtime.train_engine=tfjs'] }));
    expect(setAlias.plan.runtime.engine).toBe('tfjs');
    const setNew = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}runtime: { train_engine: onnx }\n` }, 'recipes/a.yaml', { overrides: ['runtime.engine=tfjs'] }));
    expect(setNew.plan.runtime.engine).toBe('tfjs');
  });

  it('the patch must divide the frame size', async () => {
    const [error] = await check(`${SMALL}  size: [64, 100]\nmodel: { patch: 16 }\n`);
    expect(error).toMatchObject({ code: 'CROSS_FIELD', line: 5, column: 17, key: 'model.patch' });
  });

  it('heads divide dims; context holds 0; the student branch leaves the decoder early enough', async () => {
    const errors = await check(`${SMALL}  context: [-3, 3]\nmodel:\n  encoder: { dim: 30, heads: 4 }\n  student: { after_block: 3 }\n`);
    expect(errors.map((error) => [error.key, error.line])).toEqual([['data.context', 4], ['model.encoder.heads', 6], ['model.student.after_block', 7]]);
  });

  it('a real dataset needs a root; synthetic options need the synthetic dataset', async () => {
    const errors = await check('vadc: 1\ndata:\n  dataset: avenue\n  synthetic: { frames: 10 }\n');
    expect(errors.map((error) => error.key)).toEqual(['data.root', 'data.synthetic']);
    expect(errors[1]).toMatchObject({ line: 4, column: 14 });
  });

  it('frozen parts must exist and losses fit the stage kind', async () => {
    const errors = await check(`${SMALL}model: { outputs: { classifier: false } }\nstages:\n  - { name: teacher, loss: distillation }\n  - { name: student, freeze: [encoder, classifier] }\n`);
    expect(errors.map((error) => [error.key, error.line])).toEqual([['stages.0.loss', 6], ['stages.1.freeze.1', 7]]);
  });

  it('scoring weights may not all be 0, and weighted terms need their model parts', async () => {
    const zero = await check(`${SMALL}scoring: { weights: { teacher: 0, discrepancy: 0, anomaly_map: 0 } }\n`);
    expect(zero[0]).toMatchObject({ key: 'scoring.weights', line: 4 });
    const noStudent = await check(`${SMALL}stages: [{ name: teacher }]\n`);
    expect(noStudent[0]).toMatchObject({ key: 'scoring.weights.discrepancy' });
    const classifier = await check(`${SMALL}scoring: { weights: { classifier: 1 } }\n`);
    expect(classifier[0]).toMatchObject({ key: 'scoring.weights.classifier', line: 4 });
  });

  it('the smoothing range must be even (range - 1 taps) and at least 2', async () => {
    const [odd] = await check(`${SMALL}scoring: { smoothing: { kind: gaussian, range: 37, sigma: 11 } }\n`);
    expect(odd).toMatchObject({ code: 'CROSS_FIELD', key: 'scoring.smoothing.range', line: 4, column: 48, hint: 'use 38' });
    const [small] = await check(`${SMALL}scoring: { smoothing: { kind: gaussian, range: 0, sigma: 11 } }\n`);
    expect(small).toMatchObject({ code: 'OUT_OF_RANGE', key: 'scoring.smoothing.range' });
  });

  it('top_patches may not exceed the patches of a frame', async () => {
    const [error] = await check(`${SMALL}  size: [64, 48]\nmodel: { patch: 16 }\nscoring: { top_patches: 13 }\n`);
    expect(error).toMatchObject({ code: 'CROSS_FIELD', key: 'scoring.top_patches', line: 6, column: 25, expected: 'at most 12' });
    expect((await resolveIn({ 'recipes/a.yaml': `${SMALL}  size: [64, 48]\nmodel: { patch: 16 }\nscoring: { top_patches: 12 }\n` }, 'recipes/a.yaml')).ok).toBe(true);
    const [zero] = await check(`${SMALL}scoring: { top_patches: 0 }\n`);
    expect(zero).toMatchObject({ key: 'scoring.top_patches' });
  });

  it('sweep keys must name values of the Plan', async () => {
    const [error] = await check(`${SMALL}sweep:\n  grid:\n    model.encoder.blok: [cvt-mlp]\n`);
    expect(error).toMatchObject({ code: 'SWEEP_KEY', key: 'sweep.grid.model.encoder.blok', line: 6, column: 5 });
    planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}sweep: { grid: { stages.teacher.epochs: [1, 2] } }\n` }, 'recipes/a.yaml'));
  });

  it('a micro-batch larger than its batch is an error', async () => {
    const [error] = await check(SMALL, ['stages.0.micro_batch=200']);
    expect(error).toMatchObject({ key: 'stages.0.micro_batch', file: '--set' });
  });
});
