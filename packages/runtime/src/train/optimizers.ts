// Optimizers, registered by the names recipes use (`stages[i].optimizer.kind`), written as PyTorch's so the official
// recipe means the same here: `adamw` (decoupled decay, torch.optim.AdamW), `adam` (L2 decay added to the gradient),
// `sgd` (momentum, L2 decay). Weight decay applies only to parameters marked `decay` (timm's
// param_groups_weight_decay: no biases, no norm weights). A parameter without a gradient this step is skipped
// entirely, and step counts are per parameter, as in PyTorch.
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerPlan } from '@vadc/dsl';
import { newVariable, type ParameterInfo } from '../model/parameters.ts';

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

class SlotOptimizer implements Optimizer {
  private readonly slots = new Map<string, tf.Variable>();
  private readonly steps = new Map<string, number>();

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
      const slots = this.slotNames.map((slot) => this.slot(`${name}/${slot}`, info.variable.shape));
      tf.tidy(() => this.update({ plan: this.plan, info, gradient, slots, step, learningRate }));
    }
  }

  async snapshot(): Promise<OptimizerSnapshot> {
    const slots: NamedArray[] = [];
    for (const [name, variable] of this.slots) {
      slots.push({ name, shape: variable.shape, data: (await variable.data()) as Float32Array });
    }
    return { kind: this.plan.kind, steps: Object.fromEntries(this.steps), slots };
  }

  restore(snapshot: OptimizerSnapshot): void {
    if (snapshot.kind !== this.plan.kind) throw new Error(`checkpoint holds ${snapshot.kind} state, the stage uses ${this.plan.kind}`);
    this.dispose();
    for (const [name, step] of Object.entries(snapshot.steps)) this.steps.set(name, step);
    for (const slot of snapshot.slots) this.slots.set(slot.name, newVariable(tf.tensor(slot.data, slot.shape), false));
  }

  dispose(): void {
    for (const variable of this.slots.values()) variable.dispose();
    this.slots.clear();
    this.steps.clear();
  }

  private slot(name: string, shape: number[]): tf.Variable {
    let variable = this.slots.get(name);
    if (variable === undefined) {
      variable = newVariable(tf.zeros(shape), false);
      this.slots.set(name, variable);
    }
    return variable;
  }
}

interface UpdateArgs {
  plan: OptimizerPlan;
  info: ParameterInfo;
  gradient: tf.Tensor;
  slots: tf.Variable[];
  step: number;
  learningRate: number;
}

// One pass over the values in JS (float64 arithmetic, stored as float32) instead of ~12 elementwise kernels per
// parameter: a step's update was ~1,800 small kernel calls for the paper's model (6-9% of a training step,
// bench/RESULTS.md), it is now 3 assignments per parameter.
function adamUpdate(args: UpdateArgs, decoupled: boolean): void {
  const { plan, info, slots, step, learningRate } = args;
  const [m, v] = slots as [tf.Variable, tf.Variable];
  const p = info.variable;
  const decay = info.decay ? plan.weight_decay : 0;
  const shrink = decoupled ? 1 - learningRate * decay : 1; // AdamW: decoupled decay of the weights
  const l2 = decoupled ? 0 : decay; // Adam: L2 decay added to the gradient
  const [beta1, beta2] = plan.betas;
  const stepSize = learningRate / (1 - beta1 ** step);
  const correction2 = Math.sqrt(1 - beta2 ** step);
  const weights = Float32Array.from(p.dataSync() as Float32Array);
  const gradient = args.gradient.dataSync() as Float32Array;
  const first = Float32Array.from(m.dataSync() as Float32Array);
  const second = Float32Array.from(v.dataSync() as Float32Array);
  for (let index = 0; index < weights.length; index++) {
    const w = weights[index] as number;
    const g = (gradient[index] as number) + l2 * w;
    const mean = beta1 * (first[index] as number) + (1 - beta1) * g;
    const square = beta2 * (second[index] as number) + (1 - beta2) * g * g;
    first[index] = mean;
    second[index] = square;
    weights[index] = w * shrink - stepSize * mean / (Math.sqrt(square) / correction2 + EPSILON);
  }
  m.assign(tf.tensor(first, m.shape));
  v.assign(tf.tensor(second, v.shape));
  p.assign(tf.tensor(weights, p.shape));
}

function sgdUpdate(args: UpdateArgs): void {
  const { plan, info, slots, learningRate } = args;
  const p = info.variable;
  const decay = info.decay ? plan.weight_decay : 0;
  let gradient = decay > 0 ? tf.add(args.gradient, tf.mul(p, decay)) : args.gradient;
  if (plan.momentum > 0) {
    const [buffer] = slots as [tf.Variable];
    buffer.assign(tf.add(tf.mul(buffer, plan.momentum), gradient));
    gradient = buffer;
  }
  p.assign(tf.sub(p, tf.mul(gradient, learningRate)));
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
