// The model's operations (model/ops.ts) as ONNX nodes for inference: evaluation mode (BatchNorm with the running
// statistics, no dropout), weights as initializers, a batch axis that is never fixed. Where ONNX has the op the
// arithmetic is the same in the same order (LayerNormalization, BatchNormalization, Conv with group = D for the
// depthwise 3x3, AveragePool with count_include_pad for `avg`, exact GELU through Erf in the form onnxruntime fuses
// into one Gelu kernel). Linears run as 2-D Gemm on [N, in] (bias fused); grids are NCHW.
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { KeptGrid, ModelOps } from '../model/ops.ts';
import type { BatchNorm } from '../model/records.ts';
import { float, int, ints, type OnnxGraph } from './onnx-graph.ts';

/** Choices of how the graph expresses the model (same arithmetic, different kernels). */
export interface GraphStyle {
  /**
   * Attention as onnxruntime's fused contrib op com.microsoft.MultiHeadAttention (no [B, h, T, T] score tensor
   * round trips through memory, no head transposes); the graph then runs only in onnxruntime. Otherwise standard
   * MatMul / Softmax nodes any ONNX runtime runs.
   */
  fusedAttention: boolean;
}

/** A value of the graph: its name and shape, with -1 on the axis that scales with the batch. */
export interface OnnxValue {
  name: string;
  shape: readonly number[];
}

/** The graph inputs the token bookkeeping reads. */
export interface OnnxMaskInputs {
  /** [B*K] int64 flat index b*L + l of each kept token. */
  keepIndex: string;
  /** [B*L] int64 where token (b, l) is in [kept B*K ; mask tokens]. */
  restoreIndex: string;
  /** A value whose first axis is the batch (its Shape gives B). */
  batchSource: string;
}

/** A variable's values, copied out of TF.js. */
function values(variable: tf.Tensor): Float32Array {
  return Float32Array.from(variable.dataSync() as Float32Array);
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === -1 || y === -1 ? -1 : Math.max(x, y);
  });
}

/** ModelOps writing an evaluation-mode ONNX graph. */
export class OnnxInferenceOps implements ModelOps<OnnxValue> {
  readonly training = false;
  private readonly initializers = new Map<string, OnnxValue>();

  constructor(
    private readonly graph: OnnxGraph,
    private readonly model: Pick<MaskedAutoencoder, 'params'>,
    private readonly style: GraphStyle,
    private readonly inputs: OnnxMaskInputs,
    readonly kept: KeptGrid,
  ) {}

  private node(op: string, inputs: readonly (OnnxValue | string)[], shape: readonly number[], scope: string, attributes: Parameters<OnnxGraph['node']>[2] = {}): OnnxValue {
    return { name: this.graph.node(op, inputs.map((x) => (typeof x === 'string' ? x : x.name)), attributes, scope), shape };
  }

  private reshape(x: OnnxValue, shape: readonly number[], scope: string): OnnxValue {
    return this.node('Reshape', [x, this.graph.int64s(shape)], shape, scope);
  }

  param(variable: tf.Variable): OnnxValue {
    const name = this.model.params.nameOf(variable);
    let value = this.initializers.get(name);
    if (value === undefined) {
      value = { name: this.graph.floats(name, values(variable), variable.shape), shape: variable.shape };
      this.initializers.set(name, value);
    }
    return value;
  }

  constant(name: string, data: Float32Array, shape: readonly number[]): OnnxValue {
    return { name: this.graph.floats(name, data, shape), shape };
  }

  stopGradient(x: OnnxValue): OnnxValue { return x; }
  add(a: OnnxValue, b: OnnxValue, scope: string): OnnxValue { return this.node('Add', [a, b], broadcast(a.shape, b.shape), scope); }
  sub(a: OnnxValue, b: OnnxValue, scope: string): OnnxValue { return this.node('Sub', [a, b], broadcast(a.shape, b.shape), scope); }
  mul(a: OnnxValue, b: OnnxValue, scope: string): OnnxValue { return this.node('Mul', [a, b], broadcast(a.shape, b.shape), scope); }
  scale(x: OnnxValue, factor: number, scope: string): OnnxValue { return this.node('Mul', [x, this.graph.scalar(`${scope}.factor`, factor)], x.shape, scope); }
  square(x: OnnxValue, scope: string): OnnxValue { return this.node('Mul', [x, x], x.shape, scope); }
  abs(x: OnnxValue, scope: string): OnnxValue { return this.node('Abs', [x], x.shape, scope); }

  /** 0.5 x (1 + erf(x / sqrt 2)), in the node pattern onnxruntime's GeluFusion recognises. */
  gelu(x: OnnxValue, scope: string): OnnxValue {
    const g = this.graph;
    const erf = g.node('Erf', [g.node('Div', [x.name, g.scalar('sqrt2', Math.SQRT2)], {}, `${scope}/div`)], {}, `${scope}/erf`);
    const onePlus = g.node('Add', [erf, g.scalar('one', 1)], {}, `${scope}/add`);
    return { name: g.node('Mul', [g.node('Mul', [x.name, onePlus], {}, `${scope}/mul`), g.scalar('half', 0.5)], {}, `${scope}/half`), shape: x.shape };
  }

  dropout(x: OnnxValue): OnnxValue { return x; }

  /** max(z, 0) - z y + log(1 + exp(-|z|)). */
  binaryCrossEntropy(z: OnnxValue, y: OnnxValue, scope: string): OnnxValue {
    const g = this.graph;
    const softplus = g.node('Log', [g.node('Add', [g.node('Exp', [g.node('Neg', [g.node('Abs', [z.name], {}, `${scope}/abs`)], {}, `${scope}/neg`)], {}, `${scope}/exp`), g.scalar('one', 1)], {}, `${scope}/one_plus`)], {}, `${scope}/log`);
    const linearPart = g.node('Sub', [g.node('Relu', [z.name], {}, `${scope}/relu`), g.node('Mul', [z.name, y.name], {}, `${scope}/zy`)], {}, `${scope}/linear`);
    return { name: g.node('Add', [linearPart, softplus], {}, scope), shape: z.shape };
  }

  mean(x: OnnxValue, axes: readonly number[], scope: string): OnnxValue {
    return this.node('ReduceMean', [x], x.shape.filter((_, i) => !axes.includes(i)), scope, { axes: ints(axes), keepdims: int(0) });
  }

  sum(x: OnnxValue, axes: readonly number[], scope: string): OnnxValue {
    return this.node('ReduceSum', [x, this.graph.int64s(axes)], x.shape.filter((_, i) => !axes.includes(i)), scope, { keepdims: int(0) });
  }

  slice(x: OnnxValue, axis: number, from: number, to: number, scope: string): OnnxValue {
    const g = this.graph;
    return this.node('Slice', [x, g.int64s([from]), g.int64s([to]), g.int64s([axis])], x.shape.map((d, i) => (i === axis ? to - from : d)), scope);
  }

  concat(parts: readonly OnnxValue[], axis: number, scope: string): OnnxValue {
    const first = parts[0] as OnnxValue;
    const along = parts.reduce((total, part) => (total === -1 || part.shape[axis] === -1 ? -1 : total + (part.shape[axis] ?? 0)), 0);
    return this.node('Concat', parts, first.shape.map((d, i) => (i === axis ? along : d)), scope, { axis: int(axis) });
  }

  dropLastAxis(x: OnnxValue, scope: string): OnnxValue { return this.reshape(x, x.shape.slice(0, -1), scope); }

  linear(x: OnnxValue, weight: OnnxValue, bias: OnnxValue | null, scope: string): OnnxValue {
    const [inputs = 0, outputs = 0] = weight.shape;
    const flat = x.shape.length === 2 ? x : this.reshape(x, [-1, inputs], `${scope}/flat`);
    const y = this.node('Gemm', bias === null ? [flat, weight] : [flat, weight, bias], [-1, outputs], `${scope}/gemm`);
    return x.shape.length === 2 ? { name: y.name, shape: [x.shape[0] ?? -1, outputs] } : this.reshape(y, [...x.shape.slice(0, -1), outputs], `${scope}/tokens`);
  }

  layerNorm(x: OnnxValue, gamma: OnnxValue, beta: OnnxValue, epsilon: number, scope: string): OnnxValue {
    return this.node('LayerNormalization', [x, gamma, beta], x.shape, scope, { axis: int(-1), epsilon: float(epsilon) });
  }

  attention(q: OnnxValue, k: OnnxValue, v: OnnxValue, heads: number, scale: number, scope: string): OnnxValue {
    const dim = q.shape[2] ?? 0;
    if (this.style.fusedAttention) {
      return { name: this.graph.nodeIn('com.microsoft', 'MultiHeadAttention', [q.name, k.name, v.name], { num_heads: int(heads), scale: float(scale) }, `${scope}/mha`), shape: q.shape };
    }
    // [B, T, D] -> [B, heads, T, D / heads], or [B, heads, D / heads, T] for the keys.
    const split = (x: OnnxValue, keys: boolean, name: string): string => {
      const parts = this.graph.node('Reshape', [x.name, this.graph.int64s([0, 0, heads, dim / heads])], {}, `${scope}/${name}_split`);
      return this.graph.node('Transpose', [parts], { perm: ints(keys ? [0, 2, 3, 1] : [0, 2, 1, 3]) }, `${scope}/${name}_heads`);
    };
    const g = this.graph;
    const scores = g.node('Mul', [g.node('MatMul', [split(q, false, 'q'), split(k, true, 'k')], {}, `${scope}/qk`), g.scalar(`${scope}.scale`, scale)], {}, `${scope}/scores`);
    const mixed = g.node('MatMul', [g.node('Softmax', [scores], { axis: int(-1) }, `${scope}/softmax`), split(v, false, 'v')], {}, `${scope}/mixed`);
    const merged = g.node('Transpose', [mixed], { perm: ints([0, 2, 1, 3]) }, `${scope}/merge`); // [B, T, h, d]
    return { name: g.node('Reshape', [merged, g.int64s([0, 0, dim])], {}, `${scope}/merged`), shape: q.shape };
  }

  toGrid(tokens: OnnxValue, rows: number, cols: number, scope: string): OnnxValue {
    const dim = tokens.shape[2] ?? 0;
    const channelsFirst = this.node('Transpose', [tokens], [-1, dim, rows * cols], `${scope}/channels_first`, { perm: ints([0, 2, 1]) });
    return this.node('Reshape', [channelsFirst, this.graph.int64s([0, dim, rows, cols])], [-1, dim, rows, cols], scope);
  }

  fromGrid(grid: OnnxValue, scope: string): OnnxValue {
    const [, dim = 0, rows = 0, cols = 0] = grid.shape;
    const flat = this.node('Reshape', [grid, this.graph.int64s([0, dim, rows * cols])], [-1, dim, rows * cols], `${scope}/flat`);
    return this.node('Transpose', [flat], [-1, rows * cols, dim], scope, { perm: ints([0, 2, 1]) });
  }

  depthwiseConv3x3(grid: OnnxValue, filter: OnnxValue | 'average', scope: string): OnnxValue {
    if (filter === 'average') {
      return this.node('AveragePool', [grid], grid.shape, scope, { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1) });
    }
    // TF.js depthwise filter [3, 3, D, 1] -> ONNX grouped Conv weight [D, 1, 3, 3] (both cross-correlate); a
    // transpose of an initializer, folded away by onnxruntime's constant folding.
    const channels = grid.shape[1] ?? 0;
    const weight = this.node('Transpose', [filter], [channels, 1, 3, 3], `${scope}/weight`, { perm: ints([2, 3, 0, 1]) });
    return this.node('Conv', [grid, weight], grid.shape, scope, { group: int(channels), kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([1, 1]) });
  }

  batchNorm(grid: OnnxValue, norm: BatchNorm, scope: string): OnnxValue {
    const parts = [norm.gamma, norm.beta, norm.runningMean, norm.runningVariance].map((variable) => this.param(variable));
    return this.node('BatchNormalization', [grid, ...parts], grid.shape, scope, { epsilon: float(norm.epsilon) });
  }

  keepTokens(x: OnnxValue, scope: string): OnnxValue {
    const width = x.shape[2] ?? 0;
    const kept = this.node('Gather', [this.reshape(x, [-1, width], `${scope}/flat`), this.inputs.keepIndex], [-1, width], scope, { axis: int(0) }); // [B*K, P]
    return this.reshape(kept, [-1, this.kept.keep, width], `${scope}/tokens`);
  }

  // Every restore index >= B*K names a mask token; clamping them to B*K lets one mask-token row stand for all.
  restoreTokens(kept: OnnxValue, maskToken: tf.Variable, scope: string): OnnxValue {
    const dim = kept.shape[2] ?? 0;
    const pool = this.reshape(kept, [-1, dim], `${scope}/pool`); // [B*K, D]
    const withToken = this.node('Concat', [pool, this.param(maskToken)], [-1, dim], `${scope}/pool_and_mask`, { axis: int(0) });
    const poolSize = this.graph.node('Shape', [pool.name], { start: int(0), end: int(1) }, `${scope}/pool_size`);
    const clamped = this.graph.node('Min', [this.inputs.restoreIndex, poolSize], {}, `${scope}/index`);
    const restored = this.node('Gather', [withToken, clamped], [-1, dim], `${scope}/flat`, { axis: int(0) });
    return this.reshape(restored, [-1, this.kept.tokens, dim], scope);
  }

  repeatBatch(row: OnnxValue, scope: string): OnnxValue {
    const dim = row.shape[1] ?? 0;
    const batchSize = this.graph.node('Shape', [this.inputs.batchSource], { start: int(0), end: int(1) }, `${scope}/batch`);
    const shape = this.graph.node('Concat', [batchSize, this.graph.int64s([1, dim])], { axis: int(0) }, `${scope}/shape`);
    return this.node('Expand', [this.reshape(row, [1, 1, dim], `${scope}/row`), shape], [-1, 1, dim], scope);
  }
}
