// Every weight of the model lives in one ParameterStore: named tf.Variables with the model part they belong to
// (what a stage can freeze), whether AdamW decays them, and whether they are trained at all (BatchNorm running
// statistics are state, not parameters). Names are dotted paths like `encoder.blocks.0.attention.q.weight`, so
// checkpoints and freezing read the same way as the model code.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelPart } from '@vadc/dsl';
import type { Random } from '../random.ts';

/** How a parameter's first values are drawn. */
export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'uniform'; bound: number }
  | { kind: 'trunc-normal'; std: number };

/** A registered variable and what the trainer needs to know about it. */
export interface ParameterInfo {
  name: string;
  variable: tf.Variable;
  part: ModelPart;
  /** False for running statistics, which the forward pass updates and no optimizer touches. */
  trainable: boolean;
  /** AdamW's weight decay applies (timm's rule: every tensor of rank > 1; no biases, no norm weights). */
  decay: boolean;
}

/** The named variables of one model. */
export class ParameterStore {
  private readonly byName = new Map<string, ParameterInfo>();
  /** Store names by TF.js variable name (the engines' interpreters meet variables and need the store's names). */
  private readonly byVariable = new Map<string, string>();

  constructor(private readonly random: Random) {}

  /** Creates a trainable parameter; shapes follow TF.js layouts (linear weights are [in, out]). */
  parameter(name: string, part: ModelPart, shape: number[], init: Initializer): tf.Variable {
    return this.add(name, part, shape, init, true);
  }

  /** Creates non-trainable state (e.g. BatchNorm running mean / variance). */
  state(name: string, part: ModelPart, shape: number[], init: Initializer): tf.Variable {
    return this.add(name, part, shape, init, false);
  }

  /** All variables in creation order (the order checkpoints and optimizers use). */
  list(): ParameterInfo[] {
    return [...this.byName.values()];
  }

  /** The variable called `name`, or undefined. */
  get(name: string): ParameterInfo | undefined {
    return this.byName.get(name);
  }

  /** The store name of one of its variables; throws for a variable of another model. */
  nameOf(variable: tf.Variable): string {
    const name = this.byVariable.get(variable.name);
    if (name === undefined) throw new Error(`variable ${variable.name} is not a model parameter`);
    return name;
  }

  /** Frees every variable. */
  dispose(): void {
    for (const info of this.byName.values()) info.variable.dispose();
    this.byName.clear();
    this.byVariable.clear();
  }

  private add(name: string, part: ModelPart, shape: number[], init: Initializer, trainable: boolean): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const values = drawValues(shape.reduce((a, b) => a * b, 1), init, this.random);
    const variable = newVariable(tf.tensor(values, shape, 'float32'), trainable, `${name}#${variableCounter++}`);
    this.byName.set(name, { name, variable, part, trainable, decay: trainable && shape.length > 1 });
    this.byVariable.set(variable.name, name);
    return variable;
  }
}

/**
 * A variable holding `initial`'s values. tf.variable shares the initial tensor's data and leaves that tensor alive
 * (one leaked tensor per variable); it is disposed here, the variable keeps the data.
 */
export function newVariable(initial: tf.Tensor, trainable: boolean, name?: string): tf.Variable {
  const variable = tf.variable(initial, trainable, name);
  initial.dispose();
  return variable;
}

// TF.js variable names are global to the engine; a counter keeps two models in one process apart.
let variableCounter = 0;

function drawValues(count: number, init: Initializer, random: Random): Float32Array {
  const values = new Float32Array(count);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      values.fill(1);
      break;
    case 'uniform':
      for (let index = 0; index < count; index++) values[index] = random.uniform(-init.bound, init.bound);
      break;
    case 'trunc-normal':
      // timm's trunc_normal_(std) cuts at +-2 (absolute), i.e. effectively never for std 0.02; we cut at 2 std.
      for (let index = 0; index < count; index++) {
        let value = random.normal();
        while (Math.abs(value) > 2) value = random.normal();
        values[index] = value * init.std;
      }
      break;
  }
  return values;
}
