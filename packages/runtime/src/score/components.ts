// The three score components the paper combines, computed per frame from the model's per-patch predictions, kept
// apart so that re-weighting (the alpha / beta / gamma sweep) needs no second pass over the video:
//   teacher      mean error of the teacher's reconstruction against the clean frame (frame channels)
//   discrepancy  mean error between the teacher's and the student's predictions (all channels, as the official
//                abnormal_score_TS)
//   anomaly_map  mean of the predicted anomaly map mapped from [-1, 1] to [0, 1] (the head's abnormality)
// Errors cover every token, masked or not (the official `use_only_masked_tokens_ab = False`). The same per-pixel
// terms, combined with the same weights, give the pixel-level anomaly map used for localization, so a frame's
// score is the mean of its map.
import type { ScoringPlan } from '@vadc/dsl';
import type { PatchGrid } from '../model/patches.ts';

/** Per-frame components of one video (or one batch), each of length = frames. */
export interface FrameComponents {
  teacher: Float32Array;
  discrepancy: Float32Array;
  anomalyMap: Float32Array;
  /** Classifier probability per frame, when the model has the head. */
  classifier: Float32Array | null;
}

/** Per-patch predictions of one batch: B frames, L patches, V = p * p * (F + A) values per patch. */
export interface PatchPredictions {
  batch: number;
  grid: PatchGrid;
  frameChannels: number;
  anomalyChannels: number;
  /** [B, L, V] the clean frame in the F frame channels (the A anomaly channels are ignored). */
  target: Float32Array;
  teacher: Float32Array;
  student: Float32Array;
  /** [B] classifier probabilities, or null. */
  classifier: Float32Array | null;
}

type ErrorKind = 'l1' | 'l2';
const error = (kind: ErrorKind, difference: number): number => (kind === 'l2' ? difference * difference : Math.abs(difference));
const abnormality = (value: number): number => Math.min(1, Math.max(0, (value + 1) / 2));

/**
 * Per-pixel component maps of one batch at model resolution: three [B, H, W] arrays (teacher, discrepancy,
 * anomaly map), in image order.
 */
export function componentMaps(predictions: PatchPredictions, errors: ScoringPlan['errors']): { teacher: Float32Array; discrepancy: Float32Array; anomalyMap: Float32Array } {
  const { batch, grid, frameChannels: f, anomalyChannels: a } = predictions;
  const { patch, rows, cols } = grid;
  const channels = f + a;
  const width = cols * patch;
  const pixels = rows * cols * patch * patch;
  const teacher = new Float32Array(batch * pixels);
  const discrepancy = new Float32Array(batch * pixels);
  const anomalyMap = new Float32Array(batch * pixels);
  let value = 0; // walks [B, L, p, p, C]
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < patch; y++) {
          for (let x = 0; x < patch; x++, value += channels) {
            const pixel = b * pixels + (r * patch + y) * width + c * patch + x;
            let teacherError = 0;
            let studentError = 0;
            let abnormal = 0;
            for (let k = 0; k < channels; k++) {
              const predicted = predictions.teacher[value + k] ?? 0;
              studentError += error(errors.discrepancy, predicted - (predictions.student[value + k] ?? 0));
              if (k < f) teacherError += error(errors.teacher, (predictions.target[value + k] ?? 0) - predicted);
              else abnormal += abnormality(predicted);
            }
            teacher[pixel] = teacherError / f;
            discrepancy[pixel] = studentError / channels;
            anomalyMap[pixel] = a > 0 ? abnormal / a : 0;
          }
        }
      }
    }
  }
  return { teacher, discrepancy, anomalyMap };
}

/** Per-frame components of one batch: the means of its component maps. */
export function frameComponents(predictions: PatchPredictions, errors: ScoringPlan['errors']): FrameComponents {
  const maps = componentMaps(predictions, errors);
  const pixels = maps.teacher.length / predictions.batch;
  const mean = (map: Float32Array) => Float32Array.from({ length: predictions.batch }, (_, b) => {
    let sum = 0;
    for (let index = b * pixels; index < (b + 1) * pixels; index++) sum += map[index] ?? 0;
    return sum / pixels;
  });
  return { teacher: mean(maps.teacher), discrepancy: mean(maps.discrepancy), anomalyMap: mean(maps.anomalyMap), classifier: predictions.classifier };
}

/** The final frame score: alpha * teacher + beta * discrepancy + gamma * anomaly map (+ classifier weight * p). */
export function combineComponents(components: FrameComponents, weights: ScoringPlan['weights']): Float32Array {
  return components.teacher.map((teacher, frame) =>
    weights.teacher * teacher +
    weights.discrepancy * (components.discrepancy[frame] ?? 0) +
    weights.anomaly_map * (components.anomalyMap[frame] ?? 0) +
    weights.classifier * (components.classifier?.[frame] ?? 0),
  );
}

/** The pixel-level anomaly map: the component maps combined with the scoring weights (classifier excluded). */
export function combineMaps(maps: ReturnType<typeof componentMaps>, weights: ScoringPlan['weights']): Float32Array {
  return maps.teacher.map((teacher, pixel) =>
    weights.teacher * teacher + weights.discrepancy * (maps.discrepancy[pixel] ?? 0) + weights.anomaly_map * (maps.anomalyMap[pixel] ?? 0),
  );
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
