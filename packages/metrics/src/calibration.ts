// Choosing an operating threshold from normal footage only (no labels): the smoothed frame scores of videos known
// to hold no anomaly, and a target for how often the detector may fire on them. Lowering the threshold from the
// highest score adds frames one value at a time; the events (runs of abnormal frames, events.ts) and abnormal
// frames are counted incrementally, so a whole archive's frames cost one sort.
import { MetricsError } from './errors.ts';

/** What the threshold must achieve on normal footage. */
export type CalibrationTarget =
  /** At most `value` false-alarm events per hour of footage (at the footage's frame rate). */
  | { kind: 'false_alarms_per_hour'; value: number }
  /** At most this share of normal frames abnormal. */
  | { kind: 'false_alarms_per_frame'; value: number }
  /** The `value`-th percentile (0-100, nearest rank) of the normal frames' scores. */
  | { kind: 'percentile'; value: number };

/** The threshold and what it gives on the footage it was chosen on. */
export interface CalibrationResult {
  threshold: number;
  frames: number;
  /** Frames above the threshold, and the events they form (each video on its own). */
  abnormalFrames: number;
  events: number;
  falseAlarmsPerHour: number;
  falseAlarmsPerFrame: number;
}

/**
 * The lowest threshold that meets `target` on normal videos' smoothed scores (at `fps` frames per second), never
 * going below a threshold that broke it: events are not monotone in the threshold (two events merge as it falls).
 * Throws EMPTY_INPUT without frames, NON_FINITE_SCORE, INVALID_OPTION for a target out of range.
 */
export function calibrateThreshold(videos: ReadonlyArray<ArrayLike<number>>, target: CalibrationTarget, fps: number): CalibrationResult {
  const frames = videos.reduce((sum, video) => sum + video.length, 0);
  if (frames === 0) throw new MetricsError('EMPTY_INPUT', 'calibration needs at least one frame of normal footage');
  if (!(fps > 0)) throw new MetricsError('INVALID_OPTION', `fps must be positive, got ${fps}`, { field: 'fps' });
  checkTarget(target);
  // Frames in descending score order, each with its video and position.
  const entries: Array<{ score: number; video: number; frame: number }> = [];
  videos.forEach((video, index) => {
    for (let frame = 0; frame < video.length; frame++) {
      const score = video[frame]!;
      if (!Number.isFinite(score)) throw new MetricsError('NON_FINITE_SCORE', `score ${score} at frame ${frame}`, { index, frame });
      entries.push({ score, video: index, frame });
    }
  });
  entries.sort((a, b) => b.score - a.score);
  const hours = frames / fps / 3600;
  const result = (threshold: number, abnormalFrames: number, events: number): CalibrationResult => ({
    threshold, frames, abnormalFrames, events, falseAlarmsPerHour: events / hours, falseAlarmsPerFrame: abnormalFrames / frames,
  });
  if (target.kind === 'percentile') {
    const rank = Math.min(frames, Math.max(1, Math.ceil((target.value / 100) * frames)));
    const threshold = entries[frames - rank]!.score;
    return count(videos, threshold, result);
  }
  const allowedFrames = target.kind === 'false_alarms_per_frame' ? Math.floor(target.value * frames) : Infinity;
  const allowedEvents = target.kind === 'false_alarms_per_hour' ? Math.floor(target.value * hours + 1e-9) : Infinity;
  const abnormal = videos.map((video) => new Uint8Array(video.length));
  let best = result(entries[0]!.score, 0, 0);
  let events = 0;
  let index = 0;
  while (index < frames) {
    const value = entries[index]!.score;
    for (; index < frames && entries[index]!.score === value; index++) {
      const { video, frame } = entries[index]!;
      const marks = abnormal[video]!;
      marks[frame] = 1;
      events += 1 - (marks[frame - 1] ?? 0) - (marks[frame + 1] ?? 0);
    }
    if (index >= frames) break; // every frame abnormal: no threshold below the lowest score is a choice
    if (index > allowedFrames || events > allowedEvents) break;
    best = result(entries[index]!.score, index, events);
  }
  return best;
}

// The result at a given threshold, counted directly.
function count(videos: ReadonlyArray<ArrayLike<number>>, threshold: number, result: (threshold: number, frames: number, events: number) => CalibrationResult): CalibrationResult {
  let abnormalFrames = 0;
  let events = 0;
  for (const video of videos) {
    let previous = false;
    for (let frame = 0; frame < video.length; frame++) {
      const above = video[frame]! > threshold;
      if (above) abnormalFrames++;
      if (above && !previous) events++;
      previous = above;
    }
  }
  return result(threshold, abnormalFrames, events);
}

function checkTarget(target: CalibrationTarget): void {
  const { kind, value } = target;
  const ok = kind === 'percentile' ? value > 0 && value <= 100 : kind === 'false_alarms_per_frame' ? value >= 0 && value < 1 : value >= 0 && Number.isFinite(value);
  const range = kind === 'percentile' ? '(0, 100]' : kind === 'false_alarms_per_frame' ? '[0, 1)' : '>= 0';
  if (!ok) throw new MetricsError('INVALID_OPTION', `calibration target ${kind} must be ${range}, got ${value}`, { field: kind });
}
