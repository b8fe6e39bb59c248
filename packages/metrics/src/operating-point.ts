// What a threshold does on labelled videos: frame TPR / FPR, and events (runs of frames above it, events.ts) that
// overlap no abnormal frame (false alarms) or abnormal intervals no event overlaps (misses), per minute of footage.
// For reports: the threshold is given (calibrated on normal footage, or a score quantile), never chosen here.
import { MetricsError } from './errors.ts';
import { frameEvents } from './events.ts';

/** One labelled video's smoothed scores. */
export interface LabelledScores {
  labels: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** A threshold's frame rates and event counts. */
export interface OperatingPoint {
  threshold: number;
  /** Abnormal frames above the threshold / abnormal frames (null without abnormal frames). */
  truePositiveRate: number | null;
  /** Normal frames above the threshold / normal frames (null without normal frames). */
  falsePositiveRate: number | null;
  /** Events that overlap no abnormal frame. */
  falseAlarms: number;
  /** Abnormal intervals (runs of abnormal labels) that no event overlaps. */
  missedIntervals: number;
  intervals: number;
  falseAlarmsPerMinute: number;
}

/** The operating point of `threshold` over `videos` at `fps`. Throws LENGTH_MISMATCH naming the video index. */
export function operatingPoint(videos: readonly LabelledScores[], threshold: number, fps: number): OperatingPoint {
  let positives = 0;
  let negatives = 0;
  let truePositives = 0;
  let falsePositives = 0;
  let falseAlarms = 0;
  let intervals = 0;
  let missed = 0;
  let frames = 0;
  videos.forEach((video, index) => {
    if (video.labels.length !== video.scores.length) {
      throw new MetricsError('LENGTH_MISMATCH', `${video.labels.length} labels for ${video.scores.length} scores`, { index });
    }
    frames += video.scores.length;
    const above = (frame: number) => video.scores[frame]! > threshold;
    for (let frame = 0; frame < video.scores.length; frame++) {
      const abnormal = video.labels[frame]! > 0;
      if (abnormal) {
        positives++;
        if (above(frame)) truePositives++;
      } else {
        negatives++;
        if (above(frame)) falsePositives++;
      }
    }
    for (const event of frameEvents(video.scores, threshold)) {
      let overlaps = false;
      for (let frame = event.start; frame <= event.end && !overlaps; frame++) overlaps = video.labels[frame]! > 0;
      if (!overlaps) falseAlarms++;
    }
    for (const interval of frameEvents(video.labels, 0)) {
      intervals++;
      let hit = false;
      for (let frame = interval.start; frame <= interval.end && !hit; frame++) hit = above(frame);
      if (!hit) missed++;
    }
  });
  const minutes = frames / fps / 60;
  return {
    threshold,
    truePositiveRate: positives > 0 ? truePositives / positives : null,
    falsePositiveRate: negatives > 0 ? falsePositives / negatives : null,
    falseAlarms, missedIntervals: missed, intervals,
    falseAlarmsPerMinute: minutes > 0 ? falseAlarms / minutes : 0,
  };
}
