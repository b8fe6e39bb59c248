// How `vadc score` writes decisions: events.json (threshold, smoothing, events), events.csv (one row per event) and
// decisions.csv (per frame: score, smoothed score, abnormal). Live streams print the same event objects as JSON
// lines. Frames are 0-based; seconds are the input's time: frame / the input's frame rate for files (--fps
// overrides; none for a frame folder scored without --fps), and for streams the time of the connection plus the gaps
// between connections (score-stream.ts).
import type { AnomalyEvent } from '@vadc/metrics';
import type { ScoredInput } from './score-input.ts';
import { csvField } from './scores-csv.ts';

/** An event as the outputs write it. */
export interface EventRecord {
  video: string;
  start: number;
  end: number;
  peak: number;
  peak_score: number;
  /** Null for an input without a frame rate (a frame folder scored without --fps). */
  start_seconds: number | null;
  end_seconds: number | null;
}

/** Seconds rounded as outputs write them (milliseconds). */
export const roundSeconds = (value: number): number => Number(value.toFixed(3));

/**
 * The written form of an event of `video` at `fps`; `startOf(frame)` is when a frame starts (default frame / fps),
 * and end_seconds is the end of the last frame.
 */
export function eventRecord(video: string, event: AnomalyEvent, fps: number | null, startOf: (frame: number) => number = (frame) => frame / fps!): EventRecord {
  return {
    video, start: event.start, end: event.end, peak: event.peak, peak_score: event.peakScore,
    start_seconds: fps === null ? null : roundSeconds(startOf(event.start)), end_seconds: fps === null ? null : roundSeconds(startOf(event.end) + 1 / fps),
  };
}

/** events.json of one scored input. */
export function eventsJson(video: string, scored: ScoredInput, fps: number | null, smoothing: string): unknown {
  const abnormal = scored.decisions === null ? 0 : scored.decisions.reduce((sum, value) => sum + value, 0);
  return {
    video, frames: scored.scores.frameCount, fps, threshold: scored.threshold, smoothing, abnormal_frames: abnormal,
    events: scored.events.map((event) => eventRecord(video, event, fps)),
  };
}

/** events.csv: `video,start,end,peak,peak_score,start_seconds,end_seconds`. */
export function eventsCsv(video: string, scored: ScoredInput, fps: number | null): string {
  const rows = scored.events.map((event) => {
    const record = eventRecord(video, event, fps);
    return [csvField(video), record.start, record.end, record.peak, record.peak_score, record.start_seconds ?? '', record.end_seconds ?? ''].join(',');
  });
  return `${['video,start,end,peak,peak_score,start_seconds,end_seconds', ...rows].join('\n')}\n`;
}

/** decisions.csv: `frame,score,smoothed,abnormal` (abnormal empty without a threshold). */
export function decisionsCsv(scored: ScoredInput): string {
  const rows = Array.from(scored.frameScores, (score, frame) =>
    `${frame},${Math.fround(score)},${scored.smoothed[frame]},${scored.decisions === null ? '' : scored.decisions[frame]}`);
  return `${['frame,score,smoothed,abnormal', ...rows].join('\n')}\n`;
}
