import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingBatch } from '../data/types.ts';
import { createModel } from '../model/autoencoder.ts';
import type { TokenMask } from '../model/masking.ts';
import { ParameterStore } from '../model/parameters.ts';
import { Random } from '../random.ts';
import { tinyPlan } from '../test-plan.ts';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint.ts';
import { reconstructionWeights, tfjsLoss } from './losses.ts';
import { hostValues } from '../backend/host-values.ts';
import { optimizerRegistry } from './optimizers.ts';
import { learningRate } from './schedule.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// One 8x16 frame = two 8x8 patches. Patch 0: frame 0.5, motion channels max (10, 20, 30). Patch 1: frame 0, no
// motion, the synthetic anomaly's mask over the whole patch.
function twoPatchBatch(): TrainingBatch {
  const pixels = 8 * 16;
  const batch: TrainingBatch = {
    size: 1, height: 8, width: 16,
    input: new Float32Array(pixels * 9), target: new Float32Array(pixels * 3), motion: new Float32Array(pixels * 3),
    anomalyMask: new Float32Array(pixels), hasAnomaly: Float32Array.of(1),
  };
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 16; col++) {
      const pixel = row * 16 + col;
      if (col < 8) batch.target.fill(0.5, pixel * 3, pixel * 3 + 3);
      else batch.anomalyMask[pixel] = 1;
    }
  }
  batch.motion.set([10, 20, 30], (3 * 16 + 2) * 3);
  batch.motion.set([5, 5, 5], (4 * 16 + 3) * 3);
  return batch;
}

const mask: TokenMask = { batch: 1, tokens: 2, keep: 1, rows: 1, cols: 1, keepIndex: Int32Array.of(1), restoreIndex: Int32Array.of(1, 0), hidden: Float32Array.of(1, 0) };

function loss(overrides: Parameters<typeof tinyPlan>[0]): number {
  const plan = tinyPlan({ data: { size: [8, 16] }, ...overrides });
  const model = createModel(plan);
  const value = tf.tidy(() => tfjsLoss('reconstruction', {
    plan, model, batch: twoPatchBatch(), mask, fullBatch: 1,
    outputs: { teacher: tf.zeros([1, 2, 256]), student: null, classifierLogit: null },
  }).dataSync()[0]);
  model.params.dispose();
  return value ?? NaN;
}

describe('reconstruction loss', () => {
  // Per-patch errors vs a zero prediction, 4 channels per pixel: patch 0 = (3 * 0.25 + (-1)^2) / 4 = 0.4375
  // (no anomaly: target channel -1); patch 1 = (0 + 1^2) / 4 = 0.25 (anomaly: target channel +1).
  it('weights patches by max-pooled motion with the anomaly raised to the floor, as hand-computed', () => {
    // Weights: patch 0 = mean(10, 20, 30) = 20; patch 1 = max(0.5 * 255, 30) = 127.5 on every channel.
    const { weights } = reconstructionWeights(tinyPlan({ data: { size: [8, 16] }, loss: { tokens: 'all' } }), twoPatchBatch(), mask);
    expect(weights[0]).toBeCloseTo(20 / 147.5, 6);
    expect(weights[1]).toBeCloseTo(127.5 / 147.5, 6);
    expect(loss({ loss: { tokens: 'all' } })).toBeCloseTo((20 * 0.4375 + 127.5 * 0.25) / 147.5, 5);
  });

  it('counts only the masked patches with tokens: masked, and takes the plain mean with weighting: none', () => {
    expect(loss({ loss: { tokens: 'masked' } })).toBeCloseTo(0.4375, 5);
    expect(loss({ loss: { weighting: 'none', tokens: 'all' } })).toBeCloseTo((0.4375 + 0.25) / 2, 5);
    // L1 and the anomaly-map weight: patch 0 = (3 * 0.5 + 2 * 1) / 4, patch 1 = 2 * 1 / 4.
    expect(loss({ loss: { weighting: 'none', tokens: 'all', reconstruction: 'l1', anomaly_map_weight: 2 } })).toBeCloseTo((0.875 + 0.5) / 2, 5);
  });
});

describe('optimizers and schedules', () => {
  it('AdamW decays weights but not biases, and takes a step of lr on the first update', () => {
    const params = new ParameterStore(new Random(1));
    const weight = params.parameter('w', 'encoder', [1, 1], { kind: 'ones' });
    const bias = params.parameter('b', 'encoder', [1], { kind: 'ones' });
    const optimizer = optimizerRegistry.adamw({ kind: 'adamw', lr: 0.1, weight_decay: 0.5, betas: [0.9, 0.95], momentum: 0 }, params.list());
    optimizer.apply(new Map<string, tf.Tensor>([['w', tf.tensor2d([[0.3]])], ['b', tf.tensor1d([-0.3])]]), 0.1);
    // w: 1 * (1 - 0.1 * 0.5) - 0.1 * m^/(sqrt(v^) + eps) = 0.95 - 0.1; b: 1 + 0.1.
    expect(weight.dataSync()[0]).toBeCloseTo(0.85, 5);
    expect(bias.dataSync()[0]).toBeCloseTo(1.1, 5);
    optimizer.dispose();
    params.dispose();
  });

  it('AdamW and Adam match torch.optim over two steps (bias corrections, decoupled vs L2 decay)', () => {
    // Expected values from torch.optim's update rules evaluated by hand in float64: w = 1, lr 0.1, decay 0.5,
    // betas (0.9, 0.95), gradients 0.3 then -0.1.
    for (const [kind, expected] of [['adamw', 0.7670693348095989], ['adam', 0.8079895066374044]] as const) {
      const params = new ParameterStore(new Random(1));
      const weight = params.parameter('w', 'encoder', [1, 1], { kind: 'ones' });
      const optimizer = optimizerRegistry[kind]({ kind, lr: 0.1, weight_decay: 0.5, betas: [0.9, 0.95], momentum: 0 }, params.list());
      for (const gradient of [0.3, -0.1]) {
        const g = tf.tensor2d([[gradient]]);
        optimizer.apply(new Map([['w', g]]), 0.1);
        g.dispose();
      }
      expect(weight.dataSync()[0], kind).toBeCloseTo(expected, 6);
      optimizer.dispose();
      params.dispose();
    }
  });

  it('updates from values assigned to a parameter between steps (a restored checkpoint), not from its own last write', () => {
    // The optimizer keeps the weights it wrote and reads them back without a copy (host-values.ts) only while the
    // variable still holds them: after an outside assign the next step must start from the assigned values. On the
    // cpu backend (this file's), where a tensor keeps the array it was made from, the variable must not share the
    // optimizer's array either: an update in place would change it before assign.
    const params = new ParameterStore(new Random(1));
    const weight = params.parameter('w', 'encoder', [1, 2], { kind: 'ones' });
    const optimizer = optimizerRegistry.sgd({ kind: 'sgd', lr: 0.1, weight_decay: 0, betas: [0.9, 0.999], momentum: 0 }, params.list());
    const step = (gradient: number[]) => {
      const g = tf.tensor2d([gradient]);
      optimizer.apply(new Map([['w', g]]), 0.1);
      g.dispose();
    };
    step([1, 2]);
    const first = Array.from(weight.dataSync());
    expect(first).toEqual([Math.fround(0.9), Math.fround(0.8)]);
    expect(Array.from(hostValues(weight))).toEqual(first);
    const held = tf.clone(weight); // shares the variable's data
    weight.assign(tf.tensor2d([[5, 6]]));
    expect(Array.from(hostValues(weight))).toEqual([5, 6]);
    step([1, 1]);
    expect(Array.from(weight.dataSync())).toEqual([Math.fround(4.9), Math.fround(5.9)]);
    step([1, 1]);
    expect(Array.from(weight.dataSync())).toEqual([Math.fround(4.8), Math.fround(5.8)]);
    expect(Array.from(held.dataSync())).toEqual(first); // the earlier values, untouched by the later in-place updates
    held.dispose();
    optimizer.dispose();
    params.dispose();
  });

  it('warms up linearly, then follows the cosine to min_lr', () => {
    const schedule = { kind: 'cosine', warmup_epochs: 2, min_lr: 0.1 } as const;
    expect(learningRate(schedule, 1, 1, 10)).toBeCloseTo(0.5);
    expect(learningRate(schedule, 1, 2, 10)).toBeCloseTo(1);
    expect(learningRate(schedule, 1, 6, 10)).toBeCloseTo(0.55);
    expect(learningRate(schedule, 1, 10, 10)).toBeCloseTo(0.1);
    expect(learningRate({ kind: 'step', warmup_epochs: 0, min_lr: 0 }, 1, 5, 10)).toBeCloseTo(0.1);
  });
});

describe('checkpoint files', () => {
  it('round-trips meta data and tensors, and leaves no temporary file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vadc-ckpt-')), 'a.vadc');
    const tensors = [{ name: 'x', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6.5) }, { name: 'é', shape: [1], data: Float32Array.of(-7) }];
    await writeCheckpointFile(path, { meta: { step: 3 }, tensors });
    const read = await readCheckpointFile<{ step: number }>(path);
    expect(read.meta.step).toBe(3);
    expect(read.tensors).toEqual(tensors);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(path, '..'))).toEqual(['a.vadc']);
  });
});
