import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../random.ts';
import { tinyPlan } from '../test-plan.ts';
import { asTestBatch, squaresBatch } from '../train/fixtures.ts';
import { createModel, forward } from './autoencoder.ts';
import { inferBatch } from './inference.ts';
import { createTokenMask, maskingRegistry } from './masking.ts';
import { patchify, patchGrid, unpatchify } from './patches.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const evaluation = { training: false, dropoutSeed: () => 0 };

describe('createModel + forward', () => {
  for (const block of ['cvt-pointwise', 'cvt-mlp'] as const) {
    for (const qkv of ['dwconv-bn', 'avg', 'linear'] as const) {
      it(`gives teacher, student and classifier outputs of the right shapes (${block}, ${qkv})`, () => {
        const plan = tinyPlan({ model: { encoder: { block, qkv }, decoder: { block, qkv }, outputs: { classifier: true } } });
        const model = createModel(plan);
        const batch = squaresBatch(plan, 2, 1);
        const mask = createTokenMask(maskingRegistry.random, { grid: model.grid, batch: 2, motion: null, random: new Random(3) }, 0.5);
        tf.tidy(() => {
          const patches = tf.tensor3d(patchify(batch.input, 2, model.grid, 9), [2, 16, 8 * 8 * 9]);
          const out = forward(model, patches, mask, { training: true, dropoutSeed: () => 1 }, true);
          expect(out.teacher.shape).toEqual([2, 16, 8 * 8 * 4]);
          expect(out.student?.shape).toEqual([2, 16, 8 * 8 * 4]);
          expect(out.classifierLogit?.shape).toEqual([2]);
          expect(Number.isFinite(tf.sum(out.teacher).dataSync()[0])).toBe(true);
        });
        model.params.dispose();
      });
    }
  }

  it('assigns parts and weight decay as the official param groups', () => {
    const model = createModel(tinyPlan({ model: { outputs: { classifier: true } } }));
    const info = (name: string) => model.params.get(name);
    expect(info('encoder.blocks.0.attn.proj_q.weight')).toMatchObject({ part: 'encoder', decay: true, trainable: true });
    expect(info('encoder.blocks.0.attn.proj_q.bias')).toMatchObject({ decay: false });
    expect(info('encoder.blocks.0.norm1.weight')).toMatchObject({ decay: false });
    expect(info('encoder.blocks.0.attn.conv_proj_k.bn.running_var')).toMatchObject({ trainable: false, decay: false });
    expect(info('encoder.cls_token')).toMatchObject({ decay: true });
    expect(info('decoder.pred_anomaly.weight')).toMatchObject({ part: 'anomaly_head' });
    expect(info('student.pred_anomaly.weight')).toMatchObject({ part: 'student' });
    expect(info('classifier.head.weight')).toMatchObject({ part: 'classifier' });
    // PyTorch's default Linear init: U(+-1/sqrt(fan_in)), fan_in = 16.
    const weights = info('encoder.blocks.0.attn.proj_q.weight')!.variable.dataSync();
    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...weights.map(Math.abs))).toBeGreaterThan(0.2);
    model.params.dispose();
  });
});

describe('masking', () => {
  it('random masking keeps rows * floor(cols / 2) tokens and restores every token once', () => {
    const grid = patchGrid(32, 48, 8); // 4 x 6 patches
    const mask = createTokenMask(maskingRegistry.random, { grid, batch: 2, motion: null, random: new Random(5) }, 0.5);
    expect([mask.keep, mask.rows, mask.cols]).toEqual([12, 4, 3]);
    expect([...mask.restoreIndex].sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(mask.hidden.reduce((a, v) => a + v, 0)).toBe(24);
    // A kept token (b, l) is found at restoreIndex[b * L + l] among the kept tokens.
    mask.keepIndex.forEach((flat, rank) => expect(mask.restoreIndex[flat]).toBe(rank));
  });

  it('motion masking keeps the tokens with least motion', () => {
    const grid = patchGrid(8, 32, 8); // 1 x 4 patches
    const motion = Float32Array.from([9, 1, 5, 0]);
    const mask = createTokenMask(maskingRegistry.motion, { grid, batch: 1, motion, random: new Random(1) }, 0.5);
    expect([...mask.keepIndex]).toEqual([3, 1]);
    expect([...mask.hidden]).toEqual([1, 0, 1, 0]);
  });

  it('patchify and unpatchify are inverse', () => {
    const grid = patchGrid(4, 6, 2);
    const images = Float32Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => i);
    const patches = patchify(images, 2, grid, 3);
    // First patch: pixels (0,0), (0,1), (1,0), (1,1) of image 0, channels innermost.
    expect([...patches.subarray(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23]);
    expect([...unpatchify(patches, 2, grid, 3)]).toEqual([...images]);
  });
});

describe('inferBatch', () => {
  it('gives the same per-patch scores whether frames are scored together or one by one', () => {
    const plan = tinyPlan({ model: { outputs: { classifier: true } } });
    const model = createModel(plan);
    const batch = asTestBatch(squaresBatch(plan, 2, 4), 10);
    const together = inferBatch(model, batch);
    const pixels = 32 * 32;
    const second = { ...batch, size: 1, frames: [11], input: batch.input.subarray(pixels * 9), motion: batch.motion.subarray(pixels * 3) };
    const alone = inferBatch(model, second);
    expect(alone.teacherError.l2[3]).toBeCloseTo(together.teacherError.l2[16 + 3]!, 5);
    expect(alone.discrepancy.l1[5]).toBeCloseTo(together.discrepancy.l1[16 + 5]!, 5);
    expect(alone.hidden).toEqual(together.hidden.subarray(16));
    expect(together.classifier?.length).toBe(2);
    expect(together.anomalyMap?.length).toBe(32);
    model.params.dispose();
  });

  it('returns reconstructions at frame resolution when asked', () => {
    const plan = tinyPlan();
    const model = createModel(plan);
    const out = inferBatch(model, asTestBatch(squaresBatch(plan, 1, 2)), { reconstructions: true });
    expect(out.teacher?.length).toBe(32 * 32 * 4);
    expect(out.classifier).toBeNull();
    model.params.dispose();
  });
});
