import { describe, expect, it } from 'vitest';
import { errorsOf, planOf, resolveIn, SMALL } from './test-recipes.ts';
import { stageDefaults } from './resolve/defaults.ts';

describe('resolveRecipe', () => {
  it('completes a short recipe with the paper defaults, keys in Plan order', async () => {
    const { plan, origins } = planOf(await resolveIn({ 'recipes/tiny.yaml': SMALL }, 'recipes/tiny.yaml'));
    expect(Object.keys(plan)).toEqual(['vadc', 'name', 'data', 'model', 'masking', 'loss', 'synthetic_anomalies', 'stages', 'scoring', 'eval', 'runtime', 'sweep', 'validation']);
    expect(plan.name).toBe('tiny');
    expect(plan.model.encoder).toEqual({ dim: 256, depth: 3, heads: 4, mlp_ratio: 2, block: 'cvt-pointwise', qkv: 'dwconv-bn' });
    expect(plan.stages.map((stage) => [stage.name, stage.kind, stage.epochs, stage.loss])).toEqual([['teacher', 'teacher', 100, 'reconstruction'], ['student', 'student', 100, 'distillation']]);
    expect(plan.scoring.smoothing).toEqual({ kind: 'gaussian', range: 38, sigma: 11 });
    expect(plan.data.synthetic?.train_videos).toBe(8);
    expect(origins['data.dataset']).toEqual({ file: '/project/recipes/tiny.yaml', line: 3, column: 12 });
    expect(origins['model.patch']).toBe('default');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('infers a stage kind from its name and fills that kind defaults', async () => {
    const text = `${SMALL}stages:\n  - { name: teacher, epochs: 2 }\n  - { name: student, freeze: [encoder, decoder], loss: distillation }\n`;
    const { plan } = planOf(await resolveIn({ 'recipes/a.yaml': text }, 'recipes/a.yaml'));
    expect(plan.stages[0]).toEqual({ name: 'teacher', ...stageDefaults.teacher, epochs: 2 });
    expect(plan.stages[1]).toMatchObject({ kind: 'student', freeze: ['encoder', 'decoder'], epochs: 100 });
  });

  it('a stage with another name needs an explicit kind', async () => {
    const [error] = errorsOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}stages:\n  - { name: warmup, epochs: 2 }\n` }, 'recipes/a.yaml'));
    expect(error).toMatchObject({ code: 'REQUIRED', line: 5, column: 5, key: 'stages.0.kind' });
    const { plan } = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}stages:\n  - { name: warmup, kind: teacher }\n` }, 'recipes/a.yaml', { overrides: ['scoring.weights.discrepancy=0'] }));
    expect(plan.stages[0]).toMatchObject({ name: 'warmup', kind: 'teacher', loss: 'reconstruction' });
  });

  it('short forms mean the same as the canonical form (same hash)', async () => {
    const short = `${SMALL}stages:\n  - { name: teacher, optimizer: { adamw: { lr: 0.001 } }, schedule: cosine }\n  - { name: student }\nscoring:\n  smoothing: { gaussian: { range: 40, sigma: 9 } }\n`;
    const long = `${SMALL}stages:\n  - { name: teacher, kind: teacher, optimizer: { kind: adamw, lr: 0.001 }, schedule: { kind: cosine } }\n  - { name: student, kind: student }\nscoring:\n  smoothing: { kind: gaussian, range: 40, sigma: 9 }\n`;
    const a = planOf(await resolveIn({ 'recipes/a.yaml': short }, 'recipes/a.yaml'));
    const b = planOf(await resolveIn({ 'recipes/a.yaml': long }, 'recipes/a.yaml'));
    expect(a.plan.stages[0]!.optimizer.lr).toBe(0.001);
    expect(a.plan.stages[0]!.schedule.kind).toBe('cosine');
    expect(a.plan.scoring.smoothing).toEqual({ kind: 'gaussian', range: 40, sigma: 9 });
    expect(a.hash).toBe(b.hash);
    const none = planOf(await resolveIn({ 'recipes/a.yaml': `${SMALL}scoring: { smoothing: none }\n` }, 'recipes/a.yaml'));
    expect(none.plan.scoring.smoothing).toEqual({ kind: 'none' });
  });

  it('key order, comments and extends splitting do not change the Plan or its hash', async () => {
    const whole = 'vadc: 1\nname: x\ndata:\n  dataset: synthetic\n  size: [64, 96]\nmodel:\n  patch: 8\n  encoder: { dim: 64, heads: 2 }\nruntime: { seed: 5 }\n';
    const reordered = '# a comment\nruntime: { seed: 5 }   # why\nmodel:\n  encoder: { heads: 2, dim: 64 }\n  patch: 8\ndata:\n  size: [64, 96]\n  dataset: synthetic\nname: x\nvadc: 1\n';
    const split = {
      'recipes/parts/data.yaml': 'vadc: 1\ndata:\n  dataset: synthetic\n  size: [64, 96]\n',
      'recipes/parts/model.yaml': 'vadc: 1\nmodel:\n  patch: 8\n  encoder: { dim: 64 }\n',
      'recipes/x.yaml': 'vadc: 1\nname: x\nextends: [parts/data.yaml, parts/model.yaml]\nmodel: { encoder: { heads: 2 } }\nruntime: { seed: 5 }\n',
    };
    const a = planOf(await resolveIn({ 'recipes/x.yaml': whole }, 'recipes/x.yaml'));
    const b = planOf(await resolveIn({ 'recipes/x.yaml': reordered }, 'recipes/x.yaml'));
    const c = planOf(await resolveIn(split, 'recipes/x.yaml'));
    expect(b.plan).toEqual(a.plan);
    expect(c.plan).toEqual(a.plan);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    const changed = planOf(await resolveIn({ 'recipes/x.yaml': whole }, 'recipes/x.yaml', { overrides: ['runtime.seed=6'] }));
    expect(changed.hash).not.toBe(a.hash);
  });

  it('makes relative paths absolute against the folder of the file that wrote them', async () => {
    const files = {
      'recipes/base/b.yaml': 'vadc: 1\ndata:\n  dataset: frames\n  root: ../../data/frames\n  splits: { test: splits/test.txt }\n',
      'recipes/a.yaml': 'vadc: 1\nextends: base/b.yaml\n',
    };
    const { plan } = planOf(await resolveIn(files, 'recipes/a.yaml'));
    expect(plan.data.root).toBe('/project/data/frames');
    expect(plan.data.splits.test).toBe('/project/recipes/base/splits/test.txt');
    const set = planOf(await resolveIn(files, 'recipes/a.yaml', { overrides: ['data.root=frames2'], cwd: '/home/me' }));
    expect(set.plan.data.root).toBe('/home/me/frames2');
  });
});

describe('a full recipe (avenue on the shipped base)', () => {
  it('resolves as written there', async () => {
    const text = `vadc: 1
name: avenue
extends: ./base/aed-mae.yaml
data:
  dataset: avenue
  root: \${env:VADC_AVENUE_ROOT}
  size: [320, 640]
  context: [-3, 0, 3]
  motion: { step: 1 }
model:
  patch: 16
  encoder: { dim: 256, depth: 3, heads: 4, mlp_ratio: 2, block: cvt-pointwise }
  decoder: { dim: 128, depth: 3, heads: 4, mlp_ratio: 2 }
  student: { after_block: 1, blocks: 1 }
  outputs: { frame: 3, anomaly_map: 1 }
masking: { ratio: 0.5, strategy: random }
loss: { reconstruction: l2, weighting: motion }
synthetic_anomalies: { probability: 0.25, generator: procedural }
stages:
  - { name: teacher, epochs: 100, batch: 100, optimizer: { adamw: { lr: 1.0e-4, weight_decay: 0.05 } } }
  - { name: student, epochs: 100, freeze: [encoder, decoder], loss: distillation }
scoring:
  weights: { teacher: 0.5, discrepancy: 0.5, anomaly_map: 0.5 }
  smoothing: { gaussian: { range: 38, sigma: 11 } }
eval: { metrics: [micro_auc, macro_auc, rbdc, tbdc, pixel_auc] }
`;
    const { plan } = planOf(await resolveIn({ 'recipes/base/aed-mae.yaml': 'vadc: 1\n', 'recipes/avenue.yaml': text }, 'recipes/avenue.yaml', { env: { VADC_AVENUE_ROOT: '/data/avenue' } }));
    expect(plan.data.root).toBe('/data/avenue');
    expect(plan.stages[1]).toMatchObject({ kind: 'student', freeze: ['encoder', 'decoder'], batch: 100 });
    expect(plan.scoring.smoothing).toEqual({ kind: 'gaussian', range: 38, sigma: 11 });
  });
});
