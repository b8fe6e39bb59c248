// Ranking a sweep's combinations without test labels: by the validation metric of the held-out split (synthetic
// anomalies pasted into training videos no combination trained on), never by a test metric. Test metrics are
// computed and shown beside, but the ranking reads only `validation` (a test shuffles the test labels and checks
// the ranking does not move).
import type { Plan, ValidationMetricName } from '@vadc/dsl';
import type { VideoTruth } from '../data/types.ts';
import { evaluateRun, type RunMetrics } from '../score/evaluate.ts';
import { ComponentsError, videoScoresFromComponents, type StoredComponents } from '../run-folder/sweep-components.ts';
import { evaluateValidation } from '../experiment/validation.ts';

/** A combination's metrics on the held-out validation split. */
export type ValidationMetrics = Pick<RunMetrics, 'micro_auc' | 'macro_auc' | 'pixel_auc'>;

/** What ranking reads of a combination. */
export interface Rankable {
  index: number;
  validation: ValidationMetrics | null;
  /** 1 = best by the validation metric; null when the combination has no validation value. */
  rank: number | null;
  /**
   * True when validation cannot separate this combination from the top one: its value lies within the tolerance
   * (validation.tolerance) of rank 1's (rank 1 itself is tied when another combination is). Absent in sweeps
   * written before ties were marked.
   */
  tied?: boolean;
}

/** Stored components of one split with the truth to evaluate them against. */
export interface StoredSplit {
  stored: StoredComponents;
  truthOf: (video: string) => VideoTruth | null;
}

/** How sweep.json says it ranked. */
export interface SweepRanking {
  /** e.g. "validation.micro_auc"; null when the recipe has no validation section (then nothing is ranked). */
  by: string | null;
  note: string;
  /** Validation differences up to this were taken as ties; null without a ranking. Absent in older sweep.json. */
  tolerance?: number | null;
  /** How far the validation protocol was shown to agree with real labels (bench/RESULTS.md). */
  agreement?: string;
}

/**
 * What was measured of validation's agreement with real labels (bench/RESULTS.md, "Validation protocols"): said in
 * every ranked sweep's report, so that a ranking is read with the confidence it deserves.
 */
export const VALIDATION_AGREEMENT = 'validation protocols were measured against real labels in bench/RESULTS.md ("Validation protocols"): rank correlations there, per protocol and source; a ranking inside the tolerance is a tie';

/**
 * Test metrics and validation metrics of one combination from its model's stored components, each with the
 * combination's own scoring. Validation is null without stored validation components, or when the combination asks
 * for error kinds other than the stored ones (only the test split is scored again for those).
 */
export function evaluateCombination(plan: Plan, test: StoredSplit, validation: StoredSplit | null): { metrics: RunMetrics; validation: ValidationMetrics | null } {
  const metrics = evaluateRun(videoScoresFromComponents(test.stored, plan, test.truthOf), plan);
  if (validation === null) return { metrics, validation: null };
  try {
    return { metrics, validation: evaluateValidation(videoScoresFromComponents(validation.stored, plan, validation.truthOf), plan) };
  } catch (error) {
    if (error instanceof ComponentsError && error.code === 'ERRORS_DIFFER') return { metrics, validation: null };
    throw error;
  }
}

/**
 * Sets `rank` on every entry: 1 for the highest validation[metric], equal values in index order; entries without
 * a value (or every entry, when metric is null) get null. Marks `tied` the entries within `tolerance` of rank 1.
 * Reads nothing but `index` and `validation`.
 */
export function rankByValidation(entries: Rankable[], metric: ValidationMetricName | null, tolerance = 0): SweepRanking {
  for (const entry of entries) {
    entry.rank = null;
    entry.tied = false;
  }
  if (metric === null) return { by: null, note: 'the recipe has no `validation:` section, so the combinations are not ranked: add one to rank them without test labels', tolerance: null };
  const valued = entries.filter((entry) => entry.validation?.[metric] != null);
  valued.sort((a, b) => (b.validation![metric]! - a.validation![metric]!) || a.index - b.index);
  valued.forEach((entry, position) => (entry.rank = position + 1));
  const top = valued[0]?.validation?.[metric] ?? null;
  const tiedWithTop = top === null ? [] : valued.filter((entry) => top - entry.validation![metric]! <= tolerance + 1e-12);
  if (tiedWithTop.length > 1) for (const entry of tiedWithTop) entry.tied = true;
  const ties = tiedWithTop.length > 1 ? `; ${tiedWithTop.length} combinations lie within ${tolerance} of the top one and are ties that validation does not separate` : '';
  return {
    by: `validation.${metric}`,
    note: `ranked by the validation ${metric} of the held-out training videos made abnormal without test labels; test metrics are shown beside and never used to rank${ties}`,
    tolerance,
    agreement: VALIDATION_AGREEMENT,
  };
}
