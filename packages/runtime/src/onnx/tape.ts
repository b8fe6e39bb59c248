// Reverse-mode differentiation written as ONNX nodes. onnxruntime-node's CPU build runs graphs but has no training
// API, so a training step is an ordinary graph whose outputs include the gradients: each op below adds its forward
// node(s) and, when one of its inputs needs a gradient, records how to turn its output's gradient into its inputs'
// gradients; `gradients(loss)` replays those records in reverse and returns the gradient value of every input that
// asked for one. Shapes are static (the batch is fixed when the graph is built), so broadcasting is undone with
// plain ReduceSum + Reshape. Ops with a cheaper closed-form gradient (LayerNorm, BatchNorm, softmax, GELU, the
// depthwise conv) carry it instead of being differentiated through their parts.
import { float, int, ints, OnnxType, type OnnxAttribute, type OnnxGraph } from './onnx-graph.ts';

/** A float32 value of the graph: its name, static shape and whether a gradient flows back through it. */
export interface TapeValue {
  readonly name: string;
  readonly shape: readonly number[];
  readonly grad: boolean;
}

type Backward = (gradient: string) => void;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The shape numpy-style broadcasting gives two shapes. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return Math.max(x, y);
  });
}

/** A graph under construction whose values know how to send gradients back. */
export class Tape {
  private readonly records: Array<{ output: string; backward: Backward }> = [];
  private readonly gradientOf = new Map<string, string>();

  constructor(readonly graph: OnnxGraph) {}

  /** A float32 graph input (a weight when `grad`, data otherwise). */
  input(name: string, shape: readonly number[], grad = false): TapeValue {
    return { name: this.graph.input(name, OnnxType.float, shape), shape, grad };
  }

  /** A float32 initializer (never differentiated). */
  constant(name: string, values: Float32Array, shape: readonly number[]): TapeValue {
    return { name: this.graph.floats(name, values, shape), shape, grad: false };
  }

  /** The same value with no gradient flowing back through it (torch's detach). */
  detach(x: TapeValue): TapeValue {
    return { ...x, grad: false };
  }

  // Adds a node; records `backward` when an input needs a gradient.
  private apply(op: string, inputs: readonly (TapeValue | string)[], shape: readonly number[], scope: string, backward: Backward | null, attributes: Record<string, OnnxAttribute> = {}, domain = ''): TapeValue {
    const names = inputs.map((input) => (typeof input === 'string' ? input : input.name));
    const grad = inputs.some((input) => typeof input !== 'string' && input.grad);
    const name = this.graph.nodeIn(domain, op, names, attributes, scope);
    if (grad && backward !== null) this.records.push({ output: name, backward });
    return { name, shape, grad };
  }

  // A value made by several nodes, with one backward rule for the whole.
  private compound(name: string, shape: readonly number[], inputs: readonly TapeValue[], backward: Backward): TapeValue {
    const grad = inputs.some((input) => input.grad);
    if (grad) this.records.push({ output: name, backward });
    return { name, shape, grad };
  }

  // A node on gradient values (no tape record).
  private raw(op: string, inputs: readonly string[], scope: string, attributes: Record<string, OnnxAttribute> = {}, domain = ''): string {
    return this.graph.nodeIn(domain, op, inputs, attributes, scope);
  }

  // Adds `gradient` to x's accumulated gradient.
  private accumulate(x: TapeValue, gradient: string): void {
    if (!x.grad) return;
    const known = this.gradientOf.get(x.name);
    this.gradientOf.set(x.name, known === undefined ? gradient : this.raw('Add', [known, gradient], `${x.name}/grad_sum`));
  }

  /** The gradient of the scalar `loss` for each of `inputs`, in their order; throws for an input no gradient reaches. */
  gradients(loss: TapeValue, inputs: readonly TapeValue[]): string[] {
    if (size(loss.shape) !== 1) throw new Error(`the loss must be a scalar, not [${loss.shape.join(', ')}]`);
    this.gradientOf.set(loss.name, this.graph.floats('loss/seed', Float32Array.of(1), loss.shape));
    for (let index = this.records.length - 1; index >= 0; index--) {
      const record = this.records[index] as { output: string; backward: Backward };
      const gradient = this.gradientOf.get(record.output);
      if (gradient !== undefined) record.backward(gradient);
    }
    return inputs.map((input) => {
      const gradient = this.gradientOf.get(input.name);
      if (gradient === undefined) throw new Error(`no gradient reaches ${input.name}`);
      return gradient;
    });
  }

  // g of broadcast shape `from` summed back to `to`.
  private reduceTo(gradient: string, from: readonly number[], to: readonly number[], scope: string): string {
    const offset = from.length - to.length;
    const axes = from.map((dim, axis) => (axis < offset || (to[axis - offset] === 1 && dim !== 1) ? axis : -1)).filter((axis) => axis >= 0);
    if (axes.length === 0) return gradient;
    const summed = this.raw('ReduceSum', [gradient, this.graph.int64s(axes)], `${scope}/reduce`, { keepdims: int(1) });
    return this.raw('Reshape', [summed, this.graph.int64s(to.length === 0 ? [] : [...to])], `${scope}/reshape`);
  }

  /** a + b (broadcasting). */
  add(a: TapeValue, b: TapeValue, scope = 'add'): TapeValue {
    const shape = broadcastShape(a.shape, b.shape);
    return this.apply('Add', [a, b], shape, scope, (g) => {
      if (a.grad) this.accumulate(a, this.reduceTo(g, shape, a.shape, `${scope}/da`));
      if (b.grad) this.accumulate(b, this.reduceTo(g, shape, b.shape, `${scope}/db`));
    });
  }

  /** a - b (broadcasting). */
  sub(a: TapeValue, b: TapeValue, scope = 'sub'): TapeValue {
    const shape = broadcastShape(a.shape, b.shape);
    return this.apply('Sub', [a, b], shape, scope, (g) => {
      if (a.grad) this.accumulate(a, this.reduceTo(g, shape, a.shape, `${scope}/da`));
      if (b.grad) this.accumulate(b, this.reduceTo(this.raw('Neg', [g], `${scope}/neg`), shape, b.shape, `${scope}/db`));
    });
  }

  /** a * b (broadcasting). */
  mul(a: TapeValue, b: TapeValue, scope = 'mul'): TapeValue {
    const shape = broadcastShape(a.shape, b.shape);
    return this.apply('Mul', [a, b], shape, scope, (g) => {
      if (a.grad) this.accumulate(a, this.reduceTo(this.raw('Mul', [g, b.name], `${scope}/ga`), shape, a.shape, `${scope}/da`));
      if (b.grad) this.accumulate(b, this.reduceTo(this.raw('Mul', [g, a.name], `${scope}/gb`), shape, b.shape, `${scope}/db`));
    });
  }

  /** x * factor for a constant factor. */
  scale(x: TapeValue, factor: number, scope = 'scale'): TapeValue {
    const constant = this.graph.scalar('factor', factor);
    return this.apply('Mul', [x, constant], x.shape, scope, (g) => this.accumulate(x, this.raw('Mul', [g, constant], `${scope}/grad`)));
  }

  /** x squared. */
  square(x: TapeValue, scope = 'square'): TapeValue {
    return this.apply('Mul', [x, x], x.shape, scope, (g) => {
      this.accumulate(x, this.raw('Mul', [this.raw('Mul', [g, x.name], `${scope}/gx`), this.graph.scalar('two', 2)], `${scope}/grad`));
    });
  }

  /** |x| (gradient sign(x), 0 at 0 as torch). */
  abs(x: TapeValue, scope = 'abs'): TapeValue {
    return this.apply('Abs', [x], x.shape, scope, (g) => this.accumulate(x, this.raw('Mul', [g, this.raw('Sign', [x.name], `${scope}/sign`)], `${scope}/grad`)));
  }

  /** Sum over `axes` (kept as size-1 axes when `keep`). */
  reduceSum(x: TapeValue, axes: readonly number[], keep: boolean, scope = 'sum'): TapeValue {
    const kept = x.shape.map((dim, axis) => (axes.includes(axis) ? 1 : dim));
    const shape = keep ? kept : x.shape.filter((_, axis) => !axes.includes(axis));
    return this.apply('ReduceSum', [x, this.graph.int64s(axes)], shape, scope, (g) => {
      const restored = keep ? g : this.raw('Reshape', [g, this.graph.int64s(kept)], `${scope}/keep`);
      this.accumulate(x, this.raw('Expand', [restored, this.graph.int64s(x.shape)], `${scope}/grad`));
    }, { keepdims: int(keep ? 1 : 0) });
  }

  /** Mean over `axes`. */
  reduceMean(x: TapeValue, axes: readonly number[], keep: boolean, scope = 'mean'): TapeValue {
    const count = axes.reduce((n, axis) => n * (x.shape[axis] ?? 1), 1);
    return this.scale(this.reduceSum(x, axes, keep, `${scope}/sum`), 1 / count, scope);
  }

  /** x viewed as `shape` (same element count). */
  reshape(x: TapeValue, shape: readonly number[], scope = 'reshape'): TapeValue {
    if (size(shape) !== size(x.shape)) throw new Error(`${scope}: cannot view [${x.shape.join(', ')}] as [${shape.join(', ')}]`);
    return this.apply('Reshape', [x, this.graph.int64s(shape)], shape, scope, (g) => {
      this.accumulate(x, this.raw('Reshape', [g, this.graph.int64s(x.shape)], `${scope}/grad`));
    });
  }

  /** Axes permuted. */
  transpose(x: TapeValue, perm: readonly number[], scope = 'transpose'): TapeValue {
    const inverse = perm.map((_, axis) => perm.indexOf(axis));
    return this.apply('Transpose', [x], perm.map((axis) => x.shape[axis] ?? 1), scope, (g) => {
      this.accumulate(x, this.raw('Transpose', [g], `${scope}/grad`, { perm: ints(inverse) }));
    }, { perm: ints(perm) });
  }

  /** Indices from..to of `axis`. */
  slice(x: TapeValue, axis: number, from: number, to: number, scope = 'slice'): TapeValue {
    const shape = x.shape.map((dim, a) => (a === axis ? to - from : dim));
    const g = this.graph;
    return this.apply('Slice', [x, g.int64s([from]), g.int64s([to]), g.int64s([axis])], shape, scope, (gradient) => {
      const pads = new Array<number>(2 * x.shape.length).fill(0);
      pads[axis] = from;
      pads[x.shape.length + axis] = (x.shape[axis] ?? 0) - to;
      this.accumulate(x, this.raw('Pad', [gradient, g.int64s(pads)], `${scope}/grad`));
    });
  }

  /** The values joined along `axis`. */
  concat(values: readonly TapeValue[], axis: number, scope = 'concat'): TapeValue {
    const first = values[0];
    if (first === undefined) throw new Error(`${scope}: nothing to concatenate`);
    const shape = first.shape.map((dim, a) => (a === axis ? values.reduce((n, v) => n + (v.shape[a] ?? 0), 0) : dim));
    return this.apply('Concat', values, shape, scope, (gradient) => {
      let offset = 0;
      for (const value of values) {
        const extent = value.shape[axis] ?? 0;
        if (value.grad) {
          const g = this.graph;
          this.accumulate(value, this.raw('Slice', [gradient, g.int64s([offset]), g.int64s([offset + extent]), g.int64s([axis])], `${scope}/grad`));
        }
        offset += extent;
      }
    }, { axis: int(axis) });
  }

  /** x [1, ...] repeated `count` times along axis 0. */
  repeatRows(x: TapeValue, count: number, scope = 'repeat'): TapeValue {
    const shape = [count, ...x.shape.slice(1)];
    return this.apply('Expand', [x, this.graph.int64s(shape)], shape, scope, (g) => this.accumulate(x, this.reduceTo(g, shape, x.shape, `${scope}/grad`)));
  }

  /** Rows of a data value (no gradient) picked by an int64 index input. */
  gatherRows(x: TapeValue, index: string, rows: number, scope = 'gather'): TapeValue {
    if (x.grad) throw new Error(`${scope}: gatherRows does not differentiate its source`);
    return this.apply('Gather', [x, index], [rows, ...x.shape.slice(1)], scope, null, { axis: int(0) });
  }

  /**
   * The decoder's token order restored: rows of [kept [B*K, D] ; token [1, D]] picked by `restore` [B*L] (indices
   * >= B*K clamped to the token's row; no token when nothing is masked). Gradient: kept row i went to position
   * keep[i], so its gradient is the gradient row there; the token's gradient is the sum over hidden positions,
   * weighted by `hidden` [1, B*L].
   */
  restoreRows(kept: TapeValue, token: TapeValue | null, restore: string, keep: string, hidden: TapeValue, scope = 'restore'): TapeValue {
    const pool = token === null ? kept.name : this.raw('Concat', [kept.name, token.name], `${scope}/pool`, { axis: int(0) });
    const rows = hidden.shape[1] ?? 0;
    const restored = this.raw('Gather', [pool, restore], scope, { axis: int(0) });
    return this.compound(restored, [rows, ...kept.shape.slice(1)], token === null ? [kept] : [kept, token], (g) => {
      if (kept.grad) this.accumulate(kept, this.raw('Gather', [g, keep], `${scope}/dkept`, { axis: int(0) }));
      if (token?.grad) this.accumulate(token, this.raw('Gemm', [hidden.name, g], `${scope}/dtoken`));
    });
  }

  /** x [N, in] W [in, out] (+ b [out]) as one Gemm. */
  gemm(x: TapeValue, weight: TapeValue, bias: TapeValue | null, scope = 'gemm'): TapeValue {
    const [rows = 0] = x.shape;
    const [, columns = 0] = weight.shape;
    const inputs = bias === null ? [x, weight] : [x, weight, bias];
    return this.apply('Gemm', inputs, [rows, columns], scope, (g) => {
      if (x.grad) this.accumulate(x, this.raw('Gemm', [g, weight.name], `${scope}/dx`, { transB: int(1) }));
      if (weight.grad) this.accumulate(weight, this.raw('Gemm', [x.name, g], `${scope}/dw`, { transA: int(1) }));
      if (bias?.grad) this.accumulate(bias, this.raw('ReduceSum', [g, this.graph.int64s([0])], `${scope}/db`, { keepdims: int(0) }));
    });
  }

  /**
   * alpha * op(a) op(b) over the last two axes (op = transpose when asked), batched over the leading axes, as
   * onnxruntime's FusedMatMul (no transposes materialised, forward or backward).
   */
  matmul(a: TapeValue, b: TapeValue, options: { transA?: boolean; transB?: boolean; alpha?: number } = {}, scope = 'matmul'): TapeValue {
    const tA = options.transA === true;
    const tB = options.transB === true;
    const alpha = options.alpha ?? 1;
    const r = a.shape.length;
    const rows = a.shape[tA ? r - 1 : r - 2] ?? 0;
    const columns = b.shape[tB ? r - 2 : r - 1] ?? 0;
    const shape = [...a.shape.slice(0, r - 2), rows, columns];
    const fused = (x: string, y: string, transA: boolean, transB: boolean, name: string): string =>
      this.raw('FusedMatMul', [x, y], name, { transA: int(transA ? 1 : 0), transB: int(transB ? 1 : 0), alpha: float(alpha) }, 'com.microsoft');
    return this.apply('FusedMatMul', [a, b], shape, scope, (g) => {
      if (a.grad) this.accumulate(a, tA ? fused(b.name, g, tB, true, `${scope}/da`) : fused(g, b.name, false, !tB, `${scope}/da`));
      if (b.grad) this.accumulate(b, tB ? fused(g, a.name, true, tA, `${scope}/db`) : fused(a.name, g, !tA, false, `${scope}/db`));
    }, { transA: int(tA ? 1 : 0), transB: int(tB ? 1 : 0), alpha: float(alpha) }, 'com.microsoft');
  }

  /** Softmax over the last axis; gradient y (g - sum(g y)). */
  softmax(x: TapeValue, scope = 'softmax'): TapeValue {
    const y = this.apply('Softmax', [x], x.shape, scope, (g) => {
      const gy = this.raw('Mul', [g, y.name], `${scope}/gy`);
      const total = this.raw('ReduceSum', [gy, this.graph.int64s([-1])], `${scope}/sum`, { keepdims: int(1) });
      this.accumulate(x, this.raw('Sub', [gy, this.raw('Mul', [y.name, total], `${scope}/ysum`)], `${scope}/grad`));
    }, { axis: int(-1) });
    return y;
  }

  /** Exact GELU 0.5 x (1 + erf(x / sqrt 2)); gradient Phi(x) + x phi(x). */
  gelu(x: TapeValue, scope = 'gelu'): TapeValue {
    const g = this.graph;
    const erf = this.raw('Erf', [this.raw('Div', [x.name, g.scalar('sqrt2', Math.SQRT2)], `${scope}/div`)], `${scope}/erf`);
    const onePlus = this.raw('Add', [erf, g.scalar('one', 1)], `${scope}/add`);
    const value = this.raw('Mul', [this.raw('Mul', [x.name, onePlus], `${scope}/mul`), g.scalar('half', 0.5)], scope);
    return this.compound(value, x.shape, [x], (gradient) => {
      // d/dx = 0.5 (1 + erf) + x exp(-x^2 / 2) / sqrt(2 pi)
      const cdf = this.raw('Mul', [onePlus, g.scalar('half', 0.5)], `${scope}/cdf`);
      const exponent = this.raw('Mul', [this.raw('Mul', [x.name, x.name], `${scope}/x2`), g.scalar('minus_half', -0.5)], `${scope}/exponent`);
      const pdf = this.raw('Mul', [this.raw('Exp', [exponent], `${scope}/exp`), g.scalar('inv_sqrt_2pi', 1 / Math.sqrt(2 * Math.PI))], `${scope}/pdf`);
      const slope = this.raw('Add', [cdf, this.raw('Mul', [x.name, pdf], `${scope}/xpdf`)], `${scope}/slope`);
      this.accumulate(x, this.raw('Mul', [gradient, slope], `${scope}/grad`));
    });
  }

  // Shared by layerNorm and batchNorm: gradient of y = xhat * gamma + beta, xhat = (x - mean) * invStd, with the
  // statistics over `axes`: dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
  // `parameterAxes`: the axes gamma and beta are shared over.
  private normBackward(x: TapeValue, xhat: string, invStd: string, gamma: TapeValue, beta: TapeValue, gammaView: string, axes: readonly number[], sharedAxes: readonly number[], scope: string): Backward {
    const g = this.graph;
    const parameterAxes = g.int64s(sharedAxes);
    return (gradient) => {
      if (gamma.grad) {
        const summed = this.raw('ReduceSum', [this.raw('Mul', [gradient, xhat], `${scope}/gxhat`), parameterAxes], `${scope}/dgamma_sum`, { keepdims: int(0) });
        this.accumulate(gamma, this.raw('Reshape', [summed, g.int64s(gamma.shape)], `${scope}/dgamma`));
      }
      if (beta.grad) {
        const summed = this.raw('ReduceSum', [gradient, parameterAxes], `${scope}/dbeta_sum`, { keepdims: int(0) });
        this.accumulate(beta, this.raw('Reshape', [summed, g.int64s(beta.shape)], `${scope}/dbeta`));
      }
      if (!x.grad) return;
      const dxhat = this.raw('Mul', [gradient, gammaView], `${scope}/dxhat`);
      const meanD = this.raw('ReduceMean', [dxhat], `${scope}/mean_d`, { axes: ints(axes), keepdims: int(1) });
      const meanDX = this.raw('ReduceMean', [this.raw('Mul', [dxhat, xhat], `${scope}/dxhat_xhat`)], `${scope}/mean_dx`, { axes: ints(axes), keepdims: int(1) });
      const inner = this.raw('Sub', [this.raw('Sub', [dxhat, meanD], `${scope}/centre`), this.raw('Mul', [xhat, meanDX], `${scope}/xhat_term`)], `${scope}/inner`);
      this.accumulate(x, this.raw('Mul', [inner, invStd], `${scope}/dx`));
    };
  }

  /** LayerNorm over the last axis (LayerNormalization with its Mean / InvStdDev outputs kept for the gradient). */
  layerNorm(x: TapeValue, gamma: TapeValue, beta: TapeValue, epsilon: number, scope = 'layer_norm'): TapeValue {
    const g = this.graph;
    const [y, mean, invStd] = g.nodeWithOutputs('', 'LayerNormalization', [x.name, gamma.name, beta.name], { axis: int(-1), epsilon: float(epsilon) }, 3, scope) as [string, string, string];
    return this.compound(y, x.shape, [x, gamma, beta], (gradient) => {
      const xhat = this.raw('Mul', [this.raw('Sub', [x.name, mean], `${scope}/centred`), invStd], `${scope}/xhat`);
      const last = x.shape.length - 1;
      this.normBackward(x, xhat, invStd, gamma, beta, gamma.name, [last], x.shape.map((_, axis) => axis).slice(0, last), scope)(gradient);
    });
  }

  /**
   * BatchNorm in training on NCHW x: statistics over N, H, W (biased variance normalises, as torch). Returns y and
   * the batch mean and unbiased variance [C] (for the running statistics, updated outside the graph).
   */
  batchNorm(x: TapeValue, gamma: TapeValue, beta: TapeValue, epsilon: number, scope = 'batch_norm'): { y: TapeValue; mean: string; unbiasedVariance: string } {
    const g = this.graph;
    const [n = 1, channels = 1, h = 1, w = 1] = x.shape;
    const count = n * h * w;
    const axes = [0, 2, 3];
    const view = g.int64s([1, channels, 1, 1]);
    const mean = this.raw('ReduceMean', [x.name], `${scope}/mean`, { axes: ints(axes), keepdims: int(1) });
    const centred = this.raw('Sub', [x.name, mean], `${scope}/centred`);
    const variance = this.raw('ReduceMean', [this.raw('Mul', [centred, centred], `${scope}/sq`)], `${scope}/var`, { axes: ints(axes), keepdims: int(1) });
    const invStd = this.raw('Reciprocal', [this.raw('Sqrt', [this.raw('Add', [variance, g.scalar('bn_eps', epsilon)], `${scope}/var_eps`)], `${scope}/std`)], `${scope}/inv_std`);
    const xhat = this.raw('Mul', [centred, invStd], `${scope}/xhat`);
    const gammaView = this.raw('Reshape', [gamma.name, view], `${scope}/gamma`);
    const y = this.raw('Add', [this.raw('Mul', [xhat, gammaView], `${scope}/scaled`), this.raw('Reshape', [beta.name, view], `${scope}/beta`)], scope);
    const flat = g.int64s([channels]);
    return {
      y: this.compound(y, x.shape, [x, gamma, beta], this.normBackward(x, xhat, invStd, gamma, beta, gammaView, axes, axes, scope)),
      mean: this.raw('Reshape', [mean, flat], `${scope}/batch_mean`),
      unbiasedVariance: this.raw('Reshape', [this.raw('Mul', [variance, g.scalar('bn_unbias', count / Math.max(count - 1, 1))], `${scope}/unbiased`), flat], `${scope}/batch_var`),
    };
  }

  /**
   * Depthwise 3x3 conv, stride 1, zero padding 1, on NCHW x [N, C, H, W] with weight [C, 1, 3, 3]. Gradients:
   * input = the transposed conv (the conv with the turned kernel); weight = per tap, the sum of shifted x times the
   * output gradient. (A grouped conv with the gradient as an H x W kernel gives the weight gradient in one node, but
   * onnxruntime runs it group by group: 3.3-3.9 against 2.1 ms per call on the 160x320 recipe.)
   */
  depthwiseConv(x: TapeValue, weight: TapeValue, scope = 'dwconv'): TapeValue {
    const g = this.graph;
    const [, channels = 1, h = 1, w = 1] = x.shape;
    const attributes = { group: int(channels), kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([1, 1]) };
    return this.apply('Conv', [x, weight], x.shape, scope, (gradient) => {
      if (x.grad) {
        // The transposed conv is the conv with the kernel turned 180 degrees; onnxruntime's grouped ConvTranspose is
        // twice as slow as its Conv here (2.4 against 1.2 ms per call, 160x320 recipe).
        const turned = this.raw('Slice', [weight.name, g.int64s([-1, -1]), g.int64s([-4, -4]), g.int64s([2, 3]), g.int64s([-1, -1])], `${scope}/turned`);
        this.accumulate(x, this.raw('Conv', [gradient, turned], `${scope}/dx`, attributes));
      }
      if (weight.grad) {
        // dW[c, i, j] = sum over n, h, w of x[n, c, h + i - 1, w + j - 1] g[n, c, h, w]: one product and sum per tap.
        const padded = this.raw('Pad', [x.name, g.int64s([0, 0, 1, 1, 0, 0, 1, 1])], `${scope}/x_padded`);
        const taps: string[] = [];
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const shifted = this.raw('Slice', [padded, g.int64s([i, j]), g.int64s([i + h, j + w]), g.int64s([2, 3])], `${scope}/tap${i}${j}`);
            taps.push(this.raw('ReduceSum', [this.raw('Mul', [shifted, gradient], `${scope}/tap${i}${j}_product`), g.int64s([0, 2, 3])], `${scope}/tap${i}${j}_sum`, { keepdims: int(0) }));
          }
        }
        const stacked = this.raw('Concat', taps.map((tap) => this.raw('Unsqueeze', [tap, g.int64s([1])], `${scope}/tap_column`)), `${scope}/taps`, { axis: int(1) }); // [C, 9]
        this.accumulate(weight, this.raw('Reshape', [stacked, g.int64s(weight.shape)], `${scope}/dw`));
      }
    }, attributes);
  }

  /** Binary cross-entropy from logits z against targets y (data), per element; gradient sigmoid(z) - y. */
  binaryCrossEntropy(z: TapeValue, y: TapeValue, scope = 'bce'): TapeValue {
    const g = this.graph;
    // Stable form max(z, 0) - z y + log(1 + exp(-|z|)).
    const softplus = this.raw('Log', [this.raw('Add', [this.raw('Exp', [this.raw('Neg', [this.raw('Abs', [z.name], `${scope}/abs`)], `${scope}/neg`)], `${scope}/exp`), g.scalar('one', 1)], `${scope}/one_plus`)], `${scope}/log`);
    const linearPart = this.raw('Sub', [this.raw('Relu', [z.name], `${scope}/relu`), this.raw('Mul', [z.name, y.name], `${scope}/zy`)], `${scope}/linear`);
    return this.compound(this.raw('Add', [linearPart, softplus], scope), z.shape, [z], (gradient) => {
      this.accumulate(z, this.raw('Mul', [gradient, this.raw('Sub', [this.raw('Sigmoid', [z.name], `${scope}/sigmoid`), y.name], `${scope}/slope`)], `${scope}/grad`));
    });
  }
}
