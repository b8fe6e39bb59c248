// Frame-level AUC as the official AED-MAE evaluation (inference.py `evaluate_model`) computes it, plus the clean
// macro variant. Videos are processed in sorted-name order, as `np.unique(videos)` does.
import { MetricsError } from './errors.ts';
import { pairwiseSum } from './numeric.ts';
import { checkBinaryInput, rocAuc } from './roc.ts';
import { normalizeScores, smoothScores, type GaussianSmoothing } from './smoothing.ts';

/** One test video: 0/1 frame labels and raw per-frame scores (higher = more anomalous), same length. */
export interface FrameAucVideo {
  name: string;
  labels: ArrayLike<number | boolean>;
  scores: ArrayLike<number>;
}

/** Inputs of `frameAuc`: smoothing null = none; normalize = per-video min-max after smoothing. */
export interface FrameAucInput {
  videos: readonly FrameAucVideo[];
  smoothing: GaussianSmoothing | null;
  normalize: boolean;
}

/** Per-video results, in sorted-name order. */
export interface VideoFrameAuc {
  name: string;
  /** AUC after prepending (label 0, score 0) and appending (label 1, score 1): the official per-video number. */
  aucPadded: number;
  /** AUC of the video as it is; null when the video has a single class. */
  aucClean: number | null;
  /** Scores after smoothing and optional normalisation (what all AUCs here are computed on). */
  processedScores: Float64Array;
}

/** Frame-level AUCs; each field says its variant. */
export interface FrameAucResult {
  /** ROC AUC over all videos' processed scores together (the official "MicroAUC"); null if one class overall. */
  micro: number | null;
  /** Mean of the padded per-video AUCs (the official "MacroAUC", what the paper reports as macro). */
  macroPadded: number;
  /** Mean of per-video AUCs without padding over videos with both classes; null if there is none. */
  macroClean: number | null;
  /** Videos whose clean AUC is undefined (all frames one class), skipped by `macroClean`. */
  skippedVideos: string[];
  perVideo: VideoFrameAuc[];
}

/**
 * Smooths, optionally normalises, then computes micro, padded macro and clean macro AUC.
 * Divergence from the official code, by design: a single-class test set gives `micro: null` where the official
 * code prints 1.0 (`nan_to_num(nan=1.0)`); non-finite raw scores are an error (NON_FINITE_SCORE naming video and
 * frame) where the official code would turn the whole video's scores into zeros.
 */
export function frameAuc(input: FrameAucInput): FrameAucResult {
  if (input.videos.length === 0) throw new MetricsError('EMPTY_INPUT', 'no videos', { field: 'videos' });
  const videos = [...input.videos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const perVideo: VideoFrameAuc[] = [];
  const allLabels: number[] = [];
  const allScores: number[] = [];
  for (let v = 0; v < videos.length; v++) {
    const video = videos[v]!;
    if (v > 0 && videos[v - 1]!.name === video.name) {
      throw new MetricsError('DUPLICATE_VIDEO', `video "${video.name}" appears twice`, { video: video.name });
    }
    const where = { video: video.name };
    checkBinaryInput(video.labels, video.scores, where);
    if (video.labels.length === 0) {
      throw new MetricsError('EMPTY_INPUT', `video "${video.name}" has no frames`, { ...where, field: 'labels' });
    }
    const smoothed = smoothScores(video.scores, input.smoothing);
    const processed = input.normalize ? normalizeScores(smoothed) : smoothed;
    const labels = Array.from(video.labels, (label) => (label === true || label === 1 ? 1 : 0));
    const paddedLabels = [0, ...labels, 1];
    const paddedScores = [0, ...processed, 1];
    perVideo.push({
      name: video.name,
      aucPadded: rocAuc(paddedLabels, paddedScores, where)!,
      aucClean: rocAuc(labels, processed, where),
      processedScores: processed,
    });
    for (let i = 0; i < labels.length; i++) {
      allLabels.push(labels[i]!);
      allScores.push(processed[i]!);
    }
  }
  const clean = perVideo.filter((video) => video.aucClean !== null);
  return {
    micro: rocAuc(allLabels, allScores),
    // np.nanmean sums pairwise; summing the same way keeps the mean equal to the official one to the last bit.
    macroPadded: pairwiseSum(perVideo.map((video) => video.aucPadded)) / perVideo.length,
    macroClean: clean.length === 0 ? null : pairwiseSum(clean.map((video) => video.aucClean!)) / clean.length,
    skippedVideos: perVideo.filter((video) => video.aucClean === null).map((video) => video.name),
    perVideo,
  };
}
