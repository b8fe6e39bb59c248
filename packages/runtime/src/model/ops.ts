// The operations the model and its losses are written against. The forward pass (autoencoder.ts, blocks.ts,
// attention.ts, layers.ts) and the losses (train/losses.ts) are written once, generic in the value type V; each
// engine interprets them:
//   model/tfjs-ops.ts   TF.js tensors, eager; autodiff by TF.js (the reference; training and scoring)
//   onnx/onnx-ops.ts    ONNX nodes for inference: symbolic batch, evaluation-mode BatchNorm, weights as initializers
//   onnx/tape-ops.ts    ONNX nodes for training: weights and dropout masks as inputs, training-mode BatchNorm, and
//                       gradients by the reverse-mode tape (onnx/tape.ts)
// Values are tokens [B, T, D] with the cls token first unless noted; B is the batch. `scope` names the graph nodes
// an ONNX interpreter writes (TF.js ignores it). Adding an op means adding it to all three interpreters; the parity
// tests (onnx/export-onnx.test.ts, onnx/onnx-training.test.ts) run every registered kind through all of them.
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchNorm } from './records.ts';

/** The kept-token grid of the current mask: K = rows * cols of the L tokens per frame. */
export interface KeptGrid {
  tokens: number;
  keep: number;
  rows: number;
  cols: number;
}

/** What a model description may ask of an engine. */
export interface ModelOps<V> {
  /** The mask the batch is encoded with (fixed per call / per graph). */
  readonly kept: KeptGrid;
  /** Whether dropout and training-mode BatchNorm apply. */
  readonly training: boolean;

  /** A model parameter or state variable. */
  param(variable: tf.Variable): V;
  /** Fixed values (never differentiated). */
  constant(name: string, values: Float32Array, shape: readonly number[]): V;
  /** x, with no gradient flowing back through it (torch's detach). */
  stopGradient(x: V): V;

  // Elementwise, numpy broadcasting.
  add(a: V, b: V, scope: string): V;
  sub(a: V, b: V, scope: string): V;
  mul(a: V, b: V, scope: string): V;
  scale(x: V, factor: number, scope: string): V;
  square(x: V, scope: string): V;
  abs(x: V, scope: string): V;
  gelu(x: V, scope: string): V;
  /** Inverted dropout at `rate` in training, identity otherwise. */
  dropout(x: V, rate: number, scope: string): V;
  /** Binary cross-entropy of logits z against labels y, per element (the stable form). */
  binaryCrossEntropy(z: V, y: V, scope: string): V;

  // Reductions (the reduced axes are dropped).
  mean(x: V, axes: readonly number[], scope: string): V;
  sum(x: V, axes: readonly number[], scope: string): V;

  // Shapes.
  slice(x: V, axis: number, from: number, to: number, scope: string): V;
  concat(values: readonly V[], axis: number, scope: string): V;
  /** [..., 1] -> [...]. */
  dropLastAxis(x: V, scope: string): V;

  /** x [..., in] W [in, out] (+ b [out]) -> [..., out]. */
  linear(x: V, weight: V, bias: V | null, scope: string): V;
  /** Normalised over the last axis, then gamma x + beta. */
  layerNorm(x: V, gamma: V, beta: V, epsilon: number, scope: string): V;
  /** Multi-head softmax(q k^T * scale) v on q, k, v [B, T, D]; heads are D / heads wide. -> [B, T, D]. */
  attention(q: V, k: V, v: V, heads: number, scale: number, scope: string): V;

  // Token grids, in the engine's own layout (NHWC for TF.js, NCHW for ONNX).
  /** Tokens [B, rows * cols, D] -> grid. */
  toGrid(tokens: V, rows: number, cols: number, scope: string): V;
  /** Grid -> tokens [B, rows * cols, D]. */
  fromGrid(grid: V, scope: string): V;
  /** Depthwise 3x3 convolution, zero padded, of a filter in TF.js layout [3, 3, D, 1]; `average` is the 3x3 mean with the padding counted (PyTorch's AvgPool2d). */
  depthwiseConv3x3(grid: V, filter: V | 'average', scope: string): V;
  /** BatchNorm over the grid's channels: batch statistics in training (the engine moves or reports the running statistics), running statistics otherwise. */
  batchNorm(grid: V, norm: BatchNorm, scope: string): V;

  // The masked auto-encoder's token bookkeeping.
  /** x [B, L, P] -> the kept tokens [B, K, P], in kept order. */
  keepTokens(x: V, scope: string): V;
  /** kept [B, K, D] -> [B, L, D] in image order, the mask token [1, D] at every hidden position. */
  restoreTokens(kept: V, maskToken: tf.Variable, scope: string): V;
  /** row [1, D] -> [B, 1, D]. */
  repeatBatch(row: V, scope: string): V;
}
