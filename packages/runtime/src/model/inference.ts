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
import { patchSummaries, summaryFields, type PatchErrors, type PatchSummary, type PatchSummaryFields } from './patch-summaries.ts';
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

export type { PatchErrors };

/** The model's outputs for a batch of test frames, per patch ([B * L], patches row by row) unless noted. */
export interface FrameOutputs extends PatchSummaryFields {
  size: number;
  frames: number[];
  /** Patch grid: L = rows * cols. */
  rows: number;
  cols: number;
  /** 1 where the patch was hidden from the encoder. */
  hidden: Float32Array;
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
  const { teacher, student, target, classifier, hidden } = predictBatch(model, batch, options);
  const result: FrameOutputs = {
    size: batch.size, frames: batch.frames, rows: grid.rows, cols: grid.cols, hidden,
    ...summarisePatches(model, batch.size * grid.rows * grid.cols, teacher, student, target),
    classifier, teacher: null, student: null,
  };
  if (options.reconstructions) {
    result.teacher = unpatchifyPlanar(teacher, batch.size, grid, model.frameChannels, model.anomalyChannels);
    result.student = unpatchifyPlanar(student, batch.size, grid, model.frameChannels, model.anomalyChannels);
  }
  return result;
}

/** The per-patch summaries of model/patch-summaries.ts, summed in JS over planar predictions [B * L, p*p*(F+A)]. */
function summarisePatches(
  model: Pick<MaskedAutoencoder, 'grid' | 'frameChannels' | 'anomalyChannels'>, patches: number, teacher: Float32Array, student: Float32Array, target: Float32Array,
): PatchSummaryFields {
  const pixels = model.grid.patch * model.grid.patch;
  const frameValues = pixels * model.frameChannels;
  const perPatch = pixels * (model.frameChannels + model.anomalyChannels);
  const ranges = { frame: [0, frameValues], all: [0, perPatch], anomaly: [frameValues, perPatch] } as const;
  const filled = new Map<PatchSummary['field'], PatchErrors | Float32Array>();
  for (const summary of patchSummaries(model.anomalyChannels)) {
    const [from, to] = ranges[summary.values];
    const count = to - from;
    const errors = summary.reduce === 'errors';
    const other = summary.term === 'teacherError' ? target : student; // what the teacher is compared with
    const l1 = new Float32Array(patches); // the mean of |term| (errors) or of term / 2 (half-mean)
    const l2 = new Float32Array(errors ? patches : 0);
    for (let patch = 0; patch < patches; patch++) {
      let absolute = 0;
      let square = 0;
      for (let at = patch * perPatch + from, end = patch * perPatch + to; at < end; at++) {
        const t = teacher[at] ?? 0;
        const term = summary.term === 'anomaly' ? t + 1 : t - (other[at] ?? 0);
        if (errors) {
          absolute += Math.abs(term);
          square += term * term;
        } else {
          absolute += term / 2;
        }
      }
      l1[patch] = absolute / count;
      if (errors) l2[patch] = square / count;
    }
    filled.set(summary.field, errors ? { l1, l2 } : l1);
  }
  return summaryFields(filled);
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
