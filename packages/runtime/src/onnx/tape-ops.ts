// The model's operations (model/ops.ts) as ONNX nodes for training, on the reverse-mode tape (tape.ts): weights are
// graph inputs (one session serves every step), dropout masks are inputs the trainer draws, BatchNorm uses batch
// statistics and reports them as outputs, and every shape is static (the tape needs them to undo broadcasting).
// Linears run as 2-D Gemm on [N, in]; grids are NCHW.
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { KeptGrid, ModelOps } from '../model/ops.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import type { BatchNorm } from '../model/records.ts';
import type { Tape, TapeValue } from './tape.ts';

/** A dropout site: its input name, shape and rate. */
export interface DropoutSite {
  name: string;
  shape: readonly number[];
  rate: number;
}

/** The graph inputs the token bookkeeping reads. */
export interface TapeMaskInputs {
  /** [B*K] int64 flat index b*L + l of each kept token. */
  keepIndex: string;
  /** [B*L] int64 where token (b, l) is in [kept B*K ; mask tokens], clamped to B*K for mask tokens. */
  restoreIndex: string;
  /** [1, B*L] 1 where the token is hidden. */
  hidden: TapeValue;
}

/** ModelOps writing a training-mode graph on a tape, for one micro-batch shape. */
export class TapeOps implements ModelOps<TapeValue> {
  readonly training = true;
  /** Parameter inputs by ParameterStore name, in first-use order. */
  readonly parameters = new Map<string, TapeValue>();
  readonly dropoutSites: DropoutSite[] = [];
  /** BatchNorm layers in forward order with their batch-statistics values. */
  readonly batchNorms: Array<{ norm: BatchNorm; mean: string; variance: string }> = [];
  private readonly trainable: Set<string>;

  constructor(
    private readonly tape: Tape,
    private readonly model: Pick<MaskedAutoencoder, 'params'>,
    trainable: readonly ParameterInfo[],
    private readonly inputs: TapeMaskInputs,
    readonly kept: KeptGrid,
    private readonly batch: number,
  ) {
    this.trainable = new Set(trainable.map((p) => p.name));
  }

  param(variable: tf.Variable): TapeValue {
    const name = this.model.params.nameOf(variable);
    let value = this.parameters.get(name);
    if (value === undefined) {
      value = this.tape.input(name, variable.shape, this.trainable.has(name));
      this.parameters.set(name, value);
    }
    return value;
  }

  constant(name: string, values: Float32Array, shape: readonly number[]): TapeValue { return this.tape.constant(name, values, shape); }
  stopGradient(x: TapeValue): TapeValue { return this.tape.detach(x); }
  add(a: TapeValue, b: TapeValue, scope: string): TapeValue { return this.tape.add(a, b, scope); }
  sub(a: TapeValue, b: TapeValue, scope: string): TapeValue { return this.tape.sub(a, b, scope); }
  mul(a: TapeValue, b: TapeValue, scope: string): TapeValue { return this.tape.mul(a, b, scope); }
  scale(x: TapeValue, factor: number, scope: string): TapeValue { return this.tape.scale(x, factor, scope); }
  square(x: TapeValue, scope: string): TapeValue { return this.tape.square(x, scope); }
  abs(x: TapeValue, scope: string): TapeValue { return this.tape.abs(x, scope); }
  gelu(x: TapeValue, scope: string): TapeValue { return this.tape.gelu(x, scope); }

  dropout(x: TapeValue, rate: number, scope: string): TapeValue {
    if (rate <= 0) return x;
    const site = { name: `dropout:${this.dropoutSites.length}`, shape: x.shape, rate };
    this.dropoutSites.push(site);
    return this.tape.mul(x, this.tape.input(site.name, site.shape), scope);
  }

  binaryCrossEntropy(z: TapeValue, y: TapeValue, scope: string): TapeValue { return this.tape.binaryCrossEntropy(z, y, scope); }
  mean(x: TapeValue, axes: readonly number[], scope: string): TapeValue { return this.tape.reduceMean(x, axes, false, scope); }
  sum(x: TapeValue, axes: readonly number[], scope: string): TapeValue { return this.tape.reduceSum(x, axes, false, scope); }
  slice(x: TapeValue, axis: number, from: number, to: number, scope: string): TapeValue { return this.tape.slice(x, axis, from, to, scope); }
  concat(values: readonly TapeValue[], axis: number, scope: string): TapeValue { return this.tape.concat(values, axis, scope); }
  dropLastAxis(x: TapeValue, scope: string): TapeValue { return this.tape.reshape(x, x.shape.slice(0, -1), scope); }

  linear(x: TapeValue, weight: TapeValue, bias: TapeValue | null, scope: string): TapeValue {
    if (x.shape.length === 2) return this.tape.gemm(x, weight, bias, scope);
    const [inputs = 0, outputs = 0] = weight.shape;
    const leading = x.shape.slice(0, -1);
    const flat = this.tape.reshape(x, [leading.reduce((a, b) => a * b, 1), inputs], `${scope}/flat`);
    return this.tape.reshape(this.tape.gemm(flat, weight, bias, scope), [...leading, outputs], `${scope}/tokens`);
  }

  layerNorm(x: TapeValue, gamma: TapeValue, beta: TapeValue, epsilon: number, scope: string): TapeValue {
    return this.tape.layerNorm(x, gamma, beta, epsilon, scope);
  }

  attention(q: TapeValue, k: TapeValue, v: TapeValue, heads: number, scale: number, scope: string): TapeValue {
    const { tape } = this;
    const [batch = 0, tokens = 0, dim = 0] = q.shape;
    // [B, T, D] -> [B, h, T, d] (one head: a free reshape instead of a transpose).
    const split = (x: TapeValue, name: string): TapeValue => heads === 1
      ? tape.reshape(x, [batch, 1, tokens, dim], `${scope}/${name}_one_head`)
      : tape.transpose(tape.reshape(x, [batch, tokens, heads, dim / heads], `${scope}/${name}_split`), [0, 2, 1, 3], `${scope}/${name}_heads`);
    const weights = tape.softmax(tape.matmul(split(q, 'q'), split(k, 'k'), { transB: true, alpha: scale }, `${scope}/scores`), `${scope}/softmax`);
    const mixed = tape.matmul(weights, split(v, 'v'), {}, `${scope}/mixed`); // [B, h, T, d]
    const merged = heads === 1 ? mixed : tape.transpose(mixed, [0, 2, 1, 3], `${scope}/merge`);
    return tape.reshape(merged, [batch, tokens, dim], `${scope}/merged`);
  }

  toGrid(tokens: TapeValue, rows: number, cols: number, scope: string): TapeValue {
    const [batch = 0, , dim = 0] = tokens.shape;
    return this.tape.transpose(this.tape.reshape(tokens, [batch, rows, cols, dim], `${scope}/nhwc`), [0, 3, 1, 2], scope);
  }

  fromGrid(grid: TapeValue, scope: string): TapeValue {
    const [batch = 0, dim = 0, rows = 0, cols = 0] = grid.shape;
    return this.tape.transpose(this.tape.reshape(grid, [batch, dim, rows * cols], `${scope}/nc`), [0, 2, 1], scope);
  }

  depthwiseConv3x3(grid: TapeValue, filter: TapeValue | 'average', scope: string): TapeValue {
    const channels = grid.shape[1] ?? 0;
    // TF.js depthwise filter [3, 3, D, 1] -> ONNX grouped-conv weight [D, 1, 3, 3].
    const weight = filter === 'average'
      ? this.tape.constant(`${scope}.average`, new Float32Array(channels * 9).fill(1 / 9), [channels, 1, 3, 3])
      : this.tape.transpose(filter, [2, 3, 0, 1], `${scope}/weight`);
    return this.tape.depthwiseConv(grid, weight, scope);
  }

  batchNorm(grid: TapeValue, norm: BatchNorm, scope: string): TapeValue {
    const { y, mean, unbiasedVariance } = this.tape.batchNorm(grid, this.param(norm.gamma), this.param(norm.beta), norm.epsilon, scope);
    this.batchNorms.push({ norm, mean, variance: unbiasedVariance });
    return y;
  }

  keepTokens(x: TapeValue, scope: string): TapeValue {
    const [batch = 0, tokens = 0, width = 0] = x.shape;
    const kept = this.tape.gatherRows(this.tape.reshape(x, [batch * tokens, width], `${scope}/flat`), this.inputs.keepIndex, batch * this.kept.keep, scope);
    return this.tape.reshape(kept, [batch, this.kept.keep, width], `${scope}/tokens`);
  }

  restoreTokens(kept: TapeValue, maskToken: tf.Variable, scope: string): TapeValue {
    const [batch = 0, keep = 0, dim = 0] = kept.shape;
    const pool = this.tape.reshape(kept, [batch * keep, dim], `${scope}/pool`);
    // With nothing masked the mask token is never read (TF.js then gives it no gradient, so AdamW leaves it alone).
    const token = keep < this.kept.tokens ? this.param(maskToken) : null;
    const restored = this.tape.restoreRows(pool, token, this.inputs.restoreIndex, this.inputs.keepIndex, this.inputs.hidden, scope);
    return this.tape.reshape(restored, [batch, this.kept.tokens, dim], `${scope}/tokens`);
  }

  repeatBatch(row: TapeValue, scope: string): TapeValue {
    const dim = row.shape[1] ?? 0;
    return this.tape.repeatRows(this.tape.reshape(row, [1, 1, dim], `${scope}/row`), this.batch, scope);
  }
}
