import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { FIRST_PASS } from '../model/test-mask.ts';
import { Random } from '../random.ts';
import { combineComponents, frameComponents } from '../score/components.ts';
import { tinyPlan } from '../test-plan.ts';
import { asTestBatch, squaresBatch } from '../train/fixtures.ts';
import { exportOnnx } from './export-onnx.ts';
import { createOnnxInference } from './onnx-inference.ts';
import { countOps, quantizeColumns, quantizeInt8 } from './quantize.ts';
import { onnxInstalled } from './test-onnx.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Weights of the size training leaves (a fresh model's zero tokens and unit BatchNorm statistics would hide mistakes).
function perturb(model: MaskedAutoencoder): void {
  const random = new Random(5);
  for (const info of model.params.list()) {
    const values = Float32Array.from({ length: info.variable.size }, () => info.name.endsWith('running_var') ? random.uniform(0.5, 2) : random.uniform(-0.5, 0.5));
    info.variable.assign(tf.tensor(values, info.variable.shape));
  }
}

const plan = tinyPlan({ model: { outputs: { classifier: true } }, scoring: { weights: { classifier: 0.25 } } });

describe('quantizeInt8', () => {
  it('quantizes a weight per output column: each value within half a step of its column scale', () => {
    // Column 0 is 100x smaller than column 1: one scale per tensor would round it to 0.
    const weight = Float32Array.of(0.01, 1, -0.005, -0.5, 0.002, 0.25);
    const { values, scales } = quantizeColumns(weight, 3, 2);
    expect([...scales]).toEqual([Math.fround(0.01 / 127), Math.fround(1 / 127)]);
    for (let index = 0; index < weight.length; index++) {
      const scale = scales[index % 2] as number;
      expect(Math.abs((values[index] as number) * scale - (weight[index] as number))).toBeLessThanOrEqual(scale / 2 + 1e-9);
    }
    expect(values[0]).toBe(127);
  });

  it('replaces every MatMul / Gemm with a constant weight by the integer path and keeps everything else', () => {
    const model = createModel(plan);
    const graph = exportOnnx(model, plan, { scoring: true, fusedAttention: true });
    const before = countOps(graph);
    const { bytes, summary } = quantizeInt8(graph);
    const after = countOps(bytes);
    const linears = (before.get('Gemm') ?? 0) + (before.get('MatMul') ?? 0);
    expect(linears).toBeGreaterThan(10);
    expect(summary.quantized).toHaveLength(linears); // fused attention: every product left has a weight
    expect(summary.kept).toEqual([]);
    expect(after.get('Gemm') ?? 0).toBe(0);
    expect(after.get('MatMul') ?? 0).toBe(0);
    expect(after.get('MatMulInteger')).toBe(linears);
    expect(after.get('DynamicQuantizeLinear')).toBe(linears);
    expect(after.get('MultiHeadAttention')).toBe(before.get('MultiHeadAttention'));
    expect(after.get('Conv')).toBe(before.get('Conv')); // depthwise 3x3 stays float
    model.params.dispose();
  });

  it('leaves activation x activation products (the portable attention\'s MatMuls) in float and says why', () => {
    const model = createModel(plan);
    const graph = exportOnnx(model, plan, { scoring: true, fusedAttention: false });
    const before = countOps(graph);
    const { bytes, summary } = quantizeInt8(graph);
    expect(summary.kept.length).toBe(before.get('MatMul'));
    expect(summary.kept.every((kept) => kept.reason.includes('not a constant initializer'))).toBe(true);
    expect(countOps(bytes).get('MatMulInteger')).toBe(before.get('Gemm'));
    expect(countOps(bytes).get('MatMul')).toBe(before.get('MatMul'));
    model.params.dispose();
  });
});

// int8 error: weights to 1/254 of each column's range, activations to 1/255 of each tensor's range per batch.
// Measured on this tiny model (perturbed weights, squares frames): per-frame scores within 0.06% of the score scale.
// INT8_TOLERANCE (1% of the largest frame score) leaves 17x margin and still fails an unscaled or transposed product
// (those are off by 100% or more).
const INT8_TOLERANCE = 0.01;

describe.runIf(onnxInstalled)('int8 scoring in onnxruntime', () => {
  it(`keeps per-frame scores within ${INT8_TOLERANCE * 100}% of the fp32 graph's, on the same masks`, async () => {
    const model = createModel(plan);
    perturb(model);
    const batch = asTestBatch(squaresBatch(plan, 6, 5, 2), 7);
    const fp32 = await createOnnxInference(model, plan, { threads: 1, precision: 'fp32' });
    const int8 = await createOnnxInference(model, plan, { threads: 1, precision: 'int8' });
    const [reference, quantized] = [await fp32.infer(batch, FIRST_PASS), await int8.infer(batch, FIRST_PASS)];
    expect([...quantized.hidden]).toEqual([...reference.hidden]);
    const scores = (outputs: typeof reference) => combineComponents(frameComponents(outputs, plan.scoring.errors), plan.scoring.weights);
    const [a, b] = [scores(reference), scores(quantized)];
    const scale = Math.max(...a.map(Math.abs));
    const worst = Math.max(...a.map((value, frame) => Math.abs(value - (b[frame] as number))));
    expect(worst).toBeLessThan(INT8_TOLERANCE * scale);
    expect(worst).toBeGreaterThan(0); // the int8 graph really ran
    await fp32.release();
    await int8.release();
    model.params.dispose();
  });

  it('follows the plan\'s runtime.precision when no option names one', async () => {
    const model = createModel(plan);
    const fp32 = await createOnnxInference(model, plan, { threads: 1 });
    const int8 = await createOnnxInference(model, { ...plan, runtime: { ...plan.runtime, precision: 'int8' } }, { threads: 1 });
    expect(int8.modelBytes).not.toBe(fp32.modelBytes);
    await fp32.release();
    await int8.release();
    model.params.dispose();
  });
});
