// The `steps` section of a model package's manifest (format 2): every step between a video and its events that the
// graph does not do itself, stated exactly enough for a scorer written elsewhere (examples/python/score_package.py)
// to reproduce `vadc score` (docs/model-package.md is the specification; it names each field). Each value comes from
// the constant or function the scorer itself uses, never from a copy, so the manifest cannot say one thing while the
// code does another.
import type { Plan } from '@vadc/dsl';
import type { LiveSmoothing } from '@vadc/metrics';
import { IMAGE_EXTENSIONS } from '../data/formats/image.ts';
import { rawDecodeArgs, RAW_PIXEL_FORMAT } from '../data/formats/video.ts';
import { OUTSIDE_VIDEO, PIXEL_SCALING } from '../data/pipeline/frames.ts';
import { RESIZE_METHOD } from '../data/pipeline/resize.ts';
import { TEST_MASK_LABELS, testMasksOf } from '../model/test-mask.ts';
import { RANDOM_ALGORITHM } from '../random.ts';
import { ONNX_NAMES, type OnnxTokenGrid } from './export-onnx.ts';
import type { OnnxScoringModel } from './onnx-inference.ts';
import { SCORING_NAMES } from './scoring-graph.ts';

/** Where the manifest's fields are specified (a path in vadc's repository). */
export const MODEL_PACKAGE_SPECIFICATION = 'docs/model-package.md';

/** How live decisions are smoothed (the CLI's decisionSmoothing), and that smoothing in the words outputs use. */
export interface PackageDecisionSmoothing {
  live: LiveSmoothing | null;
  description: string;
}

/** The `steps` section: from a video file or frame folder to per-frame scores, decisions and events. */
export interface PackageSteps {
  specification: string;
  /** Video files: ffmpeg with these arguments ({input}, {output}) gives [T, H, W, 3] uint8; frame folders: each image decoded so, in natural name order. */
  decode: { pixel_format: string; ffmpeg_args: string[]; frame_folder: { extensions: string[]; order: string } };
  /** Each decoded frame (and motion image) resized to `to` [height, width]. */
  resize: typeof RESIZE_METHOD & { to: [number, number] };
  /** Pixel values to model values: (v - offset) / divisor, as float32. */
  scale: typeof PIXEL_SCALING;
  /** Frame t stacks frames t + offset, in this order, channel-wise; an offset outside the video takes frame t. */
  context: { offsets: number[]; outside_video: typeof OUTSIDE_VIDEO };
  /** |f(t - step) - f(t + step)| at native size, then resized; read only by the `motion` mask strategy. */
  motion: { step: number; outside_video: typeof OUTSIDE_VIDEO; used: boolean };
  masks: {
    strategy: Plan['masking']['strategy'];
    seed: number;
    random: typeof RANDOM_ALGORITHM;
    labels: typeof TEST_MASK_LABELS;
    order: string;
    tokens: number;
    kept_tokens: number;
    grid: { rows: number; cols: number; patch: number };
    passes: { count: number; complementary: boolean; rotation: string; fold: string };
    indices: string;
  };
  /** The graph's inputs and the outputs scoring reads; frames go in batches of `batch` (any size gives the same numbers). */
  graph: { batch: number; inputs: string[]; outputs: { teacher_error: string; discrepancy: string; anomaly_map: string | null; classifier_logit: string | null } };
  /** Per-frame score from the per-patch outputs. */
  pooling: { weights: Plan['scoring']['weights']; top_patches: number | null; patch_score: string; frame_score: string; classifier: string };
  /** Smoothing of frame scores before the threshold (`live`), and what `vadc eval` uses for its metrics (`eval`). */
  smoothing: { live: LiveSmoothing | null; description: string; eval: Plan['scoring']['smoothing']; normalize: boolean };
  /** The threshold is the manifest's `threshold.value` (vadc calibrate rewrites it there), or the user's. */
  decision: { abnormal: string; events: string };
}

/** The steps of a package of `model` under `plan` (graph exported with `grid`'s K tokens kept). */
export function packageSteps(plan: Plan, model: OnnxScoringModel, grid: OnnxTokenGrid, smoothing: PackageDecisionSmoothing): PackageSteps {
  const masks = testMasksOf(plan.scoring);
  const { errors, weights } = plan.scoring;
  // The outputs of the recipe's error kinds (components.ts patchComponents picks the same ones).
  const outputs: PackageSteps['graph']['outputs'] = {
    teacher_error: errors.teacher === 'l1' ? SCORING_NAMES.teacherErrorL1 : SCORING_NAMES.teacherErrorL2,
    discrepancy: errors.discrepancy === 'l1' ? SCORING_NAMES.discrepancyL1 : SCORING_NAMES.discrepancyL2,
    anomaly_map: model.anomalyChannels > 0 ? SCORING_NAMES.anomalyMap : null,
    classifier_logit: model.classifier ? ONNX_NAMES.classifierLogit : null,
  };
  return {
    specification: MODEL_PACKAGE_SPECIFICATION,
    decode: {
      pixel_format: RAW_PIXEL_FORMAT,
      ffmpeg_args: rawDecodeArgs('{input}', '{output}'),
      frame_folder: { extensions: [...IMAGE_EXTENSIONS], order: 'natural: runs of digits compare as numbers, letters case-insensitively' },
    },
    resize: { ...RESIZE_METHOD, to: plan.data.size },
    scale: PIXEL_SCALING,
    context: { offsets: [...plan.data.context], outside_video: OUTSIDE_VIDEO },
    motion: { step: plan.data.motion.step, outside_video: OUTSIDE_VIDEO, used: model.masking.strategy === 'motion' },
    masks: {
      strategy: model.masking.strategy,
      seed: model.seed,
      random: RANDOM_ALGORITHM,
      labels: TEST_MASK_LABELS,
      order: model.masking.strategy === 'random'
        ? 'stable argsort of `tokens` uniform draws of the frame\'s generator (ties: lower index); the first kept_tokens are kept, in that order'
        : 'stable argsort of each patch\'s motion (max over its pixels and channels; ties: lower index); the first kept_tokens are kept, in that order',
      tokens: grid.tokens,
      kept_tokens: grid.keep,
      grid: { rows: model.grid.rows, cols: model.grid.cols, patch: model.grid.patch },
      passes: {
        count: masks.count,
        complementary: masks.complementary,
        rotation: 'complementary pass k: the shared order rotated left by k * (tokens - kept_tokens)',
        fold: 'per patch: mean over the passes that hid it (all passes when none did); classifier: mean over passes',
      },
      indices: 'keep_index[b*K + r] = b*L + order_b[r] (r < K); restore_index[b*L + order_b[r]] = b*K + r (r < K), else B*K + b*(L-K) + (r-K)',
    },
    graph: { batch: plan.scoring.batch, inputs: [SCORING_NAMES.frames, ONNX_NAMES.keepIndex, ONNX_NAMES.restoreIndex], outputs },
    pooling: {
      weights: { ...weights },
      top_patches: plan.scoring.top_patches ?? null,
      patch_score: `teacher * ${outputs.teacher_error} + discrepancy * ${outputs.discrepancy} + anomaly_map * ${outputs.anomaly_map ?? '0'} (float32)`,
      frame_score: plan.scoring.top_patches == null
        ? 'the weighted sum of the per-frame means (over patches, float32) of each term, + classifier * p (float32)'
        : 'mean of the top_patches highest patch scores, + classifier * p (float32)',
      classifier: 'p = sigmoid(classifier_logit), float32; 0 without the head',
    },
    smoothing: { live: smoothing.live, description: smoothing.description, eval: plan.scoring.smoothing, normalize: plan.scoring.normalize },
    decision: {
      abnormal: 'smoothed score > threshold (the manifest\'s threshold.value unless the user gives one)',
      events: 'maximal runs of abnormal frames: start, end (inclusive), peak = frame of the highest smoothed score (first of equals)',
    },
  };
}
