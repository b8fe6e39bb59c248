// RBDC and TBDC (Ramachandra & Jones, WACV 2020) from predicted regions with scores, swept over the scores.
import { boxIou, isBox, type Box } from './boxes.ts';
import { detectionCurveArea, type DetectionCurve } from './detection-curve.ts';
import { MetricsError } from './errors.ts';

/** A ground-truth region: one box of one track in one frame; track ids are per video. */
export interface GroundTruthRegion {
  frame: number;
  trackId: number;
  box: Box;
}

/** A predicted anomalous region with its anomaly score (higher = more anomalous). */
export interface ScoredRegion {
  frame: number;
  box: Box;
  score: number;
}

/** One test video for localization: its frame count (all frames count towards FP/frame) and regions. */
export interface LocalizationVideo {
  name: string;
  frameCount: number;
  groundTruth: readonly GroundTruthRegion[];
  predictions: readonly ScoredRegion[];
}

/** Overlap criteria; both default to 0.1 as in the paper and the usual evaluation. */
export interface LocalizationOptions {
  /** A GT region is detected by a prediction of its frame with IoU >= this. */
  regionOverlap?: number;
  /** A track is detected when at least this fraction of its regions are detected. */
  trackOverlap?: number;
}

/** RBDC / TBDC and what they were computed from. `rbdc`/`tbdc` are null when there is no GT region. */
export interface LocalizationResult {
  rbdc: number | null;
  tbdc: number | null;
  curve: DetectionCurve;
  regionCount: number;
  trackCount: number;
  frameCount: number;
}

/** Ground truth indexed for matching: regions per (video, frame) and track bookkeeping. */
export interface GroundTruthIndex {
  regionTrack: Int32Array;
  regionBox: Box[];
  byFrame: Map<string, number[]>;
  trackLength: number[];
  frameCount: number;
}

/** Key of a frame of a video in `GroundTruthIndex.byFrame`. */
export function frameKey(video: number, frame: number): string {
  return `${video}:${frame}`;
}

/** Validates frame indices and boxes, and numbers the regions and the (video, track id) tracks globally. */
export function indexGroundTruth(videos: readonly Pick<LocalizationVideo, 'name' | 'frameCount' | 'groundTruth'>[]): GroundTruthIndex {
  const regionTrack: number[] = [];
  const regionBox: Box[] = [];
  const byFrame = new Map<string, number[]>();
  const trackLength: number[] = [];
  let frameCount = 0;
  videos.forEach((video, v) => {
    if (!Number.isInteger(video.frameCount) || video.frameCount < 0) {
      throw new MetricsError('INVALID_OPTION', `frame count ${video.frameCount} is not a count`, { video: video.name, field: 'frameCount' });
    }
    frameCount += video.frameCount;
    const tracks = new Map<number, number>();
    video.groundTruth.forEach((region, index) => {
      checkRegion(video, region.frame, region.box, index, 'gt_regions');
      let track = tracks.get(region.trackId);
      if (track === undefined) {
        track = trackLength.length;
        tracks.set(region.trackId, track);
        trackLength.push(0);
      }
      trackLength[track]! += 1;
      const key = frameKey(v, region.frame);
      const list = byFrame.get(key) ?? [];
      list.push(regionTrack.length);
      byFrame.set(key, list);
      regionTrack.push(track);
      regionBox.push(region.box);
    });
  });
  return { regionTrack: Int32Array.from(regionTrack), regionBox, byFrame, trackLength, frameCount };
}

/** Throws INVALID_BOX for a malformed box or a frame index outside the video. */
export function checkRegion(video: { name: string; frameCount: number }, frame: number, box: unknown, index: number, field: string): void {
  if (!Number.isInteger(frame) || frame < 0 || frame >= video.frameCount) {
    throw new MetricsError('INVALID_BOX', `${field}: frame ${frame} is outside video "${video.name}" (${video.frameCount} frames)`, {
      video: video.name,
      frame,
      index,
      field,
    });
  }
  if (!isBox(box)) {
    throw new MetricsError('INVALID_BOX', `${field}: region ${index} of frame ${frame} has no valid [x1, y1, x2, y2] box`, {
      video: video.name,
      frame,
      index,
      field,
    });
  }
}

/** Running counts of detected regions and tracks as predictions are added; one instance per threshold sweep. */
export class DetectionTally {
  detectedRegions = 0;
  detectedTracks = 0;
  private readonly regionSeen: Uint8Array;
  private readonly trackHits: Int32Array;
  constructor(
    private readonly truth: GroundTruthIndex,
    private readonly trackOverlap: number,
  ) {
    this.regionSeen = new Uint8Array(truth.regionTrack.length);
    this.trackHits = new Int32Array(truth.trackLength.length);
  }
  /** Marks a GT region detected (once); a track counts when hits / length >= trackOverlap. */
  detect(region: number): void {
    if (this.regionSeen[region]) return;
    this.regionSeen[region] = 1;
    this.detectedRegions += 1;
    const track = this.truth.regionTrack[region]!;
    const before = this.trackHits[track]! / this.truth.trackLength[track]!;
    this.trackHits[track]! += 1;
    const after = this.trackHits[track]! / this.truth.trackLength[track]!;
    if (before < this.trackOverlap && after >= this.trackOverlap) this.detectedTracks += 1;
  }
}

/** Resolves defaults and checks that overlaps are in (0, 1]. */
export function overlapOptions(options: LocalizationOptions): { regionOverlap: number; trackOverlap: number } {
  const regionOverlap = options.regionOverlap ?? 0.1;
  const trackOverlap = options.trackOverlap ?? 0.1;
  for (const [field, value] of [['region_overlap', regionOverlap], ['track_overlap', trackOverlap]] as const) {
    if (!(value > 0 && value <= 1)) throw new MetricsError('INVALID_OPTION', `${field} must be in (0, 1], got ${value}`, { field });
  }
  return { regionOverlap, trackOverlap };
}

/** Turns a finished sweep into areas; rates are null-safe when there is no GT. */
export function localizationResult(curve: DetectionCurve, truth: GroundTruthIndex): LocalizationResult {
  const regionCount = truth.regionTrack.length;
  return {
    rbdc: regionCount === 0 ? null : detectionCurveArea(curve.falsePositivesPerFrame, curve.regionDetectionRate),
    tbdc: regionCount === 0 ? null : detectionCurveArea(curve.falsePositivesPerFrame, curve.trackDetectionRate),
    curve,
    regionCount,
    trackCount: truth.trackLength.length,
    frameCount: truth.frameCount,
  };
}

/**
 * RBDC and TBDC from predicted regions. Sweeping a threshold down over the distinct prediction scores: a GT region
 * is detected once any prediction of its frame scoring >= threshold has IoU >= regionOverlap with it (one
 * prediction may detect several regions); a prediction whose IoU is below regionOverlap against every GT region of
 * its frame is a false positive; false positives per frame divide by all test frames. Tied scores enter together
 * (one curve point per distinct score). Areas: see `detectionCurveArea`.
 */
export function regionBasedDetection(videos: readonly LocalizationVideo[], options: LocalizationOptions = {}): LocalizationResult {
  const { regionOverlap, trackOverlap } = overlapOptions(options);
  const truth = indexGroundTruth(videos);
  const predictions: { score: number; matches: number[] }[] = [];
  videos.forEach((video, v) => {
    video.predictions.forEach((prediction, index) => {
      checkRegion(video, prediction.frame, prediction.box, index, 'pred_regions');
      if (!Number.isFinite(prediction.score)) {
        throw new MetricsError('NON_FINITE_SCORE', `pred_regions: region ${index} of frame ${prediction.frame} has score ${prediction.score}`, {
          video: video.name,
          frame: prediction.frame,
          index,
          field: 'pred_regions',
        });
      }
      const candidates = truth.byFrame.get(frameKey(v, prediction.frame)) ?? [];
      const matches = candidates.filter((region) => boxIou(truth.regionBox[region]!, prediction.box) >= regionOverlap);
      predictions.push({ score: prediction.score, matches });
    });
  });
  predictions.sort((a, b) => b.score - a.score);
  const tally = new DetectionTally(truth, trackOverlap);
  const curve: DetectionCurve = { thresholds: [], falsePositivesPerFrame: [], regionDetectionRate: [], trackDetectionRate: [] };
  const regionCount = truth.regionTrack.length;
  let falsePositives = 0;
  for (let i = 0; i < predictions.length; i++) {
    const prediction = predictions[i]!;
    if (prediction.matches.length === 0) falsePositives += 1;
    for (const region of prediction.matches) tally.detect(region);
    if (i + 1 === predictions.length || predictions[i + 1]!.score !== prediction.score) {
      curve.thresholds.push(prediction.score);
      curve.falsePositivesPerFrame.push(truth.frameCount === 0 ? 0 : falsePositives / truth.frameCount);
      curve.regionDetectionRate.push(regionCount === 0 ? 0 : tally.detectedRegions / regionCount);
      curve.trackDetectionRate.push(truth.trackLength.length === 0 ? 0 : tally.detectedTracks / truth.trackLength.length);
    }
  }
  return localizationResult(curve, truth);
}
