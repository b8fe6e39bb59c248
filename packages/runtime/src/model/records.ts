// The model's layers as plain records of named variables (made by the `create*` functions of layers.ts,
// attention.ts, blocks.ts and autoencoder.ts from a ParameterStore). Every engine reads the same records: TF.js uses
// the variables themselves, the ONNX graphs read their values or feed them as inputs (model/ops.ts).
import type * as tf from '@tensorflow/tfjs-core';
import type { BlockKind, QkvProjection } from '@vadc/dsl';

/** y = x W + b. */
export interface Linear {
  weight: tf.Variable; // [in, out]
  bias: tf.Variable | null; // [out]
}

/** LayerNorm over the last axis. */
export interface LayerNorm {
  gamma: tf.Variable; // [D]
  beta: tf.Variable; // [D]
  epsilon: number;
}

/** BatchNorm2d over channels, with running statistics as non-trainable state (PyTorch's momentum 0.1). */
export interface BatchNorm {
  gamma: tf.Variable; // [C]
  beta: tf.Variable; // [C]
  runningMean: tf.Variable; // [C]
  runningVariance: tf.Variable; // [C]
  epsilon: number;
  momentum: number;
}

/** The variables of one projection of the token grid (empty for the kinds that have none). */
export interface GridProjectionWeights {
  /** Depthwise 3x3 filter in TF.js layout [3, 3, D, 1]. */
  filter?: tf.Variable;
  norm?: BatchNorm;
}

/** Variables and sizes of one attention layer. */
export interface Attention {
  dim: number;
  heads: number;
  /** The projection kind of q, k and v (q may differ: `avg` leaves it unpooled, as the official code). */
  projection: { q: QkvProjection; k: QkvProjection; v: QkvProjection };
  grid: { q: GridProjectionWeights; k: GridProjectionWeights; v: GridProjectionWeights };
  q: Linear;
  k: Linear;
  v: Linear;
  output: Linear;
}

/** Variables of one transformer block. */
export interface Block {
  kind: BlockKind;
  norm1: LayerNorm;
  attention: Attention;
  norm2: LayerNorm;
  fc1: Linear;
  fc2: Linear;
  dropout: number;
}

/** A prediction head: norm + linear to the frame channels (+ a linear to the anomaly-map channels). */
export interface Head {
  norm: LayerNorm;
  frame: Linear; // [D, p*p*F]
  anomaly: Linear | null; // [D, p*p*A]
}
