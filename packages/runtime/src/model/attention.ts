// CvT attention (model/cvt.py `Attention`): q, k, v are projected from the token grid by a depthwise 3x3 conv +
// BatchNorm (`dwconv-bn`), by 3x3 average pooling for k and v (`avg`; q then stays as is, as in the official code), or
// not at all (`linear`), then each goes through a Linear; the cls token joins unprojected. Multi-head softmax
// attention with the official scale dim^-0.5 (the whole width, not the head width).
import * as tf from '@tensorflow/tfjs-core';
import type { QkvProjection } from '@vadc/dsl';
import {
  batchNorm, createBatchNorm, createLinear, linear,
  type BatchNorm, type ForwardContext, type LayerBuilder, type Linear,
} from './layers.ts';

/** One spatial projection of the token grid (null = identity). */
type GridProjection = { kind: 'dwconv-bn'; filter: tf.Variable; norm: BatchNorm } | { kind: 'avg' } | null;

/** Variables and sizes of one attention layer. */
export interface Attention {
  dim: number;
  heads: number;
  projection: QkvProjection;
  grid: { q: GridProjection; k: GridProjection; v: GridProjection };
  q: Linear;
  k: Linear;
  v: Linear;
  output: Linear;
}

function createGridProjection(builder: LayerBuilder, name: string, dim: number, kind: QkvProjection): GridProjection {
  if (kind === 'linear') return null;
  if (kind === 'avg') return { kind: 'avg' };
  // Depthwise 3x3 conv without bias: PyTorch's default init has fan_in = 9 -> U(+-1/3).
  const filter = builder.params.parameter(`${name}.conv.weight`, builder.part, [3, 3, dim, 1], { kind: 'uniform', bound: 1 / 3 });
  return { kind: 'dwconv-bn', filter, norm: createBatchNorm(builder, `${name}.bn`, dim) };
}

/** Creates an attention layer of width `dim` with `heads` heads. */
export function createAttention(builder: LayerBuilder, name: string, dim: number, heads: number, projection: QkvProjection): Attention {
  if (dim % heads !== 0) throw new Error(`${name}: width ${dim} is not a multiple of ${heads} heads`);
  return {
    dim,
    heads,
    projection,
    // As the official code: with `avg`, q is not pooled (its projection falls back to 'linear').
    grid: {
      q: createGridProjection(builder, `${name}.conv_proj_q`, dim, projection === 'avg' ? 'linear' : projection),
      k: createGridProjection(builder, `${name}.conv_proj_k`, dim, projection),
      v: createGridProjection(builder, `${name}.conv_proj_v`, dim, projection),
    },
    q: createLinear(builder, `${name}.proj_q`, dim, dim),
    k: createLinear(builder, `${name}.proj_k`, dim, dim),
    v: createLinear(builder, `${name}.proj_v`, dim, dim),
    output: createLinear(builder, `${name}.proj`, dim, dim),
  };
}

// A 3x3 average with zero padding counted (PyTorch AvgPool2d's count_include_pad), as a depthwise conv.
function averagePool3x3(grid: tf.Tensor4D): tf.Tensor4D {
  const channels = grid.shape[3];
  return tf.depthwiseConv2d(grid, tf.fill([3, 3, channels, 1], 1 / 9) as tf.Tensor4D, 1, 'same');
}

function projectGrid(projection: GridProjection, grid: tf.Tensor4D, context: ForwardContext): tf.Tensor4D {
  if (projection === null) return grid;
  if (projection.kind === 'avg') return averagePool3x3(grid);
  const convolved = tf.depthwiseConv2d(grid, projection.filter as tf.Tensor4D, 1, 'same'); // [B, h, w, D]
  return batchNorm(projection.norm, convolved, context);
}

// [B, T, D] -> [B, heads, T, D / heads]
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, tokens, dim] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [batch, tokens, heads, dim / heads]), [0, 2, 1, 3]);
}

/** x [B, 1 + rows * cols, D] (cls token first) -> [B, 1 + rows * cols, D]. */
export function attention(layer: Attention, x: tf.Tensor3D, rows: number, cols: number, context: ForwardContext): tf.Tensor3D {
  const [batch, tokens, dim] = x.shape;
  let q: tf.Tensor = x, k: tf.Tensor = x, v: tf.Tensor = x;
  if (layer.projection !== 'linear') {
    const cls = tf.slice(x, [0, 0, 0], [batch, 1, dim]); // [B, 1, D]
    const grid = tf.reshape(tf.slice(x, [0, 1, 0], [batch, tokens - 1, dim]), [batch, rows, cols, dim]) as tf.Tensor4D;
    const withCls = (g: tf.Tensor4D): tf.Tensor => tf.concat([cls, tf.reshape(g, [batch, tokens - 1, dim])], 1);
    q = withCls(projectGrid(layer.grid.q, grid, context));
    k = withCls(projectGrid(layer.grid.k, grid, context));
    v = withCls(projectGrid(layer.grid.v, grid, context));
  }
  const qh = splitHeads(linear(layer.q, q), layer.heads); // [B, h, T, d]
  const kh = tf.transpose(splitHeads(linear(layer.k, k), layer.heads), [0, 1, 3, 2]); // [B, h, d, T]
  const vh = splitHeads(linear(layer.v, v), layer.heads); // [B, h, T, d]
  const scores = tf.mul(tf.matMul(qh, kh), dim ** -0.5); // [B, h, T, T]
  const mixed = tf.matMul(tf.softmax(scores), vh); // [B, h, T, d]
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tokens, dim]); // [B, T, D]
  return linear(layer.output, merged) as tf.Tensor3D;
}
