import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type { BlockKind, Plan, QkvProjection } from '@vadc/dsl';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectionRegistry } from '../model/attention.ts';
import { createModel, forward, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { blockRegistry } from '../model/blocks.ts';
import { inferBatch, predictBatch } from '../model/inference.ts';
import { FIRST_PASS } from '../model/test-mask.ts';
import { createTokenMask, maskingRegistry } from '../model/masking.ts';
import { patchify } from '../model/patches.ts';
import { Random } from '../random.ts';
import { combineComponents, frameComponents } from '../score/components.ts';
import { tinyPlan } from '../test-plan.ts';
import { asTestBatch, squaresBatch } from '../train/fixtures.ts';
import { exportOnnx, onnxTokenGrid } from './export-onnx.ts';
import { createOnnxInference } from './onnx-inference.ts';
import { loadOnnxRuntime } from './onnxruntime.ts';
import { OnnxError } from './onnx-error.ts';
import { onnxInstalled } from './test-onnx.ts';

// TF.js (cpu backend, the reference) and onnxruntime on the same weights, inputs and mask. float32 with different
// summation orders (blocked MatMuls, fused LayerNorm / GELU): measured max errors are 1e-7 to 3e-7 on outputs of
// magnitude ~1, so TOLERANCE leaves a margin of 30x and still catches any mapping mistake.
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const evaluation = { training: false, dropoutSeed: () => 0 };

// Fresh models have zero cls / mask tokens and BatchNorm statistics 0 / 1, which would hide mapping mistakes.
function perturb(model: MaskedAutoencoder): void {
  const random = new Random(11);
  for (const info of model.params.list()) {
    const values = Float32Array.from({ length: info.variable.size }, () => info.name.endsWith('running_var') ? random.uniform(0.5, 2) : random.uniform(-0.5, 0.5));
    info.variable.assign(tf.tensor(values, info.variable.shape));
  }
}

const maxAbsDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let index = 0; index < a.length; index++) worst = Math.max(worst, Math.abs((a[index] ?? 0) - (b[index] ?? 0)));
  return worst;
};

function variant(block: BlockKind, qkv: QkvProjection): Plan {
  return tinyPlan({ model: { encoder: { block, qkv }, decoder: { block, qkv }, outputs: { classifier: true } } });
}

// Every registered block and projection kind, read from the registries: a new kind is checked without editing this.
describe.runIf(onnxInstalled)('exportOnnx + onnxruntime vs TF.js', () => {
  for (const block of Object.keys(blockRegistry) as BlockKind[]) {
    for (const qkv of Object.keys(projectionRegistry) as QkvProjection[]) {
      it(`gives the same teacher, student and classifier outputs (${block}, ${qkv}) within ${TOLERANCE}`, async () => {
        const plan = variant(block, qkv);
        const model = createModel(plan);
        perturb(model);
        // fused: onnxruntime's MultiHeadAttention (the engine's default); portable: MatMul / Softmax nodes.
        for (const [fusedAttention, batch] of [[true, 2], [false, 3]] as const) { // the graph's batch axis is symbolic
          const engine = await createOnnxInference(model, plan, { threads: 1, fusedAttention });
          const input = squaresBatch(plan, batch, batch);
          const patches = patchify(input.input, batch, model.grid, model.inputChannels);
          const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random: new Random(batch) }, 0.5);
          const reference = tf.tidy(() => {
            const out = forward(model, tf.tensor3d(patches, [batch, 16, 8 * 8 * 9]), mask, evaluation, true);
            return { teacher: out.teacher.dataSync(), student: out.student!.dataSync(), logit: out.classifierLogit!.dataSync() };
          });
          const onnx = await engine.run(input.input, batch, mask); // frames in: the graph patchifies them itself
          expect(onnx.teacher!.length).toBe(batch * 16 * 8 * 8 * 4);
          expect(maxAbsDifference(onnx.teacher!, reference.teacher)).toBeLessThan(TOLERANCE);
          expect(maxAbsDifference(onnx.student!, reference.student)).toBeLessThan(TOLERANCE);
          expect(maxAbsDifference(onnx.classifierLogit!, reference.logit)).toBeLessThan(TOLERANCE);
          // The student differs from the teacher, so a swapped output would fail.
          expect(maxAbsDifference(onnx.teacher!, reference.student)).toBeGreaterThan(1e-2);
          await engine.release();
        }
        model.params.dispose();
      });
    }
  }

  it('scores a test batch as inferBatch does: same masks, per-patch errors and frame scores', async () => {
    const plan = tinyPlan({ model: { outputs: { classifier: true } }, scoring: { weights: { classifier: 0.25 } } });
    const model = createModel(plan);
    perturb(model);
    const batch = asTestBatch(squaresBatch(plan, 3, 5, 2), 7);
    const reference = inferBatch(model, batch);
    const engine = await createOnnxInference(model, plan, { threads: 2 });
    const onnx = await engine.infer(batch, FIRST_PASS);
    expect([...onnx.hidden]).toEqual([...reference.hidden]);
    expect(onnx.frames).toEqual(reference.frames);
    for (const kind of ['l1', 'l2'] as const) {
      expect(maxAbsDifference(onnx.teacherError[kind], reference.teacherError[kind])).toBeLessThan(TOLERANCE);
      expect(maxAbsDifference(onnx.discrepancy[kind], reference.discrepancy[kind])).toBeLessThan(TOLERANCE);
      expect(maxAbsDifference(onnx.anomalyError![kind], reference.anomalyError![kind])).toBeLessThan(TOLERANCE);
    }
    expect(maxAbsDifference(onnx.anomalyMap!, reference.anomalyMap!)).toBeLessThan(TOLERANCE);
    expect(maxAbsDifference(onnx.classifier!, reference.classifier!)).toBeLessThan(TOLERANCE);
    const scores = (outputs: typeof onnx) => combineComponents(frameComponents(outputs, plan.scoring.errors), plan.scoring.weights);
    expect(maxAbsDifference(scores(onnx), scores(reference))).toBeLessThan(TOLERANCE);
    // Raw predictions and target as predictBatch gives them.
    const raw = await engine.predict(batch);
    const rawReference = predictBatch(model, batch);
    expect(maxAbsDifference(raw.teacher, rawReference.teacher)).toBeLessThan(TOLERANCE);
    expect(maxAbsDifference(raw.student, rawReference.student)).toBeLessThan(TOLERANCE);
    expect([...raw.target]).toEqual([...rawReference.target]);
    // Another test-time mask pass draws other masks, as in TF.js, and both engines agree on it.
    const second = { index: 1, complementary: false };
    const other = await engine.predict(batch, second);
    expect([...other.hidden]).not.toEqual([...reference.hidden]);
    expect([...other.hidden]).toEqual([...predictBatch(model, batch, { pass: second }).hidden]);
    await engine.release();
    model.params.dispose();
  });

  it('writes a portable file by default: patches in, standard opset-17 ops only, any batch', async () => {
    const plan = variant('cvt-pointwise', 'dwconv-bn');
    const model = createModel(plan);
    perturb(model);
    const bytes = exportOnnx(model, plan);
    expect(new TextDecoder('latin1').decode(bytes)).not.toContain('com.microsoft');
    const ort = await loadOnnxRuntime();
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    expect([...session.inputNames]).toEqual(['patches', 'keep_index', 'restore_index']);
    expect([...session.outputNames]).toEqual(['teacher', 'student', 'classifier_logit']);
    const batch = 3;
    const patches = patchify(squaresBatch(plan, batch, 9).input, batch, model.grid, model.inputChannels);
    const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch, motion: null, random: new Random(9) }, 0.5);
    const out = await session.run({
      patches: new ort.Tensor('float32', patches, [batch, 16, 8 * 8 * 9]),
      keep_index: new ort.Tensor('int64', BigInt64Array.from(mask.keepIndex, BigInt), [mask.keepIndex.length]),
      restore_index: new ort.Tensor('int64', BigInt64Array.from(mask.restoreIndex, BigInt), [mask.restoreIndex.length]),
    });
    const reference = tf.tidy(() => forward(model, tf.tensor3d(patches, [batch, 16, 8 * 8 * 9]), mask, evaluation, true).teacher.dataSync());
    expect(maxAbsDifference(out.teacher!.data as Float32Array, reference)).toBeLessThan(TOLERANCE);
    await session.release();
    model.params.dispose();
  });

  it('fixes K from the masking ratio and rejects masks of another size', async () => {
    const plan = tinyPlan();
    const model = createModel(plan);
    expect(onnxTokenGrid(model, 0.5)).toEqual({ tokens: 16, keep: 8, rows: 4, cols: 2 });
    expect(onnxTokenGrid(model, 0.75)).toEqual({ tokens: 16, keep: 4, rows: 4, cols: 1 });
    const bytes = exportOnnx(model, plan);
    expect(new TextDecoder().decode(bytes)).toContain('vadc.keep');
    const engine = await createOnnxInference(model, plan, { threads: 1 });
    const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch: 1, motion: null, random: new Random(1) }, 0.75);
    await expect(engine.run(new Float32Array(32 * 32 * 9), 1, mask)).rejects.toMatchObject({ code: 'ONNX_BAD_INPUT' });
    expect(() => exportOnnx(model, tinyPlan({ data: { size: [32, 64] } }))).toThrow(OnnxError);
    // A fixed batch is declared in the file and enforced by onnxruntime.
    const ort = await loadOnnxRuntime();
    const fixed = await ort.InferenceSession.create(exportOnnx(model, plan, { batch: 2 }));
    const one = createTokenMask(maskingRegistry.random, { grid: model.grid, batch: 1, motion: null, random: new Random(1) }, 0.5);
    await expect(fixed.run({
      patches: new ort.Tensor('float32', new Float32Array(16 * 8 * 8 * 9), [1, 16, 8 * 8 * 9]),
      keep_index: new ort.Tensor('int64', BigInt64Array.from(one.keepIndex, BigInt), [8]),
      restore_index: new ort.Tensor('int64', BigInt64Array.from(one.restoreIndex, BigInt), [16]),
    })).rejects.toThrow();
    await fixed.release();
    await engine.release();
    model.params.dispose();
  });
});
