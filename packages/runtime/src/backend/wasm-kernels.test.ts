// Op-level parity of every patched wasm kernel against the cpu backend: forward values and gradients.
// Tolerance: max |cpu - wasm| / max |cpu| per tensor below 1e-5 (float32 with a different summation order);
// exact (0) where the patch only moves data (slices, gathers, segment sums).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend.ts';
import { parityError, randomTensor, runOn, valueAndGradients } from './parity-helpers.ts';

const TOLERANCE = 1e-5;

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

type Conv = { x: number[]; w: number[]; stride: number; pad: 'valid' | 'same' };

describe('conv2d forward and gradients match cpu', () => {
  const cases: Record<string, Conv> = {
    'patch embedding (kernel = stride 4)': { x: [2, 16, 16, 3], w: [4, 4, 3, 8], stride: 4, pad: 'valid' },
    'patch embedding with rows/columns past the last patch': { x: [1, 18, 19, 3], w: [4, 4, 3, 5], stride: 4, pad: 'valid' },
    'pointwise 1x1': { x: [2, 5, 5, 6], w: [1, 1, 6, 4], stride: 1, pad: 'valid' },
    '3x3 same, stride 1': { x: [2, 7, 6, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
    '3x3 same, stride 2': { x: [1, 9, 8, 2], w: [3, 3, 2, 3], stride: 2, pad: 'same' },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const error = await parityError(valueAndGradients(
        (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad),
        () => [randomTensor(c.x, 1), randomTensor(c.w, 2)],
      ));
      expect(error).toBeLessThan(TOLERANCE);
    });
  }
});

describe('depthwise conv forward and gradients match cpu', () => {
  const cases: Record<string, Conv> = {
    '3x3 same, stride 1': { x: [2, 6, 7, 4], w: [3, 3, 4, 1], stride: 1, pad: 'same' },
    '3x3 same, stride 2': { x: [2, 7, 8, 3], w: [3, 3, 3, 1], stride: 2, pad: 'same' },
    '3x3 valid, stride 2, multiplier 2': { x: [1, 7, 7, 2], w: [3, 3, 2, 2], stride: 2, pad: 'valid' },
    '3x3 same, stride 1, multiplier 2': { x: [1, 5, 5, 2], w: [3, 3, 2, 2], stride: 1, pad: 'same' },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const error = await parityError(valueAndGradients(
        (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad),
        () => [randomTensor(c.x, 3), randomTensor(c.w, 4)],
      ));
      expect(error).toBeLessThan(TOLERANCE);
    });
  }
});

describe('matMul on the fast paths matches cpu', () => {
  const cases: Record<string, [number[], number[], boolean, boolean]> = {
    'linear layer as [B*N, D] x [D, E]': [[15, 8], [8, 6], false, false],
    'attention scores q k^T, batch 6': [[6, 5, 4], [6, 7, 4], false, true],
    'attention values p v, batch 6': [[6, 5, 7], [6, 7, 4], false, false],
    'transposeA, 2-d': [[8, 5], [8, 3], true, false],
    'rank 4 batched': [[2, 3, 5, 4], [2, 3, 4, 6], false, false],
  };
  it('[B, N, D] x [D, E] forward (the batch folded into rows; TF.js has no gradient for this broadcast)', async () => {
    expect(await parityError(() => tf.matMul(randomTensor([3, 5, 8], 5), randomTensor([8, 6], 6)))).toBeLessThan(TOLERANCE);
  });
  for (const [name, [aShape, bShape, ta, tb]] of Object.entries(cases)) {
    it(name, async () => {
      const error = await parityError(valueAndGradients(
        (a, b) => tf.matMul(a as tf.Tensor, b as tf.Tensor, ta, tb),
        () => [randomTensor(aShape, 5), randomTensor(bShape, 6)],
      ));
      expect(error).toBeLessThan(TOLERANCE);
    });
  }
});

describe('gathers and slices match cpu exactly', () => {
  it('GatherV2 with batchDims = 1 (wrong in stock wasm, tfjs#8658) and its gradient', async () => {
    const compute = valueAndGradients(
      (x) => tf.gather(x as tf.Tensor, tf.tensor2d([[2, 0, 1], [1, 1, 3]], [2, 3], 'int32'), 1, 1),
      () => [randomTensor([2, 4, 5], 7)],
    );
    expect(await parityError(compute)).toBe(0);
    // Hand-checked values: row b of the output is x[b, indices[b]].
    await tf.setBackend('wasm');
    const x = tf.tensor3d([[[1], [2], [3], [4]], [[5], [6], [7], [8]]]);
    const out = tf.gather(x, tf.tensor2d([[3, 0], [1, 2]], [2, 2], 'int32'), 1, 1);
    expect(Array.from(out.dataSync())).toEqual([4, 1, 6, 7]);
    tf.dispose([x, out]);
  });
  it('GatherV2 axis 0 and 1 and gatherND, with gradients (UnsortedSegmentSum)', async () => {
    const indices = () => tf.tensor1d([3, 0, 3, 1], 'int32');
    expect(await parityError(valueAndGradients((x) => tf.gather(x as tf.Tensor, indices(), 0), () => [randomTensor([5, 3], 8)]))).toBe(0);
    expect(await parityError(valueAndGradients((x) => tf.gather(x as tf.Tensor, indices(), 1), () => [randomTensor([2, 4, 3], 9)]))).toBe(0);
    expect(await parityError(() => tf.gatherND(randomTensor([3, 4, 2], 10), tf.tensor2d([[0, 1], [2, 3]], [2, 2], 'int32')))).toBe(0);
  });
  it('UnsortedSegmentSum drops out-of-range ids', async () => {
    const result = await runOn('wasm', () => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 5, 1], 'int32'), 2));
    expect(Array.from(result.data[0] as Float32Array)).toEqual([0, 0, 6, 8]);
  });
  it('slice, split, unstack and concat, with gradients', async () => {
    const f = (x: tf.Tensor): tf.Tensor => {
      const [a, b] = tf.split(x, [1, 3], 2);
      const rows = tf.unstack(x, 1);
      const sliced = tf.slice(x, [0, 1, 1], [2, 2, 2]);
      const firstRow = tf.tile(tf.expandDims(rows[0] as tf.Tensor, 1), [1, 3, 1]);
      return tf.concat([a as tf.Tensor, b as tf.Tensor, tf.pad(sliced, [[0, 0], [0, 1], [0, 0]]), firstRow], 2);
    };
    expect(await parityError(valueAndGradients(f, () => [randomTensor([2, 3, 4], 11)]))).toBe(0);
  });
  it('stridedSlice (unit and real strides; TF.js has no gradient for it) and slice values by hand', async () => {
    const f = (): tf.Tensor[] => {
      const x = randomTensor([3, 4, 5], 12);
      return [tf.stridedSlice(x, [1, 0, 0], [3, 4, 5], [1, 1, 1]), tf.stridedSlice(x, [0, 1, 0], [3, 4, 5], [2, 2, 1]), tf.slice(x, [0, 1, 2], [3, 2, 2])];
    };
    expect(await parityError(f)).toBe(0);
    const result = await runOn('wasm', () => tf.slice(tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), [1, 1], [2, 2]));
    expect(Array.from(result.data[0] as Float32Array)).toEqual([5, 6, 8, 9]);
  });
});

describe('the other ops of training match cpu', () => {
  const cases: Record<string, [(...xs: tf.Tensor[]) => tf.Tensor, number[][]]> = {
    'layer norm': [(x, g, b) => {
      const { mean, variance } = tf.moments(x as tf.Tensor, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x as tf.Tensor, mean), tf.sqrt(tf.add(variance, 1e-6))), g as tf.Tensor), b as tf.Tensor);
    }, [[2, 5, 8], [8], [8]]],
    'batch norm with plain ops': [(x, g, b) => {
      const { mean, variance } = tf.moments(x as tf.Tensor, [0, 1, 2], true);
      return tf.add(tf.mul(tf.mul(tf.sub(x as tf.Tensor, mean), tf.rsqrt(tf.add(variance, 1e-5))), g as tf.Tensor), b as tf.Tensor);
    }, [[2, 4, 4, 3], [3], [3]]],
    'gelu via erf': [(x) => tf.mul(tf.mul(x as tf.Tensor, 0.5), tf.add(1, tf.erf(tf.div(x as tf.Tensor, Math.SQRT2)))), [[4, 6]]],
    'softmax': [(x) => tf.softmax(x as tf.Tensor), [[2, 3, 7]]],
    'max pool 2x2 and 3x3 stride 2': [(x) => tf.add(tf.mean(tf.maxPool(x as tf.Tensor4D, 2, 2, "valid")), tf.sum(tf.maxPool(x as tf.Tensor4D, 3, 2, "same"))), [[2, 6, 6, 3]]],
    'mean / sum / max reductions': [(x) => tf.stack([tf.mean(x as tf.Tensor, 1), tf.sum(x as tf.Tensor, 1), tf.max(x as tf.Tensor, 1)]), [[3, 5, 4]]],
    'clip, square, squared difference': [(x, y) => tf.add(tf.clipByValue(x as tf.Tensor, -0.3, 0.4), tf.squaredDifference(x as tf.Tensor, y as tf.Tensor)), [[3, 4], [3, 4]]],
  };
  for (const [name, [f, shapes]] of Object.entries(cases)) {
    it(name, async () => {
      const error = await parityError(valueAndGradients(f, () => shapes.map((shape, i) => randomTensor(shape, 20 + i))));
      expect(error).toBeLessThan(TOLERANCE);
    });
  }
});

describe('the patched kernels do not leak', () => {
  it('keeps tf.memory().numTensors and the wasm heap tensor count flat over repeated calls', async () => {
    await tf.setBackend('wasm');
    const step = (): void => {
      tf.tidy(() => {
        const x = randomTensor([2, 8, 8, 3], 1);
        const w = randomTensor([4, 4, 3, 4], 2);
        const d = randomTensor([3, 3, 4, 1], 3);
        const loss = (xx: tf.Tensor, ww: tf.Tensor, dd: tf.Tensor): tf.Scalar => {
          const patches = tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 4, 'valid');
          const mixed = tf.depthwiseConv2d(patches, dd as tf.Tensor4D, 2, 'same');
          const tokens = tf.reshape(patches, [2, 4, 4]);
          const scores = tf.matMul(tokens, tokens, false, true);
          const picked = tf.gather(tokens, tf.tensor2d([[0, 2], [1, 3]], [2, 2], 'int32'), 1, 1);
          return tf.add(tf.add(tf.sum(mixed), tf.sum(tf.softmax(scores))), tf.sum(picked)) as tf.Scalar;
        };
        tf.grads(loss)([x, w, d]);
      });
    };
    step();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
