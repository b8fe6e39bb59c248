// The model's layers (model/layers.ts, attention.ts, blocks.ts) written as ONNX nodes, in evaluation mode: the same
// arithmetic in the same order wherever ONNX has the op (LayerNormalization, BatchNormalization with the running
// statistics, Conv with group = D for the depthwise 3x3, AveragePool with count_include_pad for `avg`, exact GELU
// through Erf in the form onnxruntime fuses into one Gelu kernel). Tokens are [B, T, D] with the cls token first;
// linears run as 2-D Gemm on [B*T, D] (bias fused); the depthwise convs run on an NCHW view [B, D, rows, cols] of the
// grid tokens. The batch axis is never fixed here.
import * as tf from '@tensorflow/tfjs-core';
import type { Attention } from '../model/attention.ts';
import type { Block } from '../model/blocks.ts';
import type { BatchNorm, LayerNorm, Linear } from '../model/layers.ts';
import { float, int, ints, type OnnxGraph } from './onnx-graph.ts';
import { OnnxError } from './onnx-error.ts';

/** Choices of how the graph expresses the model (same arithmetic, different kernels). */
export interface GraphStyle {
  /**
   * Attention as onnxruntime's fused contrib op com.microsoft.MultiHeadAttention (no [B, h, T, T] score tensor
   * round trips through memory, no head transposes); the graph then runs only in onnxruntime. Otherwise standard
   * MatMul / Softmax nodes any ONNX runtime runs.
   */
  fusedAttention: boolean;
}

/** A variable's values, copied out of TF.js. */
export function values(variable: tf.Variable | tf.Tensor): Float32Array {
  return Float32Array.from(variable.dataSync() as Float32Array);
}

/** x [N, in] -> [N, out]: one Gemm with the bias fused (a 2-D MatMul + Add would cost a second pass over the output). */
export function linear2d(graph: OnnxGraph, layer: Linear, x: string, scope: string): string {
  const [inputs, outputs] = layer.weight.shape as [number, number];
  const weight = graph.floats(`${scope}.weight`, values(layer.weight), [inputs, outputs]);
  const bias = layer.bias === null ? [] : [graph.floats(`${scope}.bias`, values(layer.bias), [outputs])];
  return graph.node('Gemm', [x, weight, ...bias], {}, `${scope}/gemm`);
}

/** Tokens [B, T, D] -> [B*T, D] (a free reshape: 2-D is where onnxruntime fuses the bias into the MatMul). */
export function flatten(graph: OnnxGraph, x: string, dim: number, scope: string): string {
  return graph.node('Reshape', [x, graph.int64s([-1, dim])], {}, `${scope}/flat`);
}

/** [B*T, D] -> tokens [B, T, D]. */
export function unflatten(graph: OnnxGraph, x: string, tokens: number, dim: number, scope: string): string {
  return graph.node('Reshape', [x, graph.int64s([-1, tokens, dim])], {}, `${scope}/tokens`);
}

/** Tokens x [B, T, in] -> [B, T, out]. */
export function linear(graph: OnnxGraph, layer: Linear, x: string, tokens: number, scope: string): string {
  const [inputs, outputs] = layer.weight.shape as [number, number];
  return unflatten(graph, linear2d(graph, layer, flatten(graph, x, inputs, scope), scope), tokens, outputs, scope);
}

/** x [..., D] normalised over the last axis (LayerNormalization, opset 17). */
export function layerNorm(graph: OnnxGraph, norm: LayerNorm, x: string, scope: string): string {
  const dim = norm.gamma.shape[0] as number;
  const gamma = graph.floats(`${scope}.weight`, values(norm.gamma), [dim]);
  const beta = graph.floats(`${scope}.bias`, values(norm.beta), [dim]);
  return graph.node('LayerNormalization', [x, gamma, beta], { axis: int(-1), epsilon: float(norm.epsilon) }, scope);
}

/** Exact GELU 0.5 x (1 + erf(x / sqrt 2)), in the node pattern onnxruntime's GeluFusion recognises. */
export function gelu(graph: OnnxGraph, x: string, scope: string): string {
  const erf = graph.node('Erf', [graph.node('Div', [x, graph.scalar('sqrt2', Math.SQRT2)], {}, `${scope}/div`)], {}, `${scope}/erf`);
  const onePlus = graph.node('Add', [erf, graph.scalar('one', 1)], {}, `${scope}/add`);
  return graph.node('Mul', [graph.node('Mul', [x, onePlus], {}, `${scope}/mul`), graph.scalar('half', 0.5)], {}, `${scope}/half`);
}

/** Tokens [B, T, D] -> tokens from..to along axis 1. */
export function sliceTokens(graph: OnnxGraph, x: string, from: number, to: number, scope: string): string {
  return graph.node('Slice', [x, graph.int64s([from]), graph.int64s([to]), graph.int64s([1])], {}, scope);
}

/** BatchNorm in evaluation mode on NCHW [B, C, H, W]. */
function batchNorm(graph: OnnxGraph, norm: BatchNorm, x: string, scope: string): string {
  const channels = norm.gamma.shape[0] as number;
  const inputs = [norm.gamma, norm.beta, norm.runningMean, norm.runningVariance]
    .map((variable, index) => graph.floats(`${scope}.${['weight', 'bias', 'running_mean', 'running_var'][index]}`, values(variable), [channels]));
  return graph.node('BatchNormalization', [x, ...inputs], { epsilon: float(norm.epsilon) }, scope);
}

type GridProjection = Attention['grid']['q'];

// grid [B, D, rows, cols] -> [B, D, rows, cols]; null = identity.
function projectGrid(graph: OnnxGraph, projection: GridProjection, grid: string, scope: string): string {
  if (projection === null) return grid;
  if (projection.kind === 'avg') {
    return graph.node('AveragePool', [grid], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1) }, `${scope}/avg`);
  }
  // TF.js depthwise filter [3, 3, D, 1] -> ONNX grouped Conv weight [D, 1, 3, 3] (both cross-correlate).
  const [kh, kw, channels] = projection.filter.shape as [number, number, number, number];
  const filter = tf.tidy(() => values(tf.transpose(projection.filter, [2, 3, 0, 1])));
  const weight = graph.floats(`${scope}.conv.weight`, filter, [channels, 1, kh, kw]);
  const convolved = graph.node('Conv', [grid, weight], {
    group: int(channels), kernel_shape: ints([kh, kw]), pads: ints([1, 1, 1, 1]), strides: ints([1, 1]),
  }, `${scope}/conv`);
  return batchNorm(graph, projection.norm, convolved, `${scope}.bn`);
}

// [B, T, D] -> [B, heads, T, D / heads], or [B, heads, D / heads, T] for the keys.
function splitHeads(graph: OnnxGraph, x: string, heads: number, dim: number, keys: boolean, scope: string): string {
  const split = graph.node('Reshape', [x, graph.int64s([0, 0, heads, dim / heads])], {}, `${scope}/split`);
  return graph.node('Transpose', [split], { perm: ints(keys ? [0, 2, 3, 1] : [0, 2, 1, 3]) }, `${scope}/heads`);
}

/** Attention on x [B, 1 + rows * cols, D] (cls first) -> same shape. */
export function attention(graph: OnnxGraph, layer: Attention, x: string, rows: number, cols: number, scope: string, style: GraphStyle): string {
  const { dim, heads } = layer;
  const tokens = 1 + rows * cols;
  let q = x, k = x, v = x;
  if (layer.projection !== 'linear') {
    const cls = sliceTokens(graph, x, 0, 1, `${scope}/cls`);
    const gridTokens = sliceTokens(graph, x, 1, tokens, `${scope}/grid_tokens`); // [B, rows*cols, D]
    const channelsFirst = graph.node('Transpose', [gridTokens], { perm: ints([0, 2, 1]) }, `${scope}/channels_first`);
    const grid = graph.node('Reshape', [channelsFirst, graph.int64s([0, dim, rows, cols])], {}, `${scope}/grid`); // [B, D, rows, cols]
    const back = (projected: string, name: string): string => {
      const flat = graph.node('Reshape', [projected, graph.int64s([0, dim, rows * cols])], {}, `${scope}/${name}_flat`);
      const tokensLast = graph.node('Transpose', [flat], { perm: ints([0, 2, 1]) }, `${scope}/${name}_tokens`);
      return graph.node('Concat', [cls, tokensLast], { axis: int(1) }, `${scope}/${name}_with_cls`);
    };
    const project = (projection: GridProjection, name: string): string =>
      projection === null ? x : back(projectGrid(graph, projection, grid, `${scope}.conv_proj_${name}`), name);
    q = project(layer.grid.q, 'q');
    k = project(layer.grid.k, 'k');
    v = project(layer.grid.v, 'v');
  }
  const projected = { q: linear(graph, layer.q, q, tokens, `${scope}.proj_q`), k: linear(graph, layer.k, k, tokens, `${scope}.proj_k`), v: linear(graph, layer.v, v, tokens, `${scope}.proj_v`) }; // [B, T, D]
  if (style.fusedAttention) {
    // softmax(q k^T * scale) v per head, heads merged back to [B, T, D]; the official scale is dim^-0.5 (whole width).
    const mixed = graph.nodeIn('com.microsoft', 'MultiHeadAttention', [projected.q, projected.k, projected.v], { num_heads: int(heads), scale: float(dim ** -0.5) }, `${scope}/mha`);
    return linear(graph, layer.output, mixed, tokens, `${scope}.proj`);
  }
  const qh = splitHeads(graph, projected.q, heads, dim, false, `${scope}/q`); // [B, h, T, d]
  const kh = splitHeads(graph, projected.k, heads, dim, true, `${scope}/k`); // [B, h, d, T]
  const vh = splitHeads(graph, projected.v, heads, dim, false, `${scope}/v`); // [B, h, T, d]
  const scores = graph.node('Mul', [graph.node('MatMul', [qh, kh], {}, `${scope}/qk`), graph.scalar(`${scope}.scale`, dim ** -0.5)], {}, `${scope}/scores`);
  const mixed = graph.node('MatMul', [graph.node('Softmax', [scores], { axis: int(-1) }, `${scope}/softmax`), vh], {}, `${scope}/mixed`);
  const merged = graph.node('Transpose', [mixed], { perm: ints([0, 2, 1, 3]) }, `${scope}/merge`); // [B, T, h, d]
  const flat = graph.node('Reshape', [merged, graph.int64s([0, 0, dim])], {}, `${scope}/merged`); // [B, T, D]
  return linear(graph, layer.output, flat, tokens, `${scope}.proj`);
}

// h [B, T, D] -> [B, T, D]; the hidden [B*T, D*ratio] stays 2-D.
function mlp(graph: OnnxGraph, layer: Block, h: string, tokens: number, scope: string): string {
  const dim = layer.fc1.weight.shape[0] as number;
  const hidden = gelu(graph, linear2d(graph, layer.fc1, flatten(graph, h, dim, scope), `${scope}.fc1`), `${scope}/gelu`);
  return unflatten(graph, linear2d(graph, layer.fc2, hidden, `${scope}.fc2`), tokens, dim, scope);
}

/** One block on x [B, 1 + rows * cols, D] -> same shape. */
export function block(graph: OnnxGraph, layer: Block, x: string, rows: number, cols: number, scope: string, style: GraphStyle): string {
  const tokens = 1 + rows * cols;
  const attended = graph.node('Add', [x, attention(graph, layer.attention, layerNorm(graph, layer.norm1, x, `${scope}.norm1`), rows, cols, `${scope}.attn`, style)], {}, `${scope}/residual1`);
  const h = layerNorm(graph, layer.norm2, attended, `${scope}.norm2`);
  let mixed: string;
  switch (layer.kind) {
    case 'cvt-pointwise': {
      // The cls token skips the MLP (its row of the MLP output is the normalised input itself).
      const grid = mlp(graph, layer, sliceTokens(graph, h, 1, tokens, `${scope}/grid_tokens`), tokens - 1, `${scope}.mlp`);
      mixed = graph.node('Concat', [sliceTokens(graph, h, 0, 1, `${scope}/cls`), grid], { axis: int(1) }, `${scope}/mlp_out`);
      break;
    }
    case 'cvt-mlp':
      mixed = mlp(graph, layer, h, tokens, `${scope}.mlp`);
      break;
    default:
      throw new OnnxError('ONNX_UNSUPPORTED', `block kind ${String((layer as { kind: unknown }).kind)} has no ONNX mapping`);
  }
  return graph.node('Add', [attended, mixed], {}, `${scope}/residual2`);
}
