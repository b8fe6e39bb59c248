// The test split's ground truth, checked before any training: truth is loaded lazily while scoring, so without this
// a corrupt mask file or a missing `_gt` folder surfaced only after hours of training, or not at all (a metric the
// recipe asked for came out null in a "finished" run). Every test video's truth is loaded once here (the readers'
// TruthCache keeps only the last few, so memory stays one video's masks) and checked against `eval.metrics`.
import type { MetricName, Plan } from '@vadc/dsl';
import { DatasetError } from './readers/dataset-error.ts';
import type { VideoSource, VideoTruth } from './types.ts';

/** What each metric needs of a test video's truth. */
const NEEDS: Partial<Record<MetricName, { field: 'masks' | 'regions'; what: string }>> = {
  rbdc: { field: 'regions', what: 'GT regions (pixel masks or tracks)' },
  tbdc: { field: 'regions', what: 'GT regions (pixel masks or tracks)' },
  pixel_auc: { field: 'masks', what: 'pixel masks' },
};

/** The problem of one test video's truth for the metrics asked for, or null. */
export function truthProblem(video: { name: string; truth: VideoTruth | null }, metrics: readonly MetricName[]): DatasetError | null {
  const truth = video.truth;
  if (truth === null) return new DatasetError('MISSING_TRUTH', `test video ${video.name} has no ground truth (frame labels)`, video.name);
  const missing = metrics.filter((metric) => {
    const need = NEEDS[metric];
    return need !== undefined && truth[need.field] === null;
  });
  if (missing.length === 0) return null;
  const what = [...new Set(missing.map((metric) => NEEDS[metric]!.what))].join(' and ');
  return new DatasetError('MISSING_TRUTH', `test video ${video.name} has no ${what}, which eval.metrics asks for (${missing.join(', ')}); ` +
    'add them, or remove those metrics from eval.metrics', video.name);
}

/**
 * Loads the truth of every test video and checks it serves the recipe's metrics; every problem is reported to
 * `onProblem` when given, else the first one is thrown (DatasetError, naming the file or the video).
 */
export function checkTestTruth(plan: Plan, videos: readonly VideoSource[], onProblem?: (problem: DatasetError) => void): void {
  for (const video of videos) {
    let problem: DatasetError | null;
    try {
      problem = truthProblem(video, plan.eval.metrics);
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      problem = error;
    }
    if (problem === null) continue;
    if (onProblem === undefined) throw problem;
    onProblem(problem);
  }
}
