// Training losses, registered by the names stages use (`stages[i].loss`), matching the official forward_loss and
// forward_loss_TS, written once against the engine operations of model/ops.ts (TF.js differentiates them itself,
// the ONNX training graph through its tape). The data a loss reads (targets, weights) is computed here in JS from the
// micro-batch and handed to either engine as inputs. Each returns this micro-batch's share of the full batch's loss, so summing the shares of all
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
import { planPatchGrid, type Plan, type StagePlan } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';
import type { ForwardHeads, MaskedAutoencoder, ModelOutputs } from '../model/autoencoder.ts';
import type { TokenMask } from '../model/masking.ts';
import type { ModelOps } from '../model/ops.ts';
import { patchMotion, reconstructionTarget } from '../model/patches.ts';
import type { Scratch } from '../scratch.ts';
import { TfjsOps } from '../model/tfjs-ops.ts';

/** A loss kind (`stages[i].loss`). */
export type LossKind = StagePlan['loss'];

/** What a loss's graph is built for: fixed per micro-batch shape. */
export interface LossSettings {
  plan: Plan;
  model: MaskedAutoencoder;
  /** Samples in this micro-batch and in the whole (accumulated) batch. */
  batch: number;
  fullBatch: number;
  /** L tokens per frame, K kept. */
  tokens: number;
  keep: number;
}

/** What a loss's data is computed from. */
export interface LossDataContext {
  plan: Plan;
  model: MaskedAutoencoder;
  batch: TrainingBatch;
  mask: TokenMask;
  /** Arrays to compute the values into, reused step after step (the onnxruntime trainer's); fresh ones without. */
  scratch?: Scratch;
}

/** A registered loss. */
export interface LossDefinition {
  /** The optional outputs the loss reads (the forward pass computes only those). */
  heads: ForwardHeads;
  /** The data inputs the loss reads, by name, with their shapes. */
  inputs(settings: LossSettings): Record<string, readonly number[]>;
  /** The values of those inputs for a micro-batch. */
  values(context: LossDataContext): Record<string, Float32Array>;
  /** This micro-batch's share of the batch loss, a scalar. */
  describe<V>(ops: ModelOps<V>, outputs: ModelOutputs<V>, data: Record<string, V>, settings: LossSettings): V;
}

/**
 * Per-patch weights [B * L] of the reconstruction loss, each frame's weights summing to 1 (how frames then combine,
 * summed for motion weighting as the official code or averaged, is the loss's own step).
 */
export function reconstructionWeights(plan: Plan, batch: TrainingBatch, mask: TokenMask, scratch?: Scratch): { weights: Float32Array } {
  const { loss } = plan;
  const tokens = mask.tokens;
  const counted = (index: number): number => (loss.tokens === 'masked' && mask.keep < tokens ? mask.hidden[index] ?? 0 : 1);
  let weights: Float32Array;
  if (loss.weighting === 'motion') {
    const grid = planPatchGrid({ data: { size: [batch.height, batch.width] }, model: plan.model });
    const pixels = batch.height * batch.width;
    const boost = scratch?.floats('loss/boost', batch.size * pixels) ?? new Float32Array(batch.size * pixels); // every value written below
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
  return { weights };
}

function input<V>(data: Record<string, V>, name: string): V {
  const value = data[name];
  if (value === undefined) throw new Error(`the loss reads input ${name}, which was not given`);
  return value;
}

const reconstruction: LossDefinition = {
  heads: { student: false, classifier: true },
  inputs({ model, batch, tokens }) {
    return {
      target: [batch, tokens, model.patchValues],
      weights: [batch, tokens],
      ...(model.classifier !== null ? { has_anomaly: [batch] } : {}),
    };
  },
  values({ plan, model, batch, mask, scratch }) {
    const target = scratch?.floats('loss/target', batch.size * model.grid.rows * model.grid.cols * model.patchValues);
    return {
      target: reconstructionTarget(batch, model.grid, model.frameChannels, model.anomalyChannels, target),
      weights: reconstructionWeights(plan, batch, mask, scratch).weights,
      ...(model.classifier !== null ? { has_anomaly: Float32Array.from(batch.hasAnomaly) } : {}),
    };
  },
  describe(ops, outputs, data, { plan, model, fullBatch }) {
    // Per-value weights [V]: 1 for the p*p*F frame values, anomaly_map_weight for the p*p*A anomaly values (planar).
    const frameValues = model.grid.patch * model.grid.patch * model.frameChannels;
    const columns = ops.constant('loss/columns', Float32Array.from({ length: model.patchValues }, (_, i) => (i < frameValues ? 1 : plan.loss.anomaly_map_weight)), [model.patchValues]);
    const difference = ops.sub(outputs.teacher, input(data, 'target'), 'loss/difference');
    const error = plan.loss.reconstruction === 'l2' ? ops.square(difference, 'loss/square') : ops.abs(difference, 'loss/abs');
    const perPatch = ops.mean(ops.mul(error, columns, 'loss/columns_weighted'), [2], 'loss/per_patch'); // [B, L]
    const total = ops.sum(ops.mul(perPatch, input(data, 'weights'), 'loss/weighted'), [0, 1], 'loss/total'); // sum over frames
    let share = plan.loss.weighting === 'motion' ? total : ops.scale(total, 1 / fullBatch, 'loss/share');
    if (outputs.classifierLogit !== null) {
      const bce = ops.binaryCrossEntropy(outputs.classifierLogit, input(data, 'has_anomaly'), 'classifier/bce');
      share = ops.add(share, ops.scale(ops.sum(bce, [0], 'classifier/sum'), plan.loss.classifier_weight / fullBatch, 'classifier/share'), 'loss/with_classifier');
    }
    return share;
  },
};

const distillation: LossDefinition = {
  heads: { student: true, classifier: false },
  inputs: ({ batch, tokens }) => ({ counted: [batch, tokens] }),
  // The masked patches count (all of them when nothing is masked).
  values: ({ mask }) => ({ counted: mask.keep < mask.tokens ? mask.hidden : new Float32Array(mask.hidden.length).fill(1) }),
  describe(ops, outputs, data, { tokens, keep, fullBatch }) {
    if (outputs.student === null) throw new Error('distillation needs the student branch');
    const gap = ops.sub(outputs.student, ops.stopGradient(outputs.teacher), 'loss/difference');
    const perPatch = ops.mean(ops.square(gap, 'loss/square'), [2], 'loss/per_patch'); // [B, L]
    const perFrame = keep < tokens ? tokens - keep : tokens;
    const total = ops.sum(ops.mul(perPatch, input(data, 'counted'), 'loss/weighted'), [0, 1], 'loss/total');
    return ops.scale(total, 1 / (perFrame * fullBatch), 'loss/share');
  },
};

/** The losses, keyed by the names stages use. */
export const lossRegistry: Record<LossKind, LossDefinition> = { reconstruction, distillation };

/** Everything the TF.js loss of one micro-batch looks at. */
export interface LossContext extends LossDataContext {
  outputs: ModelOutputs<tf.Tensor>;
  /** Samples in the whole (accumulated) batch this micro-batch belongs to. */
  fullBatch: number;
}

/** A loss on TF.js tensors: the micro-batch's share of the batch loss, a scalar (differentiable by TF.js). */
export function tfjsLoss(kind: LossKind, context: LossContext): tf.Scalar {
  const { plan, model, batch, mask, outputs, fullBatch } = context;
  const definition = lossRegistry[kind];
  const settings: LossSettings = { plan, model, batch: batch.size, fullBatch, tokens: mask.tokens, keep: mask.keep };
  const shapes = definition.inputs(settings);
  const data = Object.fromEntries(Object.entries(definition.values({ plan, model, batch, mask }))
    .map(([name, values]) => [name, tf.tensor(values, [...(shapes[name] ?? [values.length])])]));
  const ops = new TfjsOps(mask, { training: true, dropoutSeed: () => 0 });
  return definition.describe(ops, outputs, data, settings) as tf.Scalar;
}
