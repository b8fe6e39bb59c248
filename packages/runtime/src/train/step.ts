// One optimizer step's gradients: the batch is cut into micro-batches (stage.micro_batch), each is masked, run and
// differentiated, and the gradients are summed; each loss returns its micro-batch's share of the batch loss, so the
// sum is exactly the gradient of the whole batch. Optional global-norm clipping (torch's clip_grad_norm_).
import * as tf from '@tensorflow/tfjs-core';
import '../backend/tfjs-setup.ts'; // registers TF.js's gradient functions
import type { Plan, StagePlan } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';
import { forwardPass, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { TfjsOps, type ForwardContext } from '../model/tfjs-ops.ts';
import { createTokenMask, maskingRegistry, type TokenMask } from '../model/masking.ts';
import type { ParameterInfo } from '../model/parameters.ts';
import { patchify, patchMotion } from '../model/patches.ts';
import { Random } from '../random.ts';
import { lossRegistry, tfjsLoss } from './losses.ts';
import type { GradientSource, StepGradients } from '../engine/engine.ts';

export type { GradientSource, StepGradients };

/** Samples [start, end) of a batch, as views (no copies). */
export function sliceBatch(batch: TrainingBatch, start: number, end: number): TrainingBatch {
  const pixels = batch.height * batch.width;
  const channels = batch.input.length / (batch.size * pixels);
  return {
    size: end - start,
    height: batch.height,
    width: batch.width,
    input: batch.input.subarray(start * pixels * channels, end * pixels * channels),
    target: batch.target.subarray(start * pixels * 3, end * pixels * 3),
    motion: batch.motion.subarray(start * pixels * 3, end * pixels * 3),
    anomalyMask: batch.anomalyMask.subarray(start * pixels, end * pixels),
    hasAnomaly: batch.hasAnomaly.subarray(start, end),
  };
}

/** The training-time mask of a micro-batch (plan.masking, drawn from `random`). */
export function trainingMask(plan: Plan, model: MaskedAutoencoder, batch: TrainingBatch, random: Random): TokenMask {
  const strategy = plan.masking.strategy;
  const motion = strategy === 'motion' ? patchMotion(batch.motion, batch.size, model.grid, 'max') : null;
  return createTokenMask(maskingRegistry[strategy], { grid: model.grid, batch: batch.size, motion, random }, plan.masking.ratio);
}

/** One micro-batch of a step with the mask and dropout seed it trains with. */
export interface MicroBatch {
  part: TrainingBatch;
  mask: TokenMask;
  dropoutSeed: number;
}

/**
 * A step's micro-batches (stage.micro_batch), with masks and dropout seeds drawn from `random` in micro-batch order:
 * the same draws whether the micro-batches then run in this thread or in gradient workers.
 */
export function microBatches(plan: Plan, stage: StagePlan, model: MaskedAutoencoder, batch: TrainingBatch, random: Random): MicroBatch[] {
  const micro = Math.max(1, Math.min(stage.micro_batch ?? batch.size, batch.size));
  const parts: MicroBatch[] = [];
  for (let start = 0; start < batch.size; start += micro) {
    const part = sliceBatch(batch, start, Math.min(batch.size, start + micro));
    const mask = trainingMask(plan, model, part, random);
    parts.push({ part, mask, dropoutSeed: random.nextUint32() });
  }
  return parts;
}

/**
 * The loss of one micro-batch (its share of the batch loss of `fullBatch` samples) and its gradients by parameter
 * name. `batchStatistics` receives BatchNorm statistics instead of the running statistics moving (workers).
 */
export function microBatchGradients(
  plan: Plan, stage: StagePlan, model: MaskedAutoencoder, micro: MicroBatch, trainable: ParameterInfo[], fullBatch: number,
  batchStatistics?: ForwardContext['batchStatistics'],
): StepGradients {
  const { part, mask } = micro;
  const byVariable = new Map(trainable.map((p) => [p.variable.name, p.name]));
  const dropoutRandom = new Random(micro.dropoutSeed);
  const context: ForwardContext = { training: true, dropoutSeed: () => dropoutRandom.nextUint32(), ...(batchStatistics ? { batchStatistics } : {}) };
  const patches = tf.tensor3d(patchify(part.input, part.size, model.grid, model.inputChannels), [part.size, mask.tokens, model.grid.patch ** 2 * model.inputChannels]);
  const { value, grads } = tf.variableGrads(() => {
    const outputs = forwardPass(new TfjsOps(mask, context), model, patches, lossRegistry[stage.loss].heads);
    return tfjsLoss(stage.loss, { plan, model, batch: part, mask, outputs, fullBatch });
  }, trainable.map((p) => p.variable));
  patches.dispose();
  const loss = value.dataSync()[0] ?? NaN;
  value.dispose();
  const gradients = new Map<string, tf.Tensor>();
  for (const [variableName, gradient] of Object.entries(grads)) gradients.set(byVariable.get(variableName) as string, gradient);
  return { loss, gradients };
}

/** Adds a micro-batch's gradients into the running sums (in place; `next` is consumed). */
export function accumulateGradients(sums: Map<string, tf.Tensor>, next: Map<string, tf.Tensor>): void {
  for (const [name, gradient] of next) {
    const previous = sums.get(name);
    if (previous === undefined) {
      sums.set(name, gradient);
    } else {
      sums.set(name, tf.add(previous, gradient));
      previous.dispose();
      gradient.dispose();
    }
  }
}

/**
 * What an engine does with each micro-batch of a step. The loop over them (`runStep`) is written once for every
 * engine: masks and dropout seeds drawn in micro-batch order, losses summed in that order, then clipping.
 */
export interface MicroBatchRunner {
  /** Sees all of the step's micro-batches before the first runs (gradient workers start computing them side by side). */
  start?(parts: readonly MicroBatch[], fullBatch: number): void;
  /**
   * Runs micro-batch `index` (in order) and adds its gradients into the engine's running sums (and moves the BatchNorm
   * running statistics); returns its share of the batch loss.
   */
  run(micro: MicroBatch, fullBatch: number, index: number): Promise<number>;
  /** The summed gradients by parameter name, after the last micro-batch. */
  sums(): Map<string, tf.Tensor>;
}

/** One optimizer step over micro-batches (stage.micro_batch): `random` supplies masks and dropout seeds. */
export async function runStep(
  plan: Plan, stage: StagePlan, model: MaskedAutoencoder, batch: TrainingBatch, random: Random, runner: MicroBatchRunner,
): Promise<StepGradients> {
  const parts = microBatches(plan, stage, model, batch, random);
  runner.start?.(parts, batch.size);
  let loss = 0;
  for (const [index, micro] of parts.entries()) loss += await runner.run(micro, batch.size, index);
  const gradients = runner.sums();
  if (stage.clip_grad !== null) clipGlobalNorm(gradients, stage.clip_grad);
  return { loss, gradients };
}

/** Computes one step's loss and gradients with TF.js in this thread; `random` supplies masks and dropout seeds. */
export function stepGradients(
  plan: Plan, stage: StagePlan, model: MaskedAutoencoder, batch: TrainingBatch, trainable: ParameterInfo[], random: Random,
): Promise<StepGradients> {
  const gradients = new Map<string, tf.Tensor>();
  return runStep(plan, stage, model, batch, random, {
    run: async (micro, fullBatch) => {
      const result = microBatchGradients(plan, stage, model, micro, trainable, fullBatch);
      accumulateGradients(gradients, result.gradients);
      return result.loss;
    },
    sums: () => gradients,
  });
}

/** TF.js in this thread as a GradientSource (`stepGradients` per step; nothing to close). */
export const inThreadGradients: GradientSource = {
  async stepGradients(plan, stageIndex, model, batch, trainable, random) {
    const stage = plan.stages[stageIndex];
    if (stage === undefined) throw new Error(`plan has no stage ${stageIndex}`);
    return stepGradients(plan, stage, model, batch, trainable, random);
  },
  close: async () => {},
};

/** Scales all gradients by max_norm / (norm + 1e-6) when their global L2 norm exceeds max_norm (in place). */
export function clipGlobalNorm(gradients: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...gradients.values()].map((g) => tf.sum(tf.square(g))))).dataSync()[0] ?? 0);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const [name, gradient] of gradients) {
      gradients.set(name, tf.mul(gradient, scale));
      gradient.dispose();
    }
  }
  return norm;
}
