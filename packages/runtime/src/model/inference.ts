// Scoring-time forward pass (official inference.py): the model runs in evaluation mode (BatchNorm running
// statistics, no dropout) and, as the official code, still masks plan.masking.ratio of the tokens; teacher and
// student both predict every patch. Each frame's mask is drawn from (seed, frame index, pass) by model/test-mask.ts,
// so a frame's scores depend neither on how frames are batched nor on the input's name. Returned per patch, so the
// scorer can weight and combine components (and re-weight them) without running the model again.
// Official identities (Avenue, L2): teacher score = mean over patches of (F * teacherError.l2 + A * anomalyError.l2)
// / (F + A) (the target's anomaly channel is -1 at test time); student-teacher score = mean of discrepancy.l2.
import * as tf from '@tensorflow/tfjs-core';
import type { TestBatch } from '../data/types.ts';
import { forward, type MaskedAutoencoder } from './autoencoder.ts';
import type { TokenMask } from './masking.ts';
import { joinPatchValues, patchify, unpatchifyPlanar, type PatchGrid } from './patches.ts';
import { FIRST_PASS, testTimeMask, type TestMaskPass } from './test-mask.ts';

/** Options of inferBatch. */
export interface InferenceOptions {
  /** Which test-time mask (model/test-mask.ts); default the first. */
  pass?: TestMaskPass;
  /** Seed of the test-time masks (default: the plan's runtime seed). */
  seed?: number;
  /** Share of tokens masked at test time (default: the plan's masking.ratio, as the official code). */
  ratio?: number;
  /** Also return the per-pixel teacher and student predictions [B, H, W, F + A]. */
  reconstructions?: boolean;
  /** The batch's mask, given instead of drawn (e.g. the masks another implementation used, to compare outputs). */
  mask?: TokenMask;
}

/** An L1 and an L2 value per patch, [B * L]. */
export interface PatchErrors {
  l1: Float32Array;
  l2: Float32Array;
}

/** The model's outputs for a batch of test frames, per patch ([B * L], patches row by row) unless noted. */
export interface FrameOutputs {
  size: number;
  frames: number[];
  /** Patch grid: L = rows * cols. */
  rows: number;
  cols: number;
  /** 1 where the patch was hidden from the encoder. */
  hidden: Float32Array;
  /** Teacher prediction vs the current frame, mean over the patch's pixels and frame channels. */
  teacherError: PatchErrors;
  /** Teacher's anomaly channels vs -1 ("no anomaly"), mean over pixels; null without an anomaly-map head. */
  anomalyError: PatchErrors | null;
  /** Teacher - student, mean over pixels and all output channels. */
  discrepancy: PatchErrors;
  /** Predicted anomaly map mapped to [0, 1] ((v + 1) / 2), mean over the patch; null without the head. */
  anomalyMap: Float32Array | null;
  /** [B] probability that the frame holds an anomaly; null without the classifier head. */
  classifier: Float32Array | null;
  /** [B, H, W, F + A] teacher / student predictions (frame channels in [-1, 1]) when asked for, else null. */
  teacher: Float32Array | null;
  student: Float32Array | null;
}

/** Raw per-patch predictions of a batch: B frames, L patches, V = p*p*(F+A) values per patch, planar (p*p*F frame values, then p*p*A anomaly values; pixels row by row, channels innermost). */
export interface BatchPredictions {
  batch: number;
  grid: PatchGrid;
  frameChannels: number;
  anomalyChannels: number;
  /** [B, L, V] the current frame in the F frame channels, -1 in the A anomaly channels. */
  target: Float32Array;
  teacher: Float32Array;
  student: Float32Array;
  /** [B] classifier probabilities, or null. */
  classifier: Float32Array | null;
  /** [B * L] 1 where the patch was hidden from the encoder. */
  hidden: Float32Array;
}

/**
 * Runs a batch of test frames through the model (evaluation mode, test-time masks as described above) and returns
 * the raw per-patch predictions [B, L, p*p*(F+A)] of teacher and student, the target (the current frame from the
 * input, anomaly channels -1) and the classifier probabilities. Pure: same model + batch + options, same numbers.
 */
export function predictBatch(model: MaskedAutoencoder, batch: TestBatch, options: InferenceOptions = {}): BatchPredictions {
  const { grid } = model;
  const tokens = grid.rows * grid.cols;
  const mask = options.mask ?? testTimeMask(model, batch, options.seed ?? model.seed, options.ratio ?? model.masking.ratio, options.pass ?? FIRST_PASS);
  const context = { training: false, dropoutSeed: () => 0 };
  let teacher: Float32Array, student: Float32Array, classifier: Float32Array | null = null;
  tf.engine().startScope();
  try {
    const patches = tf.tensor3d(patchify(batch.input, batch.size, grid, model.inputChannels), [batch.size, tokens, grid.patch ** 2 * model.inputChannels]);
    const outputs = forward(model, patches, mask, context, true);
    teacher = outputs.teacher.dataSync() as Float32Array; // [B, L, p*p*(F+A)]
    student = (outputs.student as tf.Tensor).dataSync() as Float32Array;
    if (outputs.classifierLogit !== null) classifier = tf.sigmoid(outputs.classifierLogit).dataSync() as Float32Array;
  } finally {
    tf.engine().endScope();
  }
  return {
    batch: batch.size, grid, frameChannels: model.frameChannels, anomalyChannels: model.anomalyChannels,
    target: currentFrameTarget(model, batch), teacher, student, classifier, hidden: mask.hidden,
  };
}

/** Runs a batch of test frames through the model and summarises its outputs per patch (see FrameOutputs). */
export function inferBatch(model: MaskedAutoencoder, batch: TestBatch, options: InferenceOptions = {}): FrameOutputs {
  const { grid } = model;
  const tokens = grid.rows * grid.cols;
  const { teacher, student, target, classifier, hidden } = predictBatch(model, batch, options);
  const mask = { hidden };
  const channels = model.frameChannels + model.anomalyChannels;
  const pixels = grid.patch * grid.patch;
  const result: FrameOutputs = {
    size: batch.size, frames: batch.frames, rows: grid.rows, cols: grid.cols, hidden: mask.hidden,
    teacherError: errors(batch.size * tokens), anomalyError: model.anomalyChannels > 0 ? errors(batch.size * tokens) : null,
    discrepancy: errors(batch.size * tokens), anomalyMap: model.anomalyChannels > 0 ? new Float32Array(batch.size * tokens) : null,
    classifier, teacher: null, student: null,
  };
  const share = { frame: pixels * model.frameChannels, all: pixels * channels, anomaly: pixels * model.anomalyChannels };
  const frameValues = pixels * model.frameChannels;
  for (let patch = 0; patch < batch.size * tokens; patch++) {
    const sums = new Float64Array(7); // discrepancy l1, l2; teacher l1, l2; anomaly l1, l2, map
    for (let value = 0; value < pixels * channels; value++) {
      const at = patch * pixels * channels + value;
      const t = teacher[at] ?? 0;
      const gap = t - (student[at] ?? 0);
      sums[0]! += Math.abs(gap);
      sums[1]! += gap * gap;
      if (value < frameValues) {
        const e = t - (target[at] ?? 0);
        sums[2]! += Math.abs(e);
        sums[3]! += e * e;
      } else {
        sums[4]! += Math.abs(t + 1);
        sums[5]! += (t + 1) * (t + 1);
        sums[6]! += (t + 1) / 2;
      }
    }
    const [d1 = 0, d2 = 0, t1 = 0, t2 = 0, a1 = 0, a2 = 0, map = 0] = sums;
    result.discrepancy.l1[patch] = d1 / share.all;
    result.discrepancy.l2[patch] = d2 / share.all;
    result.teacherError.l1[patch] = t1 / share.frame;
    result.teacherError.l2[patch] = t2 / share.frame;
    if (result.anomalyError !== null && result.anomalyMap !== null) {
      result.anomalyError.l1[patch] = a1 / share.anomaly;
      result.anomalyError.l2[patch] = a2 / share.anomaly;
      result.anomalyMap[patch] = map / share.anomaly;
    }
  }
  if (options.reconstructions) {
    result.teacher = unpatchifyPlanar(teacher, batch.size, grid, model.frameChannels, model.anomalyChannels);
    result.student = unpatchifyPlanar(student, batch.size, grid, model.frameChannels, model.anomalyChannels);
  }
  return result;
}

function errors(count: number): PatchErrors {
  return { l1: new Float32Array(count), l2: new Float32Array(count) };
}

// The current frame of the input as a target [B, L, p*p*F | p*p*A]: F channels of context offset 0, anomaly values -1
// (the official test target: the frame plus a zero mask scaled to [-1, 1]). Shared by every inference engine.
export function currentFrameTarget(model: Pick<MaskedAutoencoder, 'grid' | 'inputChannels' | 'frameChannels' | 'anomalyChannels' | 'currentFrame'>, batch: TestBatch): Float32Array {
  const pixels = batch.size * batch.height * batch.width;
  const frame = new Float32Array(pixels * model.frameChannels);
  const offset = 3 * model.currentFrame;
  for (let index = 0; index < pixels; index++) {
    for (let c = 0; c < model.frameChannels; c++) frame[index * model.frameChannels + c] = batch.input[index * model.inputChannels + offset + c] ?? 0;
  }
  const square = model.grid.patch * model.grid.patch;
  const framePatches = patchify(frame, batch.size, model.grid, model.frameChannels);
  const anomaly = new Float32Array(batch.size * model.grid.rows * model.grid.cols * square * model.anomalyChannels).fill(-1);
  return joinPatchValues(framePatches, square * model.frameChannels, anomaly, square * model.anomalyChannels);
}
