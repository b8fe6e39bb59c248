// The shapes of sweep.json, in a file of their own: sweep-run.ts writes them and sweep-report.ts renders them, and
// sweep-run.ts calls sweep-report.ts, so they cannot live in either without an import cycle.
import type { ReportMetricName } from '../report/types.ts';
import type { RunMetrics } from '../score/evaluate.ts';
import type { SweepRanking, ValidationMetrics } from './sweep-ranking.ts';

/** The metrics a sweep records per combination (metrics.json without curves and per-video numbers). */
export type SweepMetrics = Pick<RunMetrics, ReportMetricName>;

/** One combination in sweep.json. */
export interface SweepEntry {
  index: number;
  values: Record<string, unknown>;
  overrides: string[];
  hash: string;
  training_hash: string;
  /** Which training (k of `<id>-t<k>`) the combination's model is. */
  training: number;
  /** The training's run folder, relative to the sweep folder's parent (runs/<name>). */
  run: string;
  /** Test metrics: shown, never used to rank. */
  metrics: SweepMetrics;
  /** Metrics of the held-out validation split with this combination's scoring; null without validation. */
  validation: ValidationMetrics | null;
  /** Place by the validation metric (1 = best); null when unranked. */
  rank: number | null;
  /** Within validation.tolerance of rank 1: validation does not separate it from the top (sweep-ranking.ts). */
  tied?: boolean;
}

/** One trained model of a sweep. */
export interface SweepTraining {
  training: number;
  training_hash: string;
  run: string;
  /** How the model was obtained: trained now, re-used from a finished run, or an unfinished run resumed. */
  source: 'trained' | 'reused' | 'resumed';
}

/** sweep.json. */
export interface SweepSummary {
  name: string;
  id: string;
  recipe: string;
  scoring_only_keys: string[];
  training_keys: string[];
  /** The metric the report plots against each swept value. */
  metric: ReportMetricName;
  trainings: SweepTraining[];
  /** How the combinations were ranked (by validation, never by test metrics). */
  ranking: SweepRanking;
  runs: SweepEntry[];
  /** Variant descriptions of the metrics (as metrics.json), from the first combination. */
  variants: Record<string, string>;
}
