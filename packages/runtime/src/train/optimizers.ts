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

function adamUpdate(args: UpdateArgs, decoupled: boolean): void {
  const { plan, info, slots, step, learningRate } = args;
  const [m, v] = slots as [tf.Variable, tf.Variable];
  const p = info.variable;
  const decay = info.decay ? plan.weight_decay : 0;
  let gradient = args.gradient;
  let weights: tf.Tensor = p;
  if (decay > 0 && decoupled) weights = tf.mul(p, 1 - learningRate * decay);
  if (decay > 0 && !decoupled) gradient = tf.add(gradient, tf.mul(p, decay));
  const [beta1, beta2] = plan.betas;
  m.assign(tf.add(tf.mul(m, beta1), tf.mul(gradient, 1 - beta1)));
  v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradient), 1 - beta2)));
  const correction1 = 1 - beta1 ** step;
  const correction2 = 1 - beta2 ** step;
  const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), EPSILON);
  p.assign(tf.sub(weights, tf.mul(tf.div(m, denominator), learningRate / correction1)));
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
