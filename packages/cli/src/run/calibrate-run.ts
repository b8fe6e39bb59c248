// Calibration without test labels: score normal footage (the training videos the run held out of training, or
// footage the user names), smooth as `eval` smooths, and choose the operating threshold that meets a false-alarm
// target on it (@vadc/metrics calibrateThreshold). Test videos and their labels are never read.
import { resolve } from 'node:path';
import { calibrateThreshold, type CalibrationTarget } from '@vadc/metrics';
import { heldOutVideoIds, openDataset, type VideoSource } from '@vadc/runtime';
import { UsageError } from '../command.ts';
import type { CalibrationRecord } from './calibration-file.ts';
import type { Detector } from './detector.ts';
import { percentile } from './draw-frames.ts';
import { openInput } from './open-input.ts';
import { scoreInput } from './score-input.ts';

/** Normal footage to calibrate on, and where it came from. */
export interface NormalFootage {
  source: CalibrationRecord['source'];
  videos: VideoSource[];
}

/** Patch-map values of normal footage above which regions are boxed: this quantile of them. */
const MAP_QUANTILE = 0.999;

/**
 * The footage to calibrate on: the paths given (`normal`, video files or frame folders), else the training videos
 * the plan holds out of training. A usage error saying what to pass when there is neither.
 */
export async function normalFootage(detector: Detector, normal: readonly string[], cwd: string): Promise<NormalFootage> {
  if (normal.length > 0) {
    return { source: 'normal', videos: await Promise.all(normal.map((path) => openInput(resolve(cwd, path), detector.cacheDir))) };
  }
  const dataset = await openDataset(detector.plan).catch(() => null);
  const ids = dataset === null ? [] : heldOutVideoIds(detector.plan, dataset.train.map((video) => video.name));
  if (dataset === null || ids.length === 0) {
    const why = dataset === null ? `its dataset (${detector.plan.data.dataset}) cannot be opened here` : 'its recipe holds no training videos out of training (no validation split)';
    throw new UsageError(`no normal footage to calibrate on: ${why}. Pass videos or frame folders without anomalies: --normal <video-or-folder>...`);
  }
  return { source: 'held-out', videos: dataset.train.filter((video) => ids.includes(video.name)) };
}

/** Scores the footage and chooses the threshold; `log` gets one line per video (stderr). */
export async function calibrate(detector: Detector, footage: NormalFootage, target: CalibrationTarget, fps: number, log: (text: string) => void): Promise<CalibrationRecord> {
  const smoothedVideos: Float64Array[] = [];
  const patchValues: Float32Array[] = [];
  for (const video of footage.videos) {
    const scored = await scoreInput(detector, video, { threshold: null });
    smoothedVideos.push(scored.smoothed);
    patchValues.push(scored.scores.patchMaps);
    log(`calibrate: ${video.name} (${video.frameCount} frames) scored`);
  }
  const result = calibrateThreshold(smoothedVideos, target, fps);
  const allPatches = new Float32Array(patchValues.reduce((sum, values) => sum + values.length, 0));
  patchValues.reduce((offset, values) => (allPatches.set(values, offset), offset + values.length), 0);
  const smoothing = detector.plan.scoring.smoothing;
  return {
    threshold: result.threshold,
    map_threshold: percentile(allPatches, MAP_QUANTILE),
    target, fps, source: footage.source,
    videos: footage.videos.map((video) => ({ name: video.name, frames: video.frameCount })),
    frames: result.frames,
    achieved: { abnormal_frames: result.abnormalFrames, events: result.events, false_alarms_per_hour: result.falseAlarmsPerHour, false_alarms_per_frame: result.falseAlarmsPerFrame },
    smoothing: smoothing.kind === 'gaussian' ? `gaussian range ${smoothing.range} sigma ${smoothing.sigma}` : 'none',
    engine: detector.description, recipe_hash: detector.recipeHash, created: new Date().toISOString(),
  };
}
