// The tape's hand-written backward rules of the grid ops (BatchNorm in training, the depthwise 3x3 conv) against
// TF.js's autodiff of the same forward, op by op, on inputs the model-level parity test does not reach: a grid whose
// mean is far from zero (the centred form of the BatchNorm gradient), gamma away from 1, and gamma / beta with and
// without gradients (a frozen stage still sends the gradient through to x).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../backend/tfjs-setup.ts'; // registers TF.js's gradient functions
import { relativeError } from '../backend/parity-helpers.ts';
import { Random } from '../random.ts';
import { OnnxGraph, OnnxType } from './onnx-graph.ts';
import { createCpuSession, loadOnnxRuntime } from './onnxruntime.ts';
import { Tape, type TapeValue } from './tape.ts';
import { onnxInstalled } from './test-onnx.ts';

// float32 with different summation orders; a dropped or mis-signed term of either gradient is off by far more.
const TOLERANCE = 1e-4;
const SHAPE = [3, 5, 4, 6] as const; // N, C, H, W
const EPSILON = 1e-5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const uniform = (count: number, seed: number, from: number, to: number): Float32Array => {
  const random = new Random(seed);
  return Float32Array.from({ length: count }, () => random.uniform(from, to));
};

interface Inputs { x: Float32Array; weights: Float32Array; gamma: Float32Array; beta: Float32Array; filter: Float32Array }

function inputs(): Inputs {
  const [n, c, h, w] = SHAPE;
  const size = n * c * h * w;
  return {
    x: uniform(size, 1, 2, 5), // mean about 3.5: the centred terms matter
    weights: uniform(size, 2, -1, 1), // loss = sum(weights * output): a gradient unlike a plain sum
    gamma: uniform(c, 3, 0.5, 2),
    beta: uniform(c, 4, -1, 1),
    filter: uniform(c * 9, 5, -1, 1),
  };
}

/** TF.js's loss gradients of sum(weights * batchNorm(depthwiseConv(x))) (NHWC inside, NCHW out) and the batch statistics. */
function reference(data: Inputs): Record<string, Float32Array> {
  const [n, c, h, w] = SHAPE;
  return tf.tidy(() => {
    const toNhwc = (values: Float32Array) => tf.transpose(tf.tensor4d(values, [n, c, h, w]), [0, 2, 3, 1]);
    const weights = toNhwc(data.weights);
    const forward = (x: tf.Tensor, filter: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const conv = tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(conv, [0, 1, 2]);
      const y = tf.add(tf.mul(tf.div(tf.sub(conv, mean), tf.sqrt(tf.add(variance, EPSILON))), gamma), beta);
      return { loss: tf.sum(tf.mul(y, weights)), mean, variance };
    };
    // Filter [C, 1, 3, 3] (the tape's layout) as TF.js's [3, 3, C, 1].
    const filter = tf.transpose(tf.tensor4d(data.filter, [c, 1, 3, 3]), [2, 3, 0, 1]);
    const args = [toNhwc(data.x), filter, tf.tensor1d(data.gamma), tf.tensor1d(data.beta)];
    const [dx, dfilter, dgamma, dbeta] = tf.grads((...a: tf.Tensor[]) => forward(a[0] as tf.Tensor, a[1] as tf.Tensor, a[2] as tf.Tensor, a[3] as tf.Tensor).loss)(args);
    const { mean, variance } = forward(...(args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]));
    const count = n * h * w;
    return {
      x: tf.transpose(dx as tf.Tensor, [0, 3, 1, 2]).dataSync() as Float32Array,
      filter: tf.transpose(dfilter as tf.Tensor, [2, 3, 0, 1]).dataSync() as Float32Array,
      gamma: (dgamma as tf.Tensor).dataSync() as Float32Array,
      beta: (dbeta as tf.Tensor).dataSync() as Float32Array,
      mean: mean.dataSync() as Float32Array,
      variance: tf.mul(variance, count / (count - 1)).dataSync() as Float32Array,
    };
  });
}

/** The same through the tape on onnxruntime: gradients of the inputs that ask for one, and the batch statistics. */
async function onTape(data: Inputs, trainParameters: boolean): Promise<Record<string, Float32Array>> {
  const c = SHAPE[1];
  const graph = new OnnxGraph('tape_test');
  const tape = new Tape(graph);
  const x = tape.input('x', SHAPE, true);
  const filter = tape.input('filter', [c, 1, 3, 3], trainParameters);
  const gamma = tape.input('gamma', [c], trainParameters);
  const beta = tape.input('beta', [c], trainParameters);
  const weights = tape.input('weights', SHAPE);
  const { y, mean, unbiasedVariance } = tape.batchNorm(tape.depthwiseConv(x, filter), gamma, beta, EPSILON);
  const loss = tape.reduceSum(tape.mul(y, weights), [0, 1, 2, 3], false);
  const asked: TapeValue[] = trainParameters ? [x, filter, gamma, beta] : [x];
  const gradients = tape.gradients(loss, asked);
  asked.forEach((value, index) => graph.output(gradients[index] as string, `grad:${value.name}`, OnnxType.float, value.shape));
  graph.output(mean, 'mean', OnnxType.float, [c]);
  graph.output(unbiasedVariance, 'variance', OnnxType.float, [c]);
  const ort = await loadOnnxRuntime();
  const session = await createCpuSession(ort, graph.encode({ name: 'vadc', version: 'test' }), 'the tape test graph', { threads: 1 });
  try {
    const feed = (values: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', values, dims);
    const outputs = await session.run({
      x: feed(data.x, SHAPE), filter: feed(data.filter, [c, 1, 3, 3]), gamma: feed(data.gamma, [c]), beta: feed(data.beta, [c]), weights: feed(data.weights, SHAPE),
    });
    const values = (name: string) => outputs[name]?.data as Float32Array;
    return Object.fromEntries([...asked.map((value) => [value.name, values(`grad:${value.name}`)]), ['mean', values('mean')], ['variance', values('variance')]]);
  } finally {
    await session.release();
  }
}

describe('tape backward rules vs TF.js autodiff', () => {
  for (const trainParameters of [true, false]) {
    it.runIf(onnxInstalled)(`BatchNorm after a depthwise conv: gradients and batch statistics (${trainParameters ? 'filter, gamma and beta trained' : 'only x'})`, async () => {
      const data = inputs();
      const want = reference(data);
      const got = await onTape(data, trainParameters);
      const compared = trainParameters ? ['x', 'filter', 'gamma', 'beta', 'mean', 'variance'] : ['x', 'mean', 'variance'];
      expect(Object.keys(got).sort()).toEqual([...compared].sort());
      for (const name of compared) {
        expect(got[name]?.length, name).toBe(want[name]?.length);
        expect(relativeError(want[name] as Float32Array, got[name] as Float32Array), name).toBeLessThan(TOLERANCE);
      }
    });
  }
});
