// What a training checkpoint holds and how it maps onto a model: every variable (BatchNorm running statistics
// included) as `model/<name>`, the optimizer's slots as `optimizer/<parameter>/<slot>`, and where training stands
// (stage, epochs done, step, the stage's Random state, per-parameter optimizer steps) in the JSON header.
import * as tf from '@tensorflow/tfjs-core';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { RandomState } from '../random.ts';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint.ts';
import type { NamedArray, Optimizer, OptimizerSnapshot } from './optimizers.ts';

/** Where a run stands, stored in the checkpoint header. */
export interface TrainingProgress {
  format: 1;
  stageIndex: number;
  stageName: string;
  /** Epochs of this stage completed. */
  epochsDone: number;
  /** Optimizer steps taken in this stage. */
  step: number;
  /** The stage's Random state after `epochsDone` epochs. */
  random: RandomState;
}

/** A loaded checkpoint: progress, weights and optimizer state. */
export interface TrainingCheckpoint {
  progress: TrainingProgress | null;
  weights: NamedArray[];
  optimizer: OptimizerSnapshot | null;
}

interface Meta {
  progress: TrainingProgress | null;
  optimizer: { kind: OptimizerSnapshot['kind']; steps: Record<string, number> } | null;
}

/** Every variable of the model as named arrays. */
export async function modelWeights(model: MaskedAutoencoder): Promise<NamedArray[]> {
  const weights: NamedArray[] = [];
  for (const info of model.params.list()) {
    weights.push({ name: info.name, shape: info.variable.shape, data: (await info.variable.data()) as Float32Array });
  }
  return weights;
}

/** Assigns stored weights to the model; every variable must be present with its shape. */
export function assignWeights(model: MaskedAutoencoder, weights: NamedArray[]): void {
  const stored = new Map(weights.map((w) => [w.name, w]));
  for (const info of model.params.list()) {
    const entry = stored.get(info.name);
    if (entry === undefined) throw new Error(`checkpoint has no ${info.name}`);
    if (entry.shape.join('x') !== info.variable.shape.join('x')) {
      throw new Error(`checkpoint ${info.name} is ${entry.shape.join('x')}, the model's ${info.variable.shape.join('x')}`);
    }
    tf.tidy(() => info.variable.assign(tf.tensor(entry.data, entry.shape)));
  }
}

/** Writes weights (+ optimizer state and progress, when given) atomically to `path`. */
export async function saveCheckpoint(
  path: string, model: MaskedAutoencoder, optimizer: Optimizer | null = null, progress: TrainingProgress | null = null,
): Promise<void> {
  const snapshot = optimizer === null ? null : await optimizer.snapshot();
  const tensors = (await modelWeights(model)).map((w) => ({ ...w, name: `model/${w.name}` }));
  if (snapshot !== null) tensors.push(...snapshot.slots.map((s) => ({ ...s, name: `optimizer/${s.name}` })));
  const meta: Meta = { progress, optimizer: snapshot === null ? null : { kind: snapshot.kind, steps: snapshot.steps } };
  await writeCheckpointFile(path, { meta, tensors });
}

/** Reads a checkpoint written by saveCheckpoint. */
export async function loadCheckpoint(path: string): Promise<TrainingCheckpoint> {
  const file = await readCheckpointFile<Meta>(path);
  const strip = (prefix: string): NamedArray[] =>
    file.tensors.filter((t) => t.name.startsWith(prefix)).map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
  const optimizer = file.meta.optimizer === null ? null : { ...file.meta.optimizer, slots: strip('optimizer/') };
  return { progress: file.meta.progress, weights: strip('model/'), optimizer };
}
