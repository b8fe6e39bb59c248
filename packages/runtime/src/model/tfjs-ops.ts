// The model's operations (ops.ts) on TF.js tensors: eager, differentiated by TF.js, the reference engine. Linears
// run as one 2-D MatMul on the flattened leading axes (the fast path on wasm); grids are NHWC; BatchNorm is written
// with plain ops in training so its gradient avoids wasm's slow FusedBatchNorm path.
import * as tf from '@tensorflow/tfjs-core';
import { moveRunningStatistics } from './layers.ts';
import type { TokenMask } from './masking.ts';
import type { KeptGrid, ModelOps } from './ops.ts';
import type { BatchNorm } from './records.ts';

/** Per-forward switches: training mode (dropout on, BatchNorm batch statistics + running-stat updates). */
export interface ForwardContext {
  training: boolean;
  /** A fresh seed for each dropout call (drawn from the step's Random, so runs and resumes repeat exactly). */
  dropoutSeed(): number;
  /**
   * When set, BatchNorm layers in training hand their batch statistics here instead of moving their running
   * statistics: a gradient worker's copy of the model sends them to the trainer, which moves the real model's
   * statistics in micro-batch order (`moveRunningStatistics`), exactly as one thread would.
   */
  batchStatistics?: (norm: BatchNorm, mean: tf.Tensor, unbiasedVariance: tf.Tensor) => void;
}

/** No gradient flows through x (TF.js has no stop_gradient op). */
export const stopGradient = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * x [1, ...] repeated `count` times along the first axis, as ones [count, 1, ...] x x: tf.broadcastTo is a Tile
 * whose gradient slices and adds once per repetition (2,560 Slice + Add kernels per step for the Ped2 recipe's mask
 * tokens), while a broadcasting Multiply's gradient is one Sum. x * 1 is exact, so values are unchanged.
 */
function repeatRows(x: tf.Tensor, count: number): tf.Tensor {
  return tf.mul(tf.ones([count, ...x.shape.slice(1).map(() => 1)]), x);
}

// [B, T, D] -> [B, heads, T, D / heads]
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, tokens, dim] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [batch, tokens, heads, dim / heads]), [0, 2, 1, 3]);
}

/** ModelOps on TF.js tensors, for one batch and its mask. Call inside tf.tidy / a scope: every op makes tensors. */
export class TfjsOps implements ModelOps<tf.Tensor> {
  readonly kept: KeptGrid;
  readonly training: boolean;

  constructor(private readonly mask: TokenMask, private readonly context: ForwardContext) {
    this.kept = { tokens: mask.tokens, keep: mask.keep, rows: mask.rows, cols: mask.cols };
    this.training = context.training;
  }

  param(variable: tf.Variable): tf.Tensor {
    return variable;
  }

  constant(_name: string, values: Float32Array, shape: readonly number[]): tf.Tensor {
    return tf.tensor(values, [...shape]);
  }

  stopGradient(x: tf.Tensor): tf.Tensor {
    return stopGradient(x);
  }

  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor { return tf.add(a, b); }
  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor { return tf.sub(a, b); }
  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor { return tf.mul(a, b); }
  scale(x: tf.Tensor, factor: number): tf.Tensor { return tf.mul(x, factor); }
  square(x: tf.Tensor): tf.Tensor { return tf.square(x); }
  abs(x: tf.Tensor): tf.Tensor { return tf.abs(x); }

  /** Exact GELU (PyTorch's nn.GELU default): 0.5 x (1 + erf(x / sqrt 2)). */
  gelu(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }

  dropout(x: tf.Tensor, rate: number): tf.Tensor {
    if (!this.training || rate <= 0) return x;
    return tf.dropout(x, rate, undefined, this.context.dropoutSeed());
  }

  /** max(z, 0) - z y + log(1 + exp(-|z|)). */
  binaryCrossEntropy(z: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  }

  mean(x: tf.Tensor, axes: readonly number[]): tf.Tensor { return tf.mean(x, [...axes]); }
  sum(x: tf.Tensor, axes: readonly number[]): tf.Tensor { return tf.sum(x, [...axes]); }

  slice(x: tf.Tensor, axis: number, from: number, to: number): tf.Tensor {
    const begin = x.shape.map((_, i) => (i === axis ? from : 0));
    const size = x.shape.map((d, i) => (i === axis ? to - from : d));
    return tf.slice(x, begin, size);
  }

  concat(values: readonly tf.Tensor[], axis: number): tf.Tensor { return tf.concat([...values], axis); }
  dropLastAxis(x: tf.Tensor): tf.Tensor { return tf.reshape(x, x.shape.slice(0, -1)); }

  linear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
    const [inputs, outputs] = weight.shape as [number, number];
    const leading = x.shape.slice(0, -1);
    let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, inputs]) as tf.Tensor2D, weight as tf.Tensor2D); // [N, out]
    if (bias !== null) y = tf.add(y, bias);
    return tf.reshape(y, [...leading, outputs]);
  }

  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axis, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  }

  attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, heads: number, scale: number): tf.Tensor {
    const [batch, tokens, dim] = q.shape as [number, number, number];
    const kh = tf.transpose(splitHeads(k, heads), [0, 1, 3, 2]); // [B, h, d, T]
    const scores = tf.mul(tf.matMul(splitHeads(q, heads), kh), scale); // [B, h, T, T]
    const mixed = tf.matMul(tf.softmax(scores), splitHeads(v, heads)); // [B, h, T, d]
    return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tokens, dim]);
  }

  toGrid(tokens: tf.Tensor, rows: number, cols: number): tf.Tensor {
    const [batch, , dim] = tokens.shape as [number, number, number];
    return tf.reshape(tokens, [batch, rows, cols, dim]);
  }

  fromGrid(grid: tf.Tensor): tf.Tensor {
    const [batch, rows, cols, dim] = grid.shape as [number, number, number, number];
    return tf.reshape(grid, [batch, rows * cols, dim]);
  }

  depthwiseConv3x3(grid: tf.Tensor, filter: tf.Tensor | 'average'): tf.Tensor {
    const channels = grid.shape[3] as number;
    const weights = filter === 'average' ? tf.fill([3, 3, channels, 1], 1 / 9) : filter;
    return tf.depthwiseConv2d(grid as tf.Tensor4D, weights as tf.Tensor4D, 1, 'same');
  }

  batchNorm(x: tf.Tensor, norm: BatchNorm): tf.Tensor {
    if (!this.training) {
      const scale = tf.mul(norm.gamma, tf.rsqrt(tf.add(norm.runningVariance, norm.epsilon)));
      return tf.add(tf.mul(tf.sub(x, norm.runningMean), scale), norm.beta);
    }
    const axes = [0, 1, 2];
    const mean = tf.mean(x, axes); // [C]
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axes); // [C], biased
    const count = (x.shape[0] as number) * (x.shape[1] as number) * (x.shape[2] as number);
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      if (this.context.batchStatistics) this.context.batchStatistics(norm, mean, unbiased);
      else moveRunningStatistics(norm, mean, unbiased);
    });
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, norm.epsilon))), norm.gamma), norm.beta);
  }

  keepTokens(x: tf.Tensor): tf.Tensor {
    const [batch, tokens, width] = x.shape as [number, number, number];
    const kept = tf.gather(tf.reshape(x, [batch * tokens, width]), tf.tensor1d(this.mask.keepIndex, 'int32'));
    return tf.reshape(kept, [batch, this.mask.keep, width]);
  }

  restoreTokens(kept: tf.Tensor, maskToken: tf.Variable): tf.Tensor {
    const { batch, keep, tokens } = this.mask;
    const dim = kept.shape[2] as number;
    let pool = tf.reshape(kept, [batch * keep, dim]);
    const hiddenCount = batch * (tokens - keep);
    if (hiddenCount > 0) pool = tf.concat([pool, repeatRows(maskToken, hiddenCount)], 0); // [B*L, D]
    return tf.reshape(tf.gather(pool, tf.tensor1d(this.mask.restoreIndex, 'int32')), [batch, tokens, dim]);
  }

  repeatBatch(row: tf.Tensor): tf.Tensor {
    return repeatRows(tf.reshape(row, [1, 1, row.shape[1] as number]), this.mask.batch);
  }
}
