// The small layers the model is built from: a `create*` function makes a layer's record of variables
// (model/records.ts) and a function of a few lines applies it through the engine's operations (model/ops.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { ModelPart } from '@vadc/dsl';
import type { ModelOps } from './ops.ts';
import type { ParameterStore } from './parameters.ts';
import type { BatchNorm, LayerNorm, Linear } from './records.ts';

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

/** x [..., in] -> [..., out]. */
export function linear<V>(ops: ModelOps<V>, layer: Linear, x: V, scope: string): V {
  return ops.linear(x, ops.param(layer.weight), layer.bias === null ? null : ops.param(layer.bias), scope);
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
export function layerNorm<V>(ops: ModelOps<V>, norm: LayerNorm, x: V, scope: string): V {
  return ops.layerNorm(x, ops.param(norm.gamma), ops.param(norm.beta), norm.epsilon, scope);
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
 * Moves a BatchNorm's running statistics toward a batch's mean and unbiased variance (PyTorch's momentum rule), also
 * when the layer's part is frozen (the official model stays in train mode while its backbone is frozen). Every
 * engine ends here: TF.js in its forward pass, onnxruntime and gradient workers with the statistics they report.
 */
export function moveRunningStatistics(norm: Pick<BatchNorm, 'runningMean' | 'runningVariance' | 'momentum'>, mean: tf.Tensor, unbiasedVariance: tf.Tensor): void {
  tf.tidy(() => {
    const m = norm.momentum;
    norm.runningMean.assign(tf.add(tf.mul(norm.runningMean, 1 - m), tf.mul(mean, m)));
    norm.runningVariance.assign(tf.add(tf.mul(norm.runningVariance, 1 - m), tf.mul(unbiasedVariance, m)));
  });
}
