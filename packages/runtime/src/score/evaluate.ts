// From a run's per-video scores to metrics.json: frame AUC with the recipe's smoothing (micro, padded macro as the
// official evaluation, clean macro), RBDC / TBDC from the pixel maps, pixel AUC. All arithmetic is @vadc/metrics;
// this file only lays the run's outputs out the way those functions take them.
// Localization is evaluated at model resolution: GT boxes and masks are scaled from the video's native resolution
// to plan.data.size (IoU is scale-invariant up to rounding), which keeps 2,000 frames of maps within memory.
import type { MetricName, Plan } from '@vadc/dsl';
import { frameAuc, mapBasedDetection, type GaussianSmoothing, pixelAuc, rocCurve, type AnomalyMapVideo, type GroundTruthRegion, type PixelFrame } from '@vadc/metrics';
import { emptyMetricsResult, localizationJson, rocJson, type MetricsResult } from './metrics-result.ts';
import { erodeDilate, frameScores, upsamplePatchMaps } from './components.ts';
import { type VideoScores } from './score-video.ts';

/** metrics.json of a run (the one metrics result type). */
export type RunMetrics = MetricsResult;

/** The recipe's temporal smoothing as @vadc/metrics takes it (null = none): the one rule eval, calibrate and score share. */
export function planSmoothing(plan: Plan): GaussianSmoothing | null {
  return plan.scoring.smoothing.kind === 'gaussian' ? { range: plan.scoring.smoothing.range, sigma: plan.scoring.smoothing.sigma } : null;
}

/** Scales an inclusive native-resolution box to model resolution. */
export function scaleBox(box: readonly number[], sy: number, sx: number): [number, number, number, number] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  // Inclusive pixel boxes: a box keeps at least one pixel however small it becomes.
  const left = Math.floor(x1 * sx);
  const top = Math.floor(y1 * sy);
  return [left, top, Math.max(left, Math.ceil((x2 + 1) * sx) - 1), Math.max(top, Math.ceil((y2 + 1) * sy) - 1)];
}

/** Nearest-neighbour resampling of a native-resolution 0/1 mask to the model's size. */
function resampleMask(mask: Uint8Array, from: [number, number], to: [number, number]): Uint8Array {
  const [fromHeight, fromWidth] = from;
  const [height, width] = to;
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.min(fromHeight - 1, Math.floor(((y + 0.5) * fromHeight) / height)) * fromWidth;
    for (let x = 0; x < width; x++) out[y * width + x] = mask[sourceRow + Math.min(fromWidth - 1, Math.floor(((x + 0.5) * fromWidth) / width))] ? 1 : 0;
  }
  return out;
}

/** Computes the metrics the recipe asks for (plan.eval.metrics) from the scored test videos. */
export function evaluateRun(videos: readonly VideoScores[], plan: Plan): RunMetrics {
  const wanted = new Set<MetricName>(plan.eval.metrics);
  const sorted = [...videos].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // official: sorted names
  const labelled = sorted.filter((video) => video.truth !== null);
  const smoothing = planSmoothing(plan);
  const metrics = emptyMetricsResult({
    smoothing, normalize: plan.scoring.normalize, regionOverlap: plan.eval.region_overlap, trackOverlap: plan.eval.track_overlap, resolution: plan.data.size.join('x'),
  });
  if (labelled.length === 0) return metrics;

  if (wanted.has('micro_auc') || wanted.has('macro_auc')) {
    const result = frameAuc({
      videos: labelled.map((video) => ({ name: video.name, labels: video.truth?.labels ?? [], scores: frameScores(video) })),
      smoothing,
      normalize: plan.scoring.normalize,
    });
    if (wanted.has('micro_auc')) metrics.micro_auc = result.micro;
    if (wanted.has('macro_auc')) {
      metrics.macro_auc = result.macroPadded;
      metrics.macro_auc_clean = result.macroClean;
    }
    metrics.per_video = result.perVideo.map((video) => ({ name: video.name, frames: video.processedScores.length, auc_padded: video.aucPadded, auc_clean: video.aucClean }));
    const allLabels = labelled.flatMap((video) => video.truth?.labels ?? []);
    const allScores = result.perVideo.flatMap((video) => Array.from(video.processedScores));
    if (new Set(allLabels).size === 2) {
      const curve = rocCurve(allLabels, allScores);
      if (curve) metrics.curves.roc = rocJson(curve);
    }
  }

  const [height, width] = plan.data.size;
  // Patch maps become pixel maps at model resolution one video at a time (a video's maps, not the test set's),
  // smoothed by the recipe's erosion / dilation (scoring.maps).
  const { erode, dilate } = plan.scoring.maps;
  const pixelMaps = (video: VideoScores) =>
    erodeDilate(upsamplePatchMaps(video.patchMaps, video.frameCount, video.rows, video.cols, plan.model.patch), video.frameCount, height, width, erode, dilate);
  const withMaps = labelled;
  if ((wanted.has('rbdc') || wanted.has('tbdc')) && withMaps.length > 0 && withMaps.every((video) => video.truth?.regions)) {
    const mapVideos: AnomalyMapVideo[] = withMaps.map((video) => {
      const truth = video.truth!;
      const [nativeHeight, nativeWidth] = truth.resolution;
      const groundTruth: GroundTruthRegion[] = [];
      for (const [frame, regions] of truth.regions ?? []) {
        for (const region of regions) groundTruth.push({ frame, trackId: region.trackId, box: scaleBox(region.box, height / nativeHeight, width / nativeWidth) });
      }
      return { name: video.name, frameCount: video.frameCount, height, width, maps: pixelMaps(video), groundTruth };
    });
    const result = mapBasedDetection(mapVideos, { thresholds: plan.eval.map_thresholds, regionOverlap: plan.eval.region_overlap, trackOverlap: plan.eval.track_overlap });
    if (wanted.has('rbdc')) metrics.rbdc = result.rbdc;
    if (wanted.has('tbdc')) metrics.tbdc = result.tbdc;
    metrics.curves.localization = localizationJson(result);
  }

  if (wanted.has('pixel_auc') && withMaps.length > 0 && withMaps.every((video) => video.truth?.masks)) {
    const frames = function* (): Generator<PixelFrame> {
      for (const video of withMaps) {
        const truth = video.truth!;
        const maps = pixelMaps(video);
        const empty = new Uint8Array(height * width);
        for (let frame = 0; frame < video.frameCount; frame++) {
          const native = truth.masks?.get(frame);
          const mask = native ? resampleMask(native, truth.resolution, [height, width]) : empty;
          yield { scores: maps.subarray(frame * height * width, (frame + 1) * height * width), mask, video: video.name, frame };
        }
      }
    };
    metrics.pixel_auc = pixelAuc(frames());
  }
  return metrics;
}
