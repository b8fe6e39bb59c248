// calibration.json of a run: the operating threshold `vadc calibrate` chose on normal footage, how, and what it gives
// there. `vadc score` decides normal / abnormal with it; `vadc export` copies it into the package's manifest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalibrationTarget } from '@vadc/metrics';
import type { PackageThreshold } from '../onnx/model-package.ts';

/** The calibration file's name in a run folder. */
export const CALIBRATION_FILE = 'calibration.json';

/** calibration.json. Thresholds apply to frame scores smoothed as the recipe's scoring.smoothing (no normalisation). */
export interface CalibrationRecord {
  threshold: number;
  /** Patch-map value above which map regions are boxed in abnormal frames (the same target on patch values). */
  map_threshold: number;
  target: CalibrationTarget;
  fps: number;
  /** Where fps came from: --fps or the recipe (given), the footage's own rate, the model package's earlier calibration, or assumed (25). */
  fps_source?: 'given' | 'footage' | 'package' | 'assumed';
  /** held-out: training videos the run did not train on; normal: footage named with --normal. */
  source: 'held-out' | 'normal';
  videos: Array<{ name: string; frames: number }>;
  frames: number;
  /** Length of the footage at fps, seconds. */
  footage_seconds?: number;
  /**
   * The finest rate the footage can show, in the target's unit (false alarms per hour: one event in all the footage),
   * whether the target is at least that coarse, and else a warning saying how much footage the target needs.
   */
  resolution?: { finest: number; enough: boolean; warning: string | null };
  /** On that footage at the threshold. */
  achieved: { abnormal_frames: number; events: number; false_alarms_per_hour: number; false_alarms_per_frame: number };
  smoothing: string;
  engine: string;
  recipe_hash: string;
  created: string;
}

/** The run's calibration, or null when it has none. */
export async function readCalibration(runDirectory: string): Promise<CalibrationRecord | null> {
  try {
    return JSON.parse(await readFile(join(runDirectory, CALIBRATION_FILE), 'utf8')) as CalibrationRecord;
  } catch {
    return null;
  }
}

/** A one-line account of a calibration: target, footage, fps and the smoothing of the scores it was chosen on. */
export function describeCalibration(record: CalibrationRecord): string {
  const count = record.videos.length;
  const footage = `${record.source === 'held-out' ? 'held-out training' : 'normal'} video${count === 1 ? '' : 's'}`;
  return `${record.target.kind} ${record.target.value} on ${count} ${footage} (${record.frames} frames at ${record.fps} fps; smoothing ${record.smoothing})`;
}

/** The calibration as a package stores it. */
export function packageThreshold(record: CalibrationRecord | null): PackageThreshold | null {
  return record === null ? null : { value: record.threshold, map_threshold: record.map_threshold, fps: record.fps, chosen: describeCalibration(record) };
}
