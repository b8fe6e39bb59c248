// The three score components the paper combines, per frame, from the model's per-patch outputs (FrameOutputs of
// model/inference.ts), kept apart so that re-weighting (the alpha / beta / gamma sweep) needs no second pass:
//   teacher      mean over patches of the teacher's reconstruction error against the clean frame
//   discrepancy  mean over patches of the teacher-student error (all output channels, as abnormal_score_TS)
//   anomaly_map  mean over patches of the predicted anomaly map in [0, 1]
// Errors cover every patch, masked or not (the official `use_only_masked_tokens_ab = False`), with the recipe's
// error kinds (scoring.errors). The same per-patch terms with the same weights give the patch-level anomaly map
// used for localization, so a frame's score is the mean of its map, or (scoring.top_patches) the mean of its
// highest patches.
import type { ScoringPlan } from '@vadc/dsl';
import type { FrameOutputs } from '../model/inference.ts';
/** Per-frame components of one video (or one batch), each of length = frames. */
export interface FrameComponents {
  teacher: Float32Array;
  discrepancy: Float32Array;
  anomalyMap: Float32Array;
  /** Classifier probability per frame, when the model has the head. */
  classifier: Float32Array | null;
}

/** Per-patch component maps of a batch, [B * L] each (patches row by row). */
export interface PatchComponents {
  teacher: Float32Array;
  discrepancy: Float32Array;
  anomalyMap: Float32Array;
}

/** Picks the recipe's error kinds out of the model outputs. */
export function patchComponents(outputs: FrameOutputs, errors: ScoringPlan['errors']): PatchComponents {
  return {
    teacher: outputs.teacherError[errors.teacher],
    discrepancy: outputs.discrepancy[errors.discrepancy],
    anomalyMap: outputs.anomalyMap ?? new Float32Array(outputs.teacherError.l1.length),
  };
}

/** Per-frame components of one batch: means over each frame's patches. */
export function frameComponents(outputs: FrameOutputs, errors: ScoringPlan['errors']): FrameComponents {
  const patches = patchComponents(outputs, errors);
  const tokens = outputs.rows * outputs.cols;
  const mean = (values: Float32Array) => Float32Array.from({ length: outputs.size }, (_, frame) => {
    let sum = 0;
    for (let index = frame * tokens; index < (frame + 1) * tokens; index++) sum += values[index] ?? 0;
    return sum / tokens;
  });
  return { teacher: mean(patches.teacher), discrepancy: mean(patches.discrepancy), anomalyMap: mean(patches.anomalyMap), classifier: outputs.classifier };
}

/** What turns components into frame scores: the weights, and (top_patches) how a frame's patches are pooled. */
export type FrameScoring = Pick<ScoringPlan, 'weights'> & { top_patches?: number | null };

/**
 * Frames scored together (a video, or one batch of a stream): the per-frame components, the patch maps combined
 * with `scoring.weights`, and that scoring itself, so that scores and maps cannot be combined with different weights.
 */
export interface ScoredFrames {
  frameCount: number;
  components: FrameComponents;
  /** [T * L] patch-level anomaly maps, combined with `scoring.weights`. */
  patchMaps: Float32Array;
  scoring: FrameScoring;
}

/**
 * The weighted score, the one place it is written: alpha * teacher + beta * discrepancy + gamma * anomaly map
 * (+ classifier weight * p). Frame scores and patch maps (classifier 0) both come from here.
 */
export function weightedScore(weights: ScoringPlan['weights'], teacher: number, discrepancy: number, anomalyMap: number, classifier: number): number {
  return weights.teacher * teacher + weights.discrepancy * discrepancy + weights.anomaly_map * anomalyMap + weights.classifier * classifier;
}

/** The final frame score of each frame from its mean components (weightedScore per frame). */
export function combineComponents(components: FrameComponents, weights: ScoringPlan['weights']): Float32Array {
  return components.teacher.map((teacher, frame) =>
    weightedScore(weights, teacher, components.discrepancy[frame] ?? 0, components.anomalyMap[frame] ?? 0, components.classifier?.[frame] ?? 0),
  );
}

/**
 * The frame scores, the one function every caller uses: the mean of each frame's combined patch map (the official
 * score, computed from the per-frame components), or with `scoring.top_patches` = N the mean of its N highest
 * patches; the classifier term is added after pooling.
 */
export function frameScores(frames: ScoredFrames): Float32Array {
  const { scoring } = frames;
  const top = scoring.top_patches ?? null; // plan.json files written before top_patches existed
  if (top === null) return combineComponents(frames.components, scoring.weights);
  const patches = frames.patchMaps.length / frames.frameCount;
  if (!Number.isInteger(patches) || top > patches) throw new Error(`top_patches ${top}: frames have ${patches} patches`);
  const classifier = frames.components.classifier;
  return Float32Array.from({ length: frames.frameCount }, (_, frame) => {
    const sorted = frames.patchMaps.slice(frame * patches, (frame + 1) * patches).sort();
    let sum = 0;
    for (let index = patches - top; index < patches; index++) sum += sorted[index] ?? 0;
    return sum / top + scoring.weights.classifier * (classifier?.[frame] ?? 0);
  });
}

/** The patch-level anomaly map [B * L]: the patch components combined with the scoring weights (no classifier term). */
export function combinePatchMaps(patches: PatchComponents, weights: ScoringPlan['weights']): Float32Array {
  return patches.teacher.map((teacher, index) => weightedScore(weights, teacher, patches.discrepancy[index] ?? 0, patches.anomalyMap[index] ?? 0, 0));
}

/** The part of a scoring plan that frame scores depend on (a copy: later changes to the plan do not leak in). */
export function frameScoring(scoring: FrameScoring): FrameScoring {
  return { weights: { ...scoring.weights }, top_patches: scoring.top_patches ?? null };
}

/** Scores one batch of model outputs: its frame components and patch maps under `scoring` (errors and weights). */
export function scoreOutputs(outputs: FrameOutputs, scoring: FrameScoring & Pick<ScoringPlan, 'errors'>): ScoredFrames {
  return {
    frameCount: outputs.size,
    components: frameComponents(outputs, scoring.errors),
    patchMaps: combinePatchMaps(patchComponents(outputs, scoring.errors), scoring.weights),
    scoring: frameScoring(scoring),
  };
}

/** Concatenates the components of consecutive batches. */
export function concatComponents(parts: FrameComponents[]): FrameComponents {
  const join = (pick: (part: FrameComponents) => Float32Array) => {
    const out = new Float32Array(parts.reduce((sum, part) => sum + pick(part).length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(pick(part), offset);
      offset += pick(part).length;
    }
    return out;
  };
  const withClassifier = parts.length > 0 && parts.every((part) => part.classifier !== null);
  return {
    teacher: join((part) => part.teacher),
    discrepancy: join((part) => part.discrepancy),
    anomalyMap: join((part) => part.anomalyMap),
    classifier: withClassifier ? join((part) => part.classifier as Float32Array) : null,
  };
}

/**
 * Upsamples patch-level maps [T, rows, cols] to pixel maps [T, H, W] (each patch's value over its pixels: the
 * region of a map component is then the union of abnormal patches, as the paper localizes).
 */
export function upsamplePatchMaps(maps: Float32Array, frames: number, rows: number, cols: number, patch: number): Float32Array {
  const width = cols * patch;
  const out = new Float32Array(frames * rows * cols * patch * patch);
  for (let t = 0; t < frames; t++) {
    for (let y = 0; y < rows * patch; y++) {
      const source = (t * rows + Math.floor(y / patch)) * cols;
      const target = (t * rows * patch + y) * width;
      for (let x = 0; x < width; x++) out[target + x] = maps[source + Math.floor(x / patch)] ?? 0;
    }
  }
  return out;
}

// One pass of a k-wide grey-level min (erosion) or max (dilation) filter along rows or columns of [T, H, W] maps.
// Windows cover offsets -floor((k-1)/2) .. ceil((k-1)/2) with zeros outside the frame (the official fixed_padding).
function filterPass(maps: Float32Array, frames: number, height: number, width: number, size: number, pick: (a: number, b: number) => number, alongRows: boolean): Float32Array {
  const out = new Float32Array(maps.length);
  const before = Math.floor((size - 1) / 2);
  const after = size - 1 - before;
  const [lines, length, lineStride, step] = alongRows ? [frames * height, width, width, 1] : [frames * width, height, 0, width];
  for (let line = 0; line < lines; line++) {
    const base = alongRows ? line * lineStride : Math.floor(line / width) * height * width + (line % width);
    for (let i = 0; i < length; i++) {
      let value = maps[base + i * step] ?? 0;
      for (let j = i - before; j <= i + after; j++) value = pick(value, j < 0 || j >= length ? 0 : maps[base + j * step] ?? 0);
      out[base + i * step] = value;
    }
  }
  return out;
}

/**
 * The localization map post-processing of the official process_result on [T, H, W] pixel maps: one erosion with
 * an `erode` x `erode` window, then two dilations with a `dilate` x `dilate` window (square windows, separable).
 * It removes isolated high pixels and grows what survives into blobs; 0 skips a step.
 */
export function erodeDilate(maps: Float32Array, frames: number, height: number, width: number, erode: number, dilate: number): Float32Array {
  let out = maps;
  const square = (size: number, pick: (a: number, b: number) => number) => {
    out = filterPass(filterPass(out, frames, height, width, size, pick, true), frames, height, width, size, pick, false);
  };
  if (erode > 1) square(erode, Math.min);
  if (dilate > 1) {
    square(dilate, Math.max);
    square(dilate, Math.max);
  }
  return out;
}
