// The small layers the model is built from, on plain tfjs-core ops (no tfjs-layers): linear, LayerNorm,
// BatchNorm (plain ops in training, so its gradient avoids wasm's slow FusedBatchNorm path), exact GELU, dropout.
// Each layer is a plain record of variables made by `create*` and applied by a function of ~10 lines.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelPart } from '@vadc/dsl';
import type { ParameterStore } from './parameters.ts';

/**
 * How fresh weights are drawn. `pytorch`: what the official AED-MAE model gets (it never calls an init function,
 * so every Linear / Conv2d keeps PyTorch's default U(+-1/sqrt(fan_in)) for weights and biases); `trunc-normal`: CvT's
 * `_init_weights_trunc_normal` (linear weights N(0, 0.02) truncated, biases 0). Norms are ones / zeros in both.
 */
export type InitStyle = 'pytorch' | 'trunc-normal';

/** What layer constructors need: where variables go, the part they belong to and the init style. */
export interface LayerBuilder {
  params: ParameterStore;
  part: ModelPart;
  init: InitStyle;
}

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

/** y = x W + b. */
export interface Linear {
  weight: tf.Variable; // [in, out]
  bias: tf.Variable | null; // [out]
}

/** Creates a linear layer `name.weight` [in, out] (+ `name.bias` [out]). */
export function createLinear(builder: LayerBuilder, name: string, inputs: number, outputs: number, bias = true): Linear {
  const bound = 1 / Math.sqrt(inputs);
  const weightInit = builder.init === 'pytorch' ? { kind: 'uniform', bound } as const : { kind: 'trunc-normal', std: 0.02 } as const;
  const biasInit = builder.init === 'pytorch' ? { kind: 'uniform', bound } as const : { kind: 'zeros' } as const;
  return {
    weight: builder.params.parameter(`${name}.weight`, builder.part, [inputs, outputs], weightInit),
    bias: bias ? builder.params.parameter(`${name}.bias`, builder.part, [outputs], biasInit) : null,
  };
}

/** x [..., in] -> [..., out], as one 2-D MatMul (the fast path on wasm) on the flattened leading axes. */
export function linear(layer: { weight: tf.Tensor; bias: tf.Tensor | null }, x: tf.Tensor): tf.Tensor {
  const [inputs, outputs] = layer.weight.shape as [number, number];
  const leading = x.shape.slice(0, -1);
  let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, inputs]) as tf.Tensor2D, layer.weight as tf.Tensor2D); // [N, out]
  if (layer.bias !== null) y = tf.add(y, layer.bias);
  return tf.reshape(y, [...leading, outputs]);
}

/** LayerNorm over the last axis. */
export interface LayerNorm {
  gamma: tf.Variable; // [D]
  beta: tf.Variable; // [D]
  epsilon: number;
}

/** Creates a LayerNorm (the official model uses eps 1e-6 everywhere). */
export function createLayerNorm(builder: LayerBuilder, name: string, dim: number, epsilon = 1e-6): LayerNorm {
  return {
    gamma: builder.params.parameter(`${name}.weight`, builder.part, [dim], { kind: 'ones' }),
    beta: builder.params.parameter(`${name}.bias`, builder.part, [dim], { kind: 'zeros' }),
    epsilon,
  };
}

/** x [..., D] normalised per position over D. */
export function layerNorm(norm: LayerNorm, x: tf.Tensor): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, norm.epsilon))), norm.gamma), norm.beta);
}

/** BatchNorm2d over NHWC channels, with running statistics as non-trainable state (PyTorch's momentum 0.1). */
export interface BatchNorm {
  gamma: tf.Variable; // [C]
  beta: tf.Variable; // [C]
  runningMean: tf.Variable; // [C]
  runningVariance: tf.Variable; // [C]
  epsilon: number;
  momentum: number;
}

/** Creates a BatchNorm with PyTorch's defaults (eps 1e-5, momentum 0.1). */
export function createBatchNorm(builder: LayerBuilder, name: string, channels: number): BatchNorm {
  return {
    gamma: builder.params.parameter(`${name}.weight`, builder.part, [channels], { kind: 'ones' }),
    beta: builder.params.parameter(`${name}.bias`, builder.part, [channels], { kind: 'zeros' }),
    runningMean: builder.params.state(`${name}.running_mean`, builder.part, [channels], { kind: 'zeros' }),
    runningVariance: builder.params.state(`${name}.running_var`, builder.part, [channels], { kind: 'ones' }),
    epsilon: 1e-5,
    momentum: 0.1,
  };
}

/**
 * x [B, H, W, C]. Training: normalise with the batch's biased variance and move the running statistics toward the
 * batch's (unbiased variance, as PyTorch), also when the layer's part is frozen (the official model stays in train
 * mode while its backbone is frozen). Evaluation: normalise with the running statistics.
 */
export function batchNorm(norm: BatchNorm, x: tf.Tensor4D, context: ForwardContext): tf.Tensor4D {
  if (!context.training) {
    const scale = tf.mul(norm.gamma, tf.rsqrt(tf.add(norm.runningVariance, norm.epsilon)));
    return tf.add(tf.mul(tf.sub(x, norm.runningMean), scale), norm.beta) as tf.Tensor4D;
  }
  const mean = tf.mean(x, [0, 1, 2]); // [C]
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), [0, 1, 2]); // [C], biased
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  tf.tidy(() => {
    const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
    if (context.batchStatistics) context.batchStatistics(norm, mean, unbiased);
    else moveRunningStatistics(norm, mean, unbiased);
  });
  const scaled = tf.mul(centred, tf.rsqrt(tf.add(variance, norm.epsilon)));
  return tf.add(tf.mul(scaled, norm.gamma), norm.beta) as tf.Tensor4D;
}

/** Moves a BatchNorm's running statistics toward a batch's mean and unbiased variance (PyTorch's momentum rule). */
export function moveRunningStatistics(norm: Pick<BatchNorm, 'runningMean' | 'runningVariance' | 'momentum'>, mean: tf.Tensor, unbiasedVariance: tf.Tensor): void {
  tf.tidy(() => {
    const m = norm.momentum;
    norm.runningMean.assign(tf.add(tf.mul(norm.runningMean, 1 - m), tf.mul(mean, m)));
    norm.runningVariance.assign(tf.add(tf.mul(norm.runningVariance, 1 - m), tf.mul(unbiasedVariance, m)));
  });
}

/** Exact GELU (PyTorch's nn.GELU default): 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Inverted dropout in training, identity otherwise. */
export function dropout(x: tf.Tensor, rate: number, context: ForwardContext): tf.Tensor {
  if (!context.training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, context.dropoutSeed());
}
