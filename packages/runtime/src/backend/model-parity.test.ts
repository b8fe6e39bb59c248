// The full model of tinyPlan() (with the anomaly-map head and motion masking) trained on cpu and on wasm: the loss,
// every gradient, and three AdamW steps of the teacher stage, then one student-stage step, must agree.
// Tolerances (float32 summation orders differ between the backends): losses to 1e-5 relative; each gradient to
// max |cpu - wasm| <= 1e-4 * max(max |cpu|, 1% of the largest gradient in the model), so gradients that are zero in
// exact arithmetic (the key projections' biases: softmax ignores a constant added to a row) are compared as the
// rounding noise they are; weights to 1e-4 relative, except those key biases, whose noise AdamW turns into
// steps of +-lr (checked to within 2 * lr * steps). It runs in CI because a wrong wasm kernel gives wrong numbers
// without any error.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../model/autoencoder.ts';
import { Random } from '../random.ts';
import { tinyPlan } from '../test-plan.ts';
import { squaresBatch } from '../train/fixtures.ts';
import { optimizerRegistry } from '../train/optimizers.ts';
import { stepGradients } from '../train/step.ts';
import { relativeError } from './parity-helpers.ts';
import { selectBackend } from './select-backend.ts';

function maxAbs(values: Float32Array): number {
  return values.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

interface Trace {
  losses: number[];
  gradients: Map<string, Float32Array>;
  weights: Map<string, Float32Array>;
  studentLoss: number;
}

async function trainOn(backend: string): Promise<Trace> {
  await tf.setBackend(backend);
  const plan = tinyPlan({ masking: { ratio: 0.5, strategy: 'motion' } });
  const model = createModel(plan, { seed: 5 });
  const batch = squaresBatch(plan, 4, 11, 2);
  const trace: Trace = { losses: [], gradients: new Map(), weights: new Map(), studentLoss: NaN };
  for (const [stageIndex, steps] of [[0, 3], [1, 1]] as const) {
    const stage = plan.stages[stageIndex]!;
    const trainable = model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
    const optimizer = optimizerRegistry[stage.optimizer.kind](stage.optimizer, trainable);
    for (let step = 0; step < steps; step++) {
      const { loss, gradients } = await stepGradients(plan, stage, model, batch, trainable, new Random(100 + step));
      if (stageIndex === 0) trace.losses.push(loss);
      else trace.studentLoss = loss;
      if (stageIndex === 0 && step === 0) for (const [name, g] of gradients) trace.gradients.set(name, g.dataSync() as Float32Array);
      optimizer.apply(gradients, stage.optimizer.lr);
      for (const g of gradients.values()) g.dispose();
    }
    optimizer.dispose();
  }
  for (const p of model.params.list()) trace.weights.set(p.name, p.variable.dataSync() as Float32Array);
  model.params.dispose();
  return trace;
}

describe('the tinyPlan model trains identically on cpu and wasm', () => {
  let cpu: Trace;
  let wasm: Trace;
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 1 });
    cpu = await trainOn('cpu');
    wasm = await trainOn('wasm');
  });
  it('gives the same teacher losses over three AdamW steps and the same student loss', () => {
    expect(cpu.losses).toHaveLength(3);
    cpu.losses.forEach((loss, i) => expect(Math.abs(loss - (wasm.losses[i] as number)) / Math.abs(loss)).toBeLessThan(1e-5));
    expect(Math.abs(cpu.studentLoss - wasm.studentLoss) / Math.abs(cpu.studentLoss)).toBeLessThan(1e-5);
  });
  it('gives every teacher-stage gradient within tolerance', () => {
    expect([...wasm.gradients.keys()].sort()).toEqual([...cpu.gradients.keys()].sort());
    expect(cpu.gradients.size).toBeGreaterThan(20);
    const largest = Math.max(...[...cpu.gradients.values()].map(maxAbs));
    for (const [name, reference] of cpu.gradients) {
      const scale = Math.max(maxAbs(reference), 0.01 * largest);
      expect(relativeError(reference, wasm.gradients.get(name) as Float32Array) * maxAbs(reference) / scale, name).toBeLessThan(1e-4);
    }
  });
  it('gives the same weights (and BatchNorm running statistics) after both stages', () => {
    const lr = tinyPlan().stages[0]!.optimizer.lr;
    for (const [name, reference] of cpu.weights) {
      const other = wasm.weights.get(name) as Float32Array;
      if (name.endsWith('attn.proj_k.bias')) {
        expect(maxAbs(reference.map((x, i) => x - (other[i] as number))), name).toBeLessThanOrEqual(2 * lr * 4);
      } else {
        expect(relativeError(reference, other), name).toBeLessThan(1e-4);
      }
    }
  });
});
