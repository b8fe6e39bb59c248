// A small composite of everything a training step does (patch embedding, LayerNorm, depthwise-conv + BatchNorm
// projections, multi-head attention, exact GELU MLP, a batchDims gather of kept tokens, a cls token) computed on
// cpu and on wasm: the loss, every gradient, and three AdamW steps written with plain ops must agree.
// Tolerance: relative error (max |cpu - wasm| / max |cpu| per tensor) below 1e-4 for gradients and weights after
// three steps, 1e-5 for the losses (float32 summation orders differ between the backends).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend.ts';
import { randomTensor, relativeError } from './parity-helpers.ts';

const B = 2, SIZE = 16, PATCH = 4, DIM = 8, HEADS = 2, SIDE = SIZE / PATCH, TOKENS = SIDE * SIDE, KEEP = 8;

const shapes: Record<string, number[]> = {
  embed: [PATCH, PATCH, 3, DIM], embedBias: [DIM], cls: [1, 1, DIM], normScale: [DIM], normBias: [DIM],
  depthwise: [3, 3, DIM, 1], bnScale: [DIM], bnBias: [DIM], qkv: [DIM, 3 * DIM], proj: [DIM, DIM],
  mlpIn: [1, 1, DIM, 2 * DIM], mlpOut: [1, 1, 2 * DIM, DIM], head: [DIM, PATCH * PATCH * 3],
};

function layerNorm(x: tf.Tensor, scale: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), scale), bias);
}

function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

function loss(p: Record<string, tf.Variable>, frames: tf.Tensor4D, keep: tf.Tensor2D): tf.Scalar {
  const patches = tf.add(tf.conv2d(frames, p.embed as tf.Tensor4D, PATCH, 'valid'), p.embedBias as tf.Tensor); // [B, 4, 4, D]
  // Depthwise 3x3 stride 2 + BatchNorm (plain ops) as the key/value projection's spatial step.
  const spatial = tf.depthwiseConv2d(patches as tf.Tensor4D, p.depthwise as tf.Tensor4D, 2, 'same'); // [B, 2, 2, D]
  const { mean, variance } = tf.moments(spatial, [0, 1, 2], true);
  const normed = tf.add(tf.mul(tf.mul(tf.sub(spatial, mean), tf.rsqrt(tf.add(variance, 1e-5))), p.bnScale as tf.Tensor), p.bnBias as tf.Tensor);
  const tokens = tf.gather(tf.reshape(patches, [B, TOKENS, DIM]), keep, 1, 1); // [B, KEEP, D]
  const cls = tf.tile(p.cls as tf.Tensor, [B, 1, 1]);
  const x = tf.concat([cls, tokens, tf.reshape(normed, [B, 4, DIM])], 1); // [B, 13, D]
  const length = x.shape[1] as number;
  const h = layerNorm(x, p.normScale as tf.Tensor, p.normBias as tf.Tensor);
  const qkv = tf.reshape(tf.matMul(tf.reshape(h, [B * length, DIM]), p.qkv as tf.Tensor), [B, length, 3, HEADS, DIM / HEADS]);
  const [q, k, v] = tf.unstack(tf.transpose(qkv, [2, 0, 3, 1, 4])) as [tf.Tensor, tf.Tensor, tf.Tensor]; // [B, H, L, d]
  const attention = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(DIM / HEADS)));
  const mixed = tf.reshape(tf.transpose(tf.matMul(attention, v), [0, 2, 1, 3]), [B * length, DIM]);
  const y = tf.add(x, tf.reshape(tf.matMul(mixed, p.proj as tf.Tensor), [B, length, DIM]));
  const mlp = tf.conv2d(gelu(tf.conv2d(tf.reshape(y, [B, length, 1, DIM]) as tf.Tensor4D, p.mlpIn as tf.Tensor4D, 1, 'valid')) as tf.Tensor4D, p.mlpOut as tf.Tensor4D, 1, 'valid');
  const out = tf.add(y, tf.reshape(mlp, [B, length, DIM]));
  const [, kept] = tf.split(out, [1, length - 1], 1);
  const predicted = tf.matMul(tf.reshape(tf.slice(kept as tf.Tensor, [0, 0, 0], [B, KEEP, DIM]), [B * KEEP, DIM]), p.head as tf.Tensor);
  const target = tf.reshape(tf.gather(tf.reshape(tf.maxPool(frames, 2, 2, 'valid'), [B, TOKENS, 12]), keep, 1, 1), [B * KEEP, 12]);
  return tf.mean(tf.square(tf.sub(tf.clipByValue(predicted, -3, 3), tf.tile(target, [1, 4])))) as tf.Scalar;
}

interface Trace { losses: number[]; gradients: Record<string, Float32Array>; weights: Record<string, Float32Array> }

async function train(backend: string): Promise<Trace> {
  await tf.setBackend(backend);
  const params: Record<string, tf.Variable> = {};
  Object.entries(shapes).forEach(([name, shape], i) => { params[name] = tf.variable(tf.mul(randomTensor(shape, 100 + i), 0.3), true, `${backend}-${name}`); });
  const frames = randomTensor([B, SIZE, SIZE, 3], 7) as tf.Tensor4D;
  const keep = tf.tensor2d([[0, 3, 5, 6, 9, 10, 12, 15], [1, 2, 4, 7, 8, 11, 13, 14]], [B, KEEP], 'int32');
  const moments = Object.fromEntries(Object.entries(params).map(([name, v]) => [name, { m: tf.zerosLike(v), v: tf.zerosLike(v) }]));
  const trace: Trace = { losses: [], gradients: {}, weights: {} };
  for (let step = 1; step <= 3; step++) {
    const { value, grads } = tf.variableGrads(() => loss(params, frames, keep));
    trace.losses.push(value.dataSync()[0] as number);
    if (step === 1) for (const [name, g] of Object.entries(grads)) trace.gradients[name.replace(`${backend}-`, '')] = g.dataSync() as Float32Array;
    tf.tidy(() => {
      // AdamW (betas 0.9 / 0.95, decoupled weight decay 0.05, lr 1e-2).
      for (const [name, variable] of Object.entries(params)) {
        const g = grads[variable.name] as tf.Tensor;
        const state = moments[name] as { m: tf.Tensor; v: tf.Tensor };
        const m = tf.keep(tf.add(tf.mul(state.m, 0.9), tf.mul(g, 0.1)));
        const v = tf.keep(tf.add(tf.mul(state.v, 0.95), tf.mul(tf.square(g), 0.05)));
        tf.dispose([state.m, state.v]);
        Object.assign(state, { m, v });
        const update = tf.div(tf.div(m, 1 - 0.9 ** step), tf.add(tf.sqrt(tf.div(v, 1 - 0.95 ** step)), 1e-8));
        variable.assign(tf.sub(tf.mul(variable, 1 - 1e-2 * 0.05), tf.mul(update, 1e-2)));
      }
    });
    tf.dispose([value, ...Object.values(grads)]);
  }
  for (const [name, v] of Object.entries(params)) trace.weights[name] = v.dataSync() as Float32Array;
  tf.dispose([...Object.values(params), frames, keep, ...Object.values(moments).flatMap((s) => [s.m, s.v])]);
  return trace;
}

describe('a mini transformer block trains identically on cpu and wasm', () => {
  let cpu: Trace;
  let wasm: Trace;
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 1 });
    cpu = await train('cpu');
    wasm = await train('wasm');
  });
  it('gives the same loss on each of three AdamW steps, and the loss goes down', () => {
    expect(cpu.losses[2]).toBeLessThan(cpu.losses[0] as number);
    cpu.losses.forEach((l, i) => expect(Math.abs(l - (wasm.losses[i] as number)) / Math.abs(l)).toBeLessThan(1e-5));
  });
  it('gives every gradient within tolerance (all 13 parameters, none zero)', () => {
    expect(Object.keys(wasm.gradients).sort()).toEqual(Object.keys(shapes).sort());
    for (const [name, reference] of Object.entries(cpu.gradients)) {
      expect(reference.some((x) => x !== 0), name).toBe(true);
      expect(relativeError(reference, wasm.gradients[name] as Float32Array), name).toBeLessThan(1e-4);
    }
  });
  it('gives the same weights after three steps', () => {
    for (const [name, reference] of Object.entries(cpu.weights)) {
      expect(relativeError(reference, wasm.weights[name] as Float32Array), name).toBeLessThan(1e-4);
    }
  });
});
