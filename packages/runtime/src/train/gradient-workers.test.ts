// Gradient workers give the one-thread result: the same micro_batch trained in this thread and over two worker
// threads yields the same losses, weights and BatchNorm running statistics, for the teacher and the student stage.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.ts';
import { tfjsEngine } from '../engines/tfjs-engine.ts';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { tinyPlan } from '../test-plan.ts';
import { repeatBatches, squaresBatch } from './fixtures.ts';
import { GradientWorkers } from './gradient-workers.ts';
import { modelWeights } from './state.ts';
import { train } from './train-stage.ts';

beforeAll(async () => {
  // Workers run wasm with one thread; the reference must run the same kernels.
  await selectBackend('wasm', { threads: 1 });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

async function trained(workers: number): Promise<{ weights: Map<string, Float32Array>; losses: number[] }> {
  const base = tinyPlan();
  const stages = base.stages.map((stage) => ({ ...stage, batch: 6, micro_batch: 2, epochs: 2, clip_grad: 1 }));
  const plan = tinyPlan({ stages, runtime: { ...base.runtime, backend: 'wasm', workers } });
  const model: MaskedAutoencoder = createModel(plan);
  const losses: number[] = [];
  await train({
    plan, model, engine: tfjsEngine, checkpointPath: null, resume: false,
    batches: () => repeatBatches([squaresBatch(plan, 6, 3, 2), squaresBatch(plan, 6, 4, 3)])(0),
    onStep: (report) => losses.push(report.loss),
  });
  const weights = new Map((await modelWeights(model)).map((w) => [w.name, w.data]));
  model.params.dispose();
  return { weights, losses };
}

describe('gradient workers', () => {
  it('train to the same losses, weights and running statistics as one thread with the same micro_batch', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const single = await trained(1);
    const parallel = await trained(2);
    expect(parallel.losses).toHaveLength(8); // 2 stages x 2 epochs x 2 batches
    expect(parallel.losses).toEqual(single.losses);
    for (const [name, values] of single.weights) expect(parallel.weights.get(name), name).toEqual(values);
    expect([...single.weights.keys()].some((name) => name.includes('running_mean'))).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('reports a worker-side failure as an error of the step', async () => {
    const plan = tinyPlan({ runtime: { ...tinyPlan().runtime, backend: 'wasm', workers: 1 } });
    const model = createModel(plan);
    const workers = await GradientWorkers.start(plan, 1);
    try {
      const batch = squaresBatch(plan, 4, 1);
      const broken = { ...batch, input: batch.input.subarray(0, 10) };
      const trainable = model.params.list().filter((p) => p.trainable);
      const { Random } = await import('../random.ts');
      await expect(workers.stepGradients(plan, 0, model, broken, trainable, new Random(1))).rejects.toThrow(/gradient worker failed/);
    } finally {
      await workers.close();
      model.params.dispose();
    }
  }, 60_000);
});
