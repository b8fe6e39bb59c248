// Optimizers, registered by the names recipes use (`stages[i].optimizer.kind`), written as PyTorch's so the official
// recipe means the same here: `adamw` (decoupled decay, torch.optim.AdamW), `adam` (L2 decay added to the gradient),
// `sgd` (momentum, L2 decay). Weight decay applies only to parameters marked `decay` (timm's
// param_groups_weight_decay: no biases, no norm weights). A parameter without a gradient this step is skipped
// entirely, and step counts are per parameter, as in PyTorch.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerPlan } from '@vadc/dsl';
import { hostValues, rememberHostValues } from '../backend/host-values.ts';
import type { ParameterInfo } from '../model/parameters.ts';

/** A named tensor of optimizer state, as checkpoints store it. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Optimizer state in a serialisable form. */
export interface OptimizerSnapshot {
  kind: OptimizerPlan['kind'];
  /** Per-parameter step counts. */
  steps: Record<string, number>;
  /** Slots named `<parameter>/<slot>`. */
  slots: NamedArray[];
}

/** Updates parameters from gradients. */
export interface Optimizer {
  /** Applies one update; `gradients` maps parameter names to gradients. */
  apply(gradients: Map<string, tf.Tensor>, learningRate: number): void;
  snapshot(): Promise<OptimizerSnapshot>;
  restore(snapshot: OptimizerSnapshot): void;
  dispose(): void;
}

const EPSILON = 1e-8;

// Slots (exp_avg, momentum_buffer, ...) live in JS arrays, not tensors: each update is one JS pass that reads the
// weights and the gradient once and writes the weights once (with slot tensors, AdamW copied ten arrays in and out
// of the backend per parameter: 75-150 ms per step of the paper's 3 M-value model).
class SlotOptimizer implements Optimizer {
  private readonly slots = new Map<string, Float32Array>();
  private readonly steps = new Map<string, number>();
  // Each parameter's values as this optimizer last wrote them, updated in place (host-values.ts: while the variable
  // still holds them, they are read from here instead of copied out of the backend into a fresh array).
  private readonly weights = new Map<string, Float32Array>();

  constructor(
    private readonly plan: OptimizerPlan,
    private readonly params: Map<string, ParameterInfo>,
    private readonly slotNames: string[],
    private readonly update: (p: UpdateArgs) => void,
  ) {}

  apply(gradients: Map<string, tf.Tensor>, learningRate: number): void {
    for (const [name, gradient] of gradients) {
      const info = this.params.get(name);
      if (info === undefined) throw new Error(`gradient for unknown parameter ${name}`);
      const step = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, step);
      const slots = this.slotNames.map((slot) => this.slot(`${name}/${slot}`, info.variable.size));
      const weights = this.slot(`${name}/weights`, info.variable.size, this.weights);
      const current = hostValues(info.variable);
      if (current !== weights) weights.set(current); // the variable was given other values since (or first step)
      this.update({ plan: this.plan, info, weights, gradient: hostValues(gradient), slots, step, learningRate });
      // The cpu backend keeps the array a tensor is made from as its storage: give it a copy, so that the next
      // in-place update cannot change a value the variable (or a checkpoint being written) still holds.
      const stored = tf.getBackend() === 'cpu' ? weights.slice() : weights;
      tf.tidy(() => info.variable.assign(tf.tensor(stored, info.variable.shape))); // the tensor goes, its data stays
      rememberHostValues(info.variable, weights);
    }
  }

  async snapshot(): Promise<OptimizerSnapshot> {
    const slots: NamedArray[] = [];
    for (const [name, data] of this.slots) {
      const parameter = this.params.get(name.slice(0, name.lastIndexOf('/')));
      slots.push({ name, shape: parameter?.variable.shape ?? [data.length], data: Float32Array.from(data) });
    }
    return { kind: this.plan.kind, steps: Object.fromEntries(this.steps), slots };
  }

  restore(snapshot: OptimizerSnapshot): void {
    if (snapshot.kind !== this.plan.kind) throw new Error(`checkpoint holds ${snapshot.kind} state, the stage uses ${this.plan.kind}`);
    this.dispose();
    for (const [name, step] of Object.entries(snapshot.steps)) this.steps.set(name, step);
    for (const slot of snapshot.slots) this.slots.set(slot.name, Float32Array.from(slot.data));
  }

  dispose(): void {
    this.slots.clear();
    this.steps.clear();
    this.weights.clear();
  }

  private slot(name: string, size: number, from = this.slots): Float32Array {
    let values = from.get(name);
    if (values === undefined) {
      values = new Float32Array(size);
      from.set(name, values);
    }
    return values;
  }
}

interface UpdateArgs {
  plan: OptimizerPlan;
  info: ParameterInfo;
  /** The parameter's values, updated in place. */
  weights: Float32Array;
  gradient: Float32Array;
  /** The parameter's slots, updated in place. */
  slots: Float32Array[];
  step: number;
  learningRate: number;
}

// One pass over the values in JS (float64 arithmetic, stored as float32).
function adamUpdate(args: UpdateArgs, decoupled: boolean): void {
  const { plan, info, weights, gradient, slots, step, learningRate } = args;
  const [first, second] = slots as [Float32Array, Float32Array];
  const decay = info.decay ? plan.weight_decay : 0;
  const shrink = decoupled ? 1 - learningRate * decay : 1; // AdamW: decoupled decay of the weights
  const l2 = decoupled ? 0 : decay; // Adam: L2 decay added to the gradient
  const [beta1, beta2] = plan.betas;
  const stepSize = learningRate / (1 - beta1 ** step);
  const correction2 = Math.sqrt(1 - beta2 ** step);
  for (let index = 0; index < weights.length; index++) {
    const w = weights[index] as number;
    const g = (gradient[index] as number) + l2 * w;
    const mean = beta1 * (first[index] as number) + (1 - beta1) * g;
    const square = beta2 * (second[index] as number) + (1 - beta2) * g * g;
    first[index] = mean;
    second[index] = square;
    weights[index] = w * shrink - stepSize * mean / (Math.sqrt(square) / correction2 + EPSILON);
  }
}

// torch.optim.SGD: L2 decay added to the gradient, then momentum (buffer = momentum * buffer + gradient).
function sgdUpdate(args: UpdateArgs): void {
  const { plan, info, weights, gradient, slots, learningRate } = args;
  const decay = info.decay ? plan.weight_decay : 0;
  const [buffer] = slots;
  for (let index = 0; index < weights.length; index++) {
    const w = weights[index] as number;
    let g = (gradient[index] as number) + decay * w;
    if (buffer !== undefined) {
      g = plan.momentum * (buffer[index] as number) + g;
      buffer[index] = g;
    }
    weights[index] = w - learningRate * g;
  }
}

/** A registered optimizer: builds one over the given parameters. */
export type OptimizerFactory = (plan: OptimizerPlan, params: ParameterInfo[]) => Optimizer;

const byName = (params: ParameterInfo[]): Map<string, ParameterInfo> => new Map(params.map((p) => [p.name, p]));

/** The optimizers, keyed by recipe name. */
export const optimizerRegistry: Record<OptimizerPlan['kind'], OptimizerFactory> = {
  adamw: (plan, params) => new SlotOptimizer(plan, byName(params), ['exp_avg', 'exp_avg_sq'], (a) => adamUpdate(a, true)),
  adam: (plan, params) => new SlotOptimizer(plan, byName(params), ['exp_avg', 'exp_avg_sq'], (a) => adamUpdate(a, false)),
  sgd: (plan, params) => new SlotOptimizer(plan, byName(params), plan.momentum > 0 ? ['momentum_buffer'] : [], sgdUpdate),
};
