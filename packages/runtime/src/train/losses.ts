// Training losses, registered by the names stages use (`stages[i].loss`), matching the official forward_loss and
// forward_loss_TS. Each returns this micro-batch's share of the full batch's loss, so summing the shares of all
// micro-batches gives exactly the loss (and gradient) of the whole batch:
// - `reconstruction`: per patch, the mean squared (or absolute) error over its p*p*(F+A) values (anomaly-map
//   columns weighted by loss.anomaly_map_weight). With weighting `motion` (the official grad_weighted_loss) each
//   frame's patches are weighted by their max-pooled motion, the synthetic anomaly's mask raised to
//   max(floor, the frame's largest gradient) and added to the motion first, weights normalised per frame, and the
//   frames summed (the official sums over the batch). With weighting `none` the mean over the counted patches.
//   loss.tokens picks the counted patches: `all` (what the official weighted loss uses) or the `masked` ones.
//   Plus, when the model has a classifier head, loss.classifier_weight x binary cross-entropy on hasAnomaly.
// - `distillation`: the student's prediction against the teacher's (no gradient through the teacher), mean squared
//   error over the masked patches (official: always the masked ones).
import * as tf from '@tensorflow/tfjs-core';
import { planPatchGrid, type Plan } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';
import type { MaskedAutoencoder, ModelOutputs } from '../model/autoencoder.ts';
import type { TokenMask } from '../model/masking.ts';
import { patchMotion, reconstructionTarget } from '../model/patches.ts';

/** Everything a loss may look at for one micro-batch. */
export interface LossContext {
  plan: Plan;
  model: MaskedAutoencoder;
  batch: TrainingBatch;
  mask: TokenMask;
  outputs: ModelOutputs;
  /** Samples in the whole (accumulated) batch this micro-batch belongs to. */
  fullBatch: number;
}

/** A registered loss: the micro-batch's share of the batch loss, a scalar. */
export type LossFunction = (context: LossContext) => tf.Scalar;

/**
 * Per-patch weights [B * L] of the reconstruction loss, each frame's weights summing to 1, and how frames combine
 * (`sum` for motion weighting as the official code, `mean` otherwise).
 */
export function reconstructionWeights(plan: Plan, batch: TrainingBatch, mask: TokenMask): { weights: Float32Array; reduction: 'sum' | 'mean' } {
  const { loss } = plan;
  const tokens = mask.tokens;
  const counted = (index: number): number => (loss.tokens === 'masked' && mask.keep < tokens ? mask.hidden[index] ?? 0 : 1);
  let weights: Float32Array;
  if (loss.weighting === 'motion') {
    const grid = planPatchGrid({ data: { size: [batch.height, batch.width] }, model: plan.model });
    const pixels = batch.height * batch.width;
    const boost = new Float32Array(batch.size * pixels);
    for (let b = 0; b < batch.size; b++) {
      // The official: anomaly = clip(mask scaled to [-1, 1], 0, 1) * max(128, max gradient of the frame).
      let largest = 0;
      for (let i = b * pixels * 3; i < (b + 1) * pixels * 3; i++) largest = Math.max(largest, batch.motion[i] ?? 0);
      const magnitude = Math.max(loss.anomaly_floor * 255, largest);
      for (let i = b * pixels; i < (b + 1) * pixels; i++) {
        boost[i] = Math.min(1, Math.max(0, 2 * (batch.anomalyMask[i] ?? 0) - 1)) * magnitude;
      }
    }
    weights = patchMotion(batch.motion, batch.size, grid, 'mean', boost);
    for (let index = 0; index < weights.length; index++) weights[index] = (weights[index] ?? 0) * counted(index);
  } else {
    weights = Float32Array.from({ length: batch.size * tokens }, (_, index) => counted(index));
  }
  for (let b = 0; b < batch.size; b++) {
    const frame = weights.subarray(b * tokens, (b + 1) * tokens);
    let total = frame.reduce((a, v) => a + v, 0);
    // A frame without any motion would divide by zero (NaN in the official code): fall back to equal weights.
    if (total <= 0) frame.forEach((_, i) => { frame[i] = counted(b * tokens + i); });
    total = frame.reduce((a, v) => a + v, 0);
    frame.forEach((v, i) => { frame[i] = v / total; });
  }
  return { weights, reduction: loss.weighting === 'motion' ? 'sum' : 'mean' };
}

/** No gradient flows through x (TF.js has no stop_gradient op). */
export const stopGradient = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

function reconstructionLoss(context: LossContext): tf.Scalar {
  const { plan, model, batch, mask, outputs, fullBatch } = context;
  const target = tf.tensor3d(reconstructionTarget(batch, model.grid, model.frameChannels, model.anomalyChannels), outputs.teacher.shape);
  // Per-value weights [V]: 1 for the p*p*F frame values, anomaly_map_weight for the p*p*A anomaly values (planar).
  const frameValues = model.grid.patch * model.grid.patch * model.frameChannels;
  const columns = Float32Array.from({ length: model.patchValues }, (_, i) => (i < frameValues ? 1 : plan.loss.anomaly_map_weight));
  const difference = tf.sub(outputs.teacher, target);
  const error = plan.loss.reconstruction === 'l2' ? tf.square(difference) : tf.abs(difference);
  const perPatch = tf.mean(tf.mul(error, tf.tensor1d(columns)), 2); // [B, L]
  const { weights, reduction } = reconstructionWeights(plan, batch, mask);
  const total = tf.sum<tf.Scalar>(tf.mul(perPatch, tf.tensor2d(weights, [batch.size, mask.tokens]))); // sum over frames
  let share: tf.Scalar = reduction === 'sum' ? total : tf.div<tf.Scalar>(total, fullBatch);
  if (outputs.classifierLogit !== null) {
    // Binary cross-entropy from logits, stable form: max(z, 0) - z y + log(1 + exp(-|z|)).
    const z = outputs.classifierLogit;
    const y = tf.tensor1d(batch.hasAnomaly);
    const bce = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    share = tf.add<tf.Scalar>(share, tf.mul(tf.sum(bce), plan.loss.classifier_weight / fullBatch));
  }
  return share;
}

function distillationLoss(context: LossContext): tf.Scalar {
  const { mask, outputs, fullBatch } = context;
  if (outputs.student === null) throw new Error('distillation needs the student branch');
  const perPatch = tf.mean(tf.square(tf.sub(outputs.student, stopGradient(outputs.teacher))), 2); // [B, L]
  const counted = mask.keep < mask.tokens ? mask.hidden : new Float32Array(mask.hidden.length).fill(1);
  const perFrame = counted.reduce((a, v) => a + v, 0) / mask.batch;
  const total = tf.sum<tf.Scalar>(tf.mul(perPatch, tf.tensor2d(counted, [mask.batch, mask.tokens])));
  return tf.div(total, perFrame * fullBatch);
}

/** The losses, keyed by the names stages use. */
export const lossRegistry: Record<'reconstruction' | 'distillation', LossFunction> = {
  reconstruction: reconstructionLoss,
  distillation: distillationLoss,
};
