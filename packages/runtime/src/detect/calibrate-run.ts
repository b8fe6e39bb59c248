// Calibration without test labels: score normal footage (the training videos the run held out of training, or
// footage the user names), smooth as live decisions are smoothed, and choose the operating threshold that meets a
// false-alarm target on it (@vadc/metrics calibrateThreshold). Test videos and their labels are never read. The
// record also says what the footage can show: 36 s of footage cannot tell 1 false alarm per hour from 100.
import { join, resolve } from 'node:path';
import { calibrateThreshold, type CalibrationTarget } from '@vadc/metrics';
import { heldOutVideoIds } from '../data/held-out.ts';
import { openDataset } from '../data/datasets.ts';
import { type VideoSource } from '../data/types.ts';
import { UsageError } from '../run-io.ts';
import { writeJsonAtomic } from '../run-folder/files.ts';
import { CALIBRATION_FILE, packageThreshold, type CalibrationRecord } from './calibration-file.ts';
import type { Detector } from './detector.ts';
import { MANIFEST_FILE, readModelManifest } from './model-package.ts';
import { percentile } from './draw-frames.ts';
import { openInput } from './open-input.ts';
import { describeDecisionSmoothing, scoreInput } from './score-input.ts';

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
  if (detector.kind === 'package') {
    // A package's plan names the dataset paths of the machine that trained it: never reach for them here.
    throw new UsageError('a model package is calibrated on footage of its camera: pass videos or frame folders without anomalies, --normal <video-or-folder>...');
  }
  const dataset = await openDataset(detector.plan).catch(() => null);
  const ids = dataset === null ? [] : heldOutVideoIds(detector.plan, dataset.train.map((video) => video.name));
  if (dataset === null || ids.length === 0) {
    const why = dataset === null ? `its dataset (${detector.plan.data.dataset}) cannot be opened here` : 'its recipe holds no training videos out of training (no validation split)';
    throw new UsageError(`no normal footage to calibrate on: ${why}. Pass videos or frame folders without anomalies: --normal <video-or-folder>...`);
  }
  return { source: 'held-out', videos: dataset.train.filter((video) => ids.includes(video.name)) };
}

/** The frame rate the footage's videos declare, when they all declare the same one; null when any declares none. */
export function footageFrameRate(footage: NormalFootage): number | null {
  const rates = new Set(footage.videos.map((video) => video.frameRate ?? null));
  if (rates.has(null)) return null;
  if (rates.size > 1) throw new UsageError(`the footage's videos declare different frame rates (${[...rates].join(', ')} fps): calibrate them separately, or give --fps`);
  return [...rates][0]!;
}

/**
 * The finest rate `frames` of footage at `fps` can show, in the target's unit (one false-alarm event in all of it,
 * one abnormal frame, the highest percentile with a frame above it), and a warning when the target is finer.
 */
export function footageResolution(target: CalibrationTarget, frames: number, fps: number): NonNullable<CalibrationRecord['resolution']> {
  const seconds = frames / fps;
  const duration = seconds < 120 ? `${seconds.toFixed(1)} s` : seconds < 7200 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`;
  if (target.kind === 'false_alarms_per_hour') {
    const finest = 3600 / seconds;
    const enough = finest <= target.value;
    return {
      finest, enough, warning: enough ? null : `${duration} of normal footage (${frames} frames at ${fps} fps): one false alarm in it is ${finest.toPrecision(3)} per hour, ` +
        `so it cannot show ${target.value} per hour; the threshold promises no better than ${finest.toPrecision(3)} per hour. ` +
        `For ${target.value} per hour, calibrate on at least ${(1 / target.value).toPrecision(3)} h of normal footage (several times that to measure it)`,
    };
  }
  if (target.kind === 'false_alarms_per_frame') {
    const finest = 1 / frames;
    const enough = finest <= target.value;
    return {
      finest, enough, warning: enough ? null : `${frames} frames of normal footage: one abnormal frame in it is a share of ${finest.toPrecision(3)}, ` +
        `so it cannot show ${target.value}; calibrate on at least ${Math.ceil(1 / target.value)} frames`,
    };
  }
  const finest = 100 * (1 - 1 / frames);
  const enough = finest >= target.value;
  return {
    finest, enough, warning: enough ? null : `${frames} frames of normal footage: the ${target.value}th percentile needs at least ${Math.ceil(100 / (100 - target.value))} frames ` +
      `(the finest it can tell is the ${finest.toPrecision(4)}th)`,
  };
}

/** Scores the footage and chooses the threshold; `log` gets one line per video (stderr), and the warning when the footage is too short. */
export async function calibrate(detector: Detector, footage: NormalFootage, target: CalibrationTarget, fps: number, log: (text: string) => void, fpsSource: CalibrationRecord['fps_source'] = 'given'): Promise<CalibrationRecord> {
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
  const resolution = footageResolution(target, result.frames, fps);
  if (resolution.warning !== null) log(`calibrate: warning: ${resolution.warning}`);
  return {
    threshold: result.threshold,
    map_threshold: percentile(allPatches, MAP_QUANTILE),
    target, fps, fps_source: fpsSource, source: footage.source,
    videos: footage.videos.map((video) => ({ name: video.name, frames: video.frameCount })),
    frames: result.frames,
    footage_seconds: Number((result.frames / fps).toFixed(3)),
    resolution,
    achieved: { abnormal_frames: result.abnormalFrames, events: result.events, false_alarms_per_hour: result.falseAlarmsPerHour, false_alarms_per_frame: result.falseAlarmsPerFrame },
    smoothing: describeDecisionSmoothing(detector.plan),
    engine: detector.description, recipe_hash: detector.recipeHash, created: new Date().toISOString(),
  };
}

/** Options of calibrateAndStore. */
export interface CalibrateOptions {
  /** Video files or frame folders of normal footage (relative to `cwd`); none: the run's held-out training videos. */
  normal: readonly string[];
  target: CalibrationTarget;
  /** Frames per second for rates per hour; null: the footage's own, else the package's earlier calibration, else 25 (said). */
  fps: number | null;
  cwd: string;
  /** Progress and notes, one line each. */
  log: (text: string) => void;
}

/**
 * What `vadc calibrate` does: chooses the threshold on normal footage and stores it where the detector reads it
 * (a run's calibration.json, or a package's manifest). Returns the record and the file written.
 */
export async function calibrateAndStore(detector: Detector, options: CalibrateOptions): Promise<{ record: CalibrationRecord; writtenTo: string }> {
  const footage = await normalFootage(detector, options.normal, options.cwd);
  const { log } = options;
  // The footage's own rate, else the rate the package was calibrated at before, else 25 (said, and recorded as assumed).
  const ownRate = footageFrameRate(footage);
  const earlier = detector.kind === 'package' ? detector.threshold?.fps ?? null : null;
  const [fps, fpsSource]: [number, NonNullable<CalibrationRecord['fps_source']>] = options.fps !== null ? [options.fps, 'given'] : ownRate !== null ? [ownRate, 'footage']
    : earlier !== null ? [earlier, 'package'] : [25, 'assumed'];
  if (fpsSource === 'assumed') log('calibrate: the footage declares no frame rate: 25 fps assumed for rates per hour (give --fps)');
  else if (fpsSource !== 'given') log(`calibrate: ${fps} fps (${fpsSource === 'footage' ? 'the footage\'s own rate' : 'the package\'s earlier calibration'})`);
  const record = await calibrate(detector, footage, options.target, fps, log, fpsSource);
  if (detector.kind === 'run') {
    const writtenTo = join(detector.path, CALIBRATION_FILE);
    await writeJsonAtomic(writtenTo, record);
    return { record, writtenTo };
  }
  // The manifest only (the graph stays as it is): the package's threshold is part of it.
  const manifest = await readModelManifest(detector.path);
  const writtenTo = join(detector.path, MANIFEST_FILE);
  await writeJsonAtomic(writtenTo, { ...manifest, threshold: packageThreshold(record) });
  return { record, writtenTo };
}
