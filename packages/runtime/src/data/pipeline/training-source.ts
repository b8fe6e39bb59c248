// What one epoch of training batches reads from a pipeline (DataPipeline implements it). A file of its own so that
// training-batches.ts does not import data-pipeline.ts back (data-pipeline.ts calls it): no import cycle.
import type { Plan } from '@vadc/dsl';
import type { AnomalyGenerator } from '../anomalies/types.ts';
import type { VideoFrames } from './video-frames.ts';

/** The plan, the training videos' frame stores and the synthetic-anomaly generator of a data pipeline. */
export interface TrainingSource {
  readonly plan: Plan;
  readonly train: readonly VideoFrames[];
  /** The generator of synthetic anomalies pasted into training samples, or null when the plan has none. */
  anomalyGenerator(): AnomalyGenerator | null;
}
