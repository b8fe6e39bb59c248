// The onnxruntime training step against TF.js's (the reference): same weights, batch and masks (dropout off, as the
// two engines draw dropout differently), so loss, every gradient and the BatchNorm running statistics must agree to
// float32 rounding. Then a few optimizer steps on onnxruntime must lower the loss, and dropout masks must drop at
// their rate.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { BlockKind, Plan, QkvProjection } from '@vadc/dsl';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectionRegistry } from '../model/attention.ts';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { blockRegistry } from '../model/blocks.ts';
import { Random } from '../random.ts';
import { tinyPlan } from '../test-plan.ts';
import { repeatBatches, squaresBatch } from '../train/fixtures.ts';
import { lossRegistry, type LossKind } from '../train/losses.ts';
import { modelWeights } from '../train/state.ts';
import { stepGradients } from '../train/step.ts';
import { train } from '../train/train-stage.ts';
import { onnxEngine } from '../engines/onnx-engine.ts';
import { dropoutMask, OnnxTrainer } from './onnx-training.ts';
import { onnxInstalled } from './test-onnx.ts';

// float32 with different summation orders: the worst gradient error measured over the cases below is 5.5e-6 of the
// gradient's largest magnitude (losses agree to 4e-8), so 1e-4 leaves a margin of ~18x; dropping a term of the GELU
// or BatchNorm gradient fails it by orders of magnitude (checked by hand).
const TOLERANCE = 1e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function perturbed(plan: Plan): MaskedAutoencoder {
  const model = createModel(plan);
  const random = new Random(11);
  for (const info of model.params.list()) {
    const values = Float32Array.from({ length: info.variable.size }, () => info.name.endsWith('running_var') ? random.uniform(0.5, 2) : random.uniform(-0.5, 0.5));
    info.variable.assign(tf.tensor(values, info.variable.shape));
  }
  return model;
}

function relativeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(a[i] ?? 0));
  }
  return worst / scale;
}

// Every registered block, projection and loss kind, read from the registries (a new kind is checked without editing
// this test): the projection kinds each get a block kind in turn, and every variant trains one stage per loss kind.
// The optional parts (classifier head, anomaly-map head, L1, no motion weighting, one head, nothing masked) are
// spread over the variants.
function registryVariants(): Array<[string, Plan]> {
  const blocks = Object.keys(blockRegistry) as BlockKind[];
  const projections = Object.keys(projectionRegistry) as QkvProjection[];
  const options: Array<[string, Parameters<typeof tinyPlan>[0]]> = [
    ['motion weights, classifier', { model: { outputs: { classifier: true } } }],
    ['l1, no weighting', { loss: { reconstruction: 'l1', weighting: 'none', tokens: 'all' } }],
    ['one head, no anomaly map', { model: { outputs: { anomaly_map: 0 } } }],
  ];
  const count = Math.max(blocks.length, projections.length, options.length);
  const variants: Array<[string, Plan]> = [];
  for (let index = 0; index < count; index++) {
    const block = blocks[index % blocks.length] as BlockKind;
    const qkv = projections[index % projections.length] as QkvProjection;
    const [label, overrides] = options[index % options.length] as [string, Parameters<typeof tinyPlan>[0]];
    const heads = label.startsWith('one head') ? 1 : 2;
    const base = tinyPlan(overrides);
    const stack = { block, qkv, heads };
    variants.push([`${block}, ${qkv}, ${label}`, { ...base, model: { ...base.model, encoder: { ...base.model.encoder, ...stack }, decoder: { ...base.model.decoder, ...stack } } }]);
  }
  variants.push(['nothing masked', tinyPlan({ masking: { ratio: 0 } })]);
  return variants.map(([label, plan]) => [label, withEveryLoss(plan)]);
}

// One stage per registered loss kind (the plan's own stage of that kind where it has one).
function withEveryLoss(plan: Plan): Plan {
  const stages = (Object.keys(lossRegistry) as LossKind[]).map((loss) => {
    const own = plan.stages.find((stage) => stage.loss === loss);
    return own ?? { ...(plan.stages[0] as Plan['stages'][number]), name: loss, loss, freeze: [] };
  });
  return { ...plan, stages };
}

const variants = registryVariants();

describe('onnxruntime training step vs TF.js', () => {
  for (const [label, base] of variants) {
    it.runIf(onnxInstalled)(`gives TF.js's loss, gradients and running statistics (${label})`, async () => {
      const plan = { ...base, stages: base.stages.map((stage) => ({ ...stage, batch: 4, micro_batch: 2 })) };
      for (const [stageIndex, stage] of plan.stages.entries()) {
        const reference = perturbed(plan);
        const candidate = perturbed(plan);
        const trainable = (model: MaskedAutoencoder) => model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
        const batch = squaresBatch(plan, 4, 3, 2);
        const expected = await stepGradients(plan, stage, reference, batch, trainable(reference), new Random(5));
        const trainer = await OnnxTrainer.start(plan, { threads: 1 });
        try {
          const actual = await trainer.stepGradients(plan, stageIndex, candidate, batch, trainable(candidate), new Random(5));
          expect(Math.abs(actual.loss - expected.loss) / Math.abs(expected.loss), `${stage.name} loss`).toBeLessThan(TOLERANCE);
          expect([...actual.gradients.keys()].sort()).toEqual([...expected.gradients.keys()].sort());
          // Some gradients are zero up to rounding (a key bias shifts every score of a row alike, which softmax
          // ignores): those are compared against the step's largest gradient instead of their own.
          const largest = Math.max(...[...expected.gradients.values()].map((g) => tf.max(tf.abs(g)).dataSync()[0] ?? 0));
          const failures: string[] = [];
          for (const [name, gradient] of expected.gradients) {
            const want = gradient.dataSync() as Float32Array;
            const got = (actual.gradients.get(name) as tf.Tensor).dataSync() as Float32Array;
            const own = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            const difference = relativeDifference(want, got) * Math.max(own, 1e-12) / Math.max(own, 1e-3 * largest);
            if (!(difference < TOLERANCE)) failures.push(`${stage.name} ${name}: ${difference.toExponential(2)} (own scale ${own.toExponential(2)})`);
          }
          expect(failures).toEqual([]);
          const after = new Map((await modelWeights(candidate)).map((w) => [w.name, w.data]));
          for (const weight of await modelWeights(reference)) {
            if (weight.name.includes('running')) expect(relativeDifference(weight.data, after.get(weight.name) as Float32Array), weight.name).toBeLessThan(TOLERANCE);
          }
          for (const g of [...expected.gradients.values(), ...actual.gradients.values()]) g.dispose();
        } finally {
          await trainer.close();
          reference.params.dispose();
          candidate.params.dispose();
        }
      }
    }, 60_000);
  }

  it.runIf(onnxInstalled)('lowers the loss with dropout on, repeats its losses for the same seed and leaves no tensors behind', async () => {
    const base = tinyPlan({ model: { dropout: 0.1 }, runtime: { ...tinyPlan().runtime, engine: 'onnx' } });
    const losses = async (epochs: number): Promise<number[]> => {
      const plan = { ...base, stages: base.stages.slice(0, 1).map((stage) => ({ ...stage, epochs, micro_batch: 2, optimizer: { ...stage.optimizer, lr: 3e-3 } })) };
      const model = createModel(plan);
      const tensorsBefore = tf.memory().numTensors;
      const seen: number[] = [];
      await train({ plan, model, engine: onnxEngine, checkpointPath: null, resume: false, batches: () => repeatBatches([squaresBatch(plan, 4, 3, 2)])(0), onStep: (r) => seen.push(r.loss) });
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      model.params.dispose();
      return seen;
    };
    const long = await losses(12);
    expect(long).toHaveLength(12);
    expect(long.every(Number.isFinite)).toBe(true);
    expect(long.at(-1) as number).toBeLessThan((long[0] as number) * 0.7);
    expect(await losses(5)).toEqual(long.slice(0, 5));
  }, 60_000);

  it('drops values at the dropout rate and scales the kept ones', () => {
    const mask = dropoutMask(new Random(3), 100_000, 0.1);
    const dropped = mask.filter((v) => v === 0).length / mask.length;
    expect(dropped).toBeGreaterThan(0.095);
    expect(dropped).toBeLessThan(0.105);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.9)]));
  });
});
