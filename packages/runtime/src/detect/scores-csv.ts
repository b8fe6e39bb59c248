// scores.csv: a row per test frame, `video,frame,score,teacher,discrepancy,anomaly_map,label` (+ classifier when
// the model has that head). Frames are 0-based. Scores are the combined, unsmoothed frame scores (pooled as
// scoring.top_patches says); the component columns are per-frame means.
import { frameScores } from '../score/components.ts';
import { type VideoScores } from '../score/score-video.ts';
import type { Plan } from '@vadc/dsl';

const number = (value: number | undefined) => (value === undefined ? '' : Number.isFinite(value) ? String(Math.fround(value)) : 'NaN');
/** A CSV field, quoted when it holds a quote, comma or newline. */
export const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** The scores.csv text of a run. */
export function scoresCsv(videos: readonly VideoScores[], plan: Plan): string {
  const withClassifier = videos.some((video) => video.components.classifier !== null);
  const header = ['video', 'frame', 'score', 'teacher', 'discrepancy', 'anomaly_map', 'label', ...(withClassifier ? ['classifier'] : [])];
  const lines = [header.join(',')];
  for (const video of videos) {
    const scores = frameScores(video);
    const { teacher, discrepancy, anomalyMap, classifier } = video.components;
    for (let frame = 0; frame < video.frameCount; frame++) {
      const label = video.truth ? String(video.truth.labels[frame] ?? '') : '';
      const row = [csvField(video.name), String(frame), number(scores[frame]), number(teacher[frame]), number(discrepancy[frame]), number(anomalyMap[frame]), label];
      if (withClassifier) row.push(number(classifier?.[frame]));
      lines.push(row.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
