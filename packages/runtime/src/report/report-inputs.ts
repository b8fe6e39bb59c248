// Helpers that turn what a run already has (train.jsonl records, per-frame scores) into report inputs, so the
// caller does not re-invent them: training curves from the log, and which frames are worth showing.
import type { ReportTrainingCurve, ReportVideo } from './types.ts';

/** One line of train.jsonl as parsed JSON: `{ "stage": "pretrain", "step": 10, "loss": 0.52, ... }`. */
export type TrainingLogRecord = Record<string, unknown>;

/** Whether a logged key is a loss (plotted by default): "loss", "loss.<part>" or "loss_<part>". */
export function isLossKey(key: string): boolean {
  return key === 'loss' || key.startsWith('loss.') || key.startsWith('loss_');
}

/**
 * Training curves from train.jsonl records: one curve per (stage, key) for every key `plotted` accepts, in the
 * order first seen. Records without a string `stage` and a finite `step`, and non-numeric values, are skipped.
 */
export function trainingCurvesFromLog(records: Iterable<TrainingLogRecord>, plotted: (key: string) => boolean = isLossKey): ReportTrainingCurve[] {
  const curves = new Map<string, { stage: string; name: string; steps: number[]; values: number[] }>();
  for (const record of records) {
    const { stage, step } = record;
    if (typeof stage !== 'string' || typeof step !== 'number' || !Number.isFinite(step)) continue;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'stage' || key === 'step' || !plotted(key) || typeof value !== 'number') continue;
      const id = JSON.stringify([stage, key]);
      let curve = curves.get(id);
      if (!curve) {
        curve = { stage, name: key, steps: [], values: [] };
        curves.set(id, curve);
      }
      curve.steps.push(step);
      curve.values.push(value);
    }
  }
  return [...curves.values()];
}

/**
 * Frames worth showing: the highest-scoring frame of each video, videos ordered by that score (highest first), at
 * most `count`. A frame labelled abnormal is preferred within a video when labels exist, so the ground-truth boxes
 * have something to outline.
 */
export function chooseFrames(videos: readonly ReportVideo[], count: number): Array<{ video: string; frame: number; score: number }> {
  const best = videos.flatMap((video) => {
    let frame = -1;
    let score = -Infinity;
    const hasAbnormal = Array.from(video.labels ?? []).some((label) => label > 0);
    for (let i = 0; i < video.scores.length; i++) {
      const value = video.scores[i]!;
      if (hasAbnormal && !(video.labels![i]! > 0)) continue;
      if (Number.isFinite(value) && value > score) {
        frame = i;
        score = value;
      }
    }
    return frame >= 0 ? [{ video: video.name, frame, score }] : [];
  });
  return best.sort((a, b) => b.score - a.score || (a.video < b.video ? -1 : 1)).slice(0, Math.max(0, count));
}

/**
 * The frames a threshold gets most wrong, one of each kind at most: the false alarm (a normal frame above it) with
 * the highest score and the miss (an abnormal frame not above it) with the lowest. Videos need labels.
 */
export function chooseDecisionFrames(videos: readonly ReportVideo[], threshold: number): Array<{ video: string; frame: number; score: number; kind: 'false alarm' | 'miss' }> {
  let falseAlarm: { video: string; frame: number; score: number } | null = null;
  let miss: { video: string; frame: number; score: number } | null = null;
  for (const video of videos) {
    if (!video.labels) continue;
    for (let frame = 0; frame < video.scores.length; frame++) {
      const score = video.scores[frame]!;
      if (!Number.isFinite(score)) continue;
      const abnormal = video.labels[frame]! > 0;
      if (!abnormal && score > threshold && (falseAlarm === null || score > falseAlarm.score)) falseAlarm = { video: video.name, frame, score };
      if (abnormal && score <= threshold && (miss === null || score < miss.score)) miss = { video: video.name, frame, score };
    }
  }
  return [
    ...(falseAlarm ? [{ ...falseAlarm, kind: 'false alarm' as const }] : []),
    ...(miss ? [{ ...miss, kind: 'miss' as const }] : []),
  ];
}
