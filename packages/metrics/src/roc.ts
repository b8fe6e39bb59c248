// ROC curve and ROC AUC computed the way scikit-learn's `roc_curve` + `auc` compute them: thresholds at the
// distinct scores (so tied scores move the curve diagonally, which is the trapezoid / mid-rank convention),
// collinear points dropped (`drop_intermediate=True`), a (0, 0) point at threshold +Infinity, trapezoid area.
import { MetricsError, type MetricsErrorDetails } from './errors.ts';
import { trapezoid } from './numeric.ts';

/** Points of a ROC curve, best threshold first; `thresholds[0]` is +Infinity (sklearn >= 1.3). */
export interface RocCurve {
  falsePositiveRate: number[];
  truePositiveRate: number[];
  thresholds: number[];
}

/**
 * Checks that labels are 0/1 (booleans allowed) and scores are finite numbers of the same count.
 * NaN or infinite scores are an error naming the index, never silently dropped or zeroed: sklearn also rejects
 * them, and a NaN almost always means a broken scorer.
 */
export function checkBinaryInput(
  labels: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  where: MetricsErrorDetails = {},
): void {
  if (labels.length !== scores.length) {
    throw new MetricsError(
      'LENGTH_MISMATCH',
      `${labels.length} labels but ${scores.length} scores${describe(where)}`,
      { ...where, field: 'scores' },
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1 && label !== true && label !== false) {
      throw new MetricsError('INVALID_LABEL', `label ${String(label)} at index ${i} is not 0 or 1${describe(where)}`, {
        ...where,
        field: 'labels',
        index: i,
      });
    }
    if (!Number.isFinite(scores[i])) {
      throw new MetricsError('NON_FINITE_SCORE', `score ${String(scores[i])} at index ${i} is not finite${describe(where)}`, {
        ...where,
        field: 'scores',
        index: i,
      });
    }
  }
}

function describe(where: MetricsErrorDetails): string {
  return where.video === undefined ? '' : ` (video "${where.video}")`;
}

/** Cumulative true/false positive counts at each distinct score, highest score first (sklearn `_binary_clf_curve`). */
function countsPerThreshold(labels: ArrayLike<number | boolean>, scores: ArrayLike<number>) {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  // Array.prototype.sort is stable, like numpy's mergesort; ties keep input order (irrelevant after grouping).
  order.sort((a, b) => scores[b]! - scores[a]!);
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  const thresholds: number[] = [];
  let positives = 0;
  for (let rank = 0; rank < order.length; rank++) {
    const index = order[rank]!;
    if (labels[index] === 1 || labels[index] === true) positives += 1;
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[index]) {
      truePositives.push(positives);
      falsePositives.push(rank + 1 - positives);
      thresholds.push(scores[index]!);
    }
  }
  return { truePositives, falsePositives, thresholds };
}

/**
 * The ROC curve of binary labels against scores, equal to `sklearn.metrics.roc_curve(labels, scores)`.
 * Returns `null` when only one class is present (sklearn would return NaN rates with a warning).
 */
export function rocCurve(
  labels: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  options: { dropIntermediate?: boolean; where?: MetricsErrorDetails } = {},
): RocCurve | null {
  checkBinaryInput(labels, scores, options.where);
  const counts = countsPerThreshold(labels, scores);
  let { truePositives, falsePositives, thresholds } = counts;
  const last = truePositives.length - 1;
  if (last < 0 || truePositives[last] === 0 || falsePositives[last] === 0) return null;
  if (options.dropIntermediate ?? true) {
    // Keep the ends and every point where the curve changes direction (second difference non-zero).
    const keep: number[] = [];
    for (let i = 0; i <= last; i++) {
      if (i === 0 || i === last) keep.push(i);
      else {
        const bendsFalse = falsePositives[i + 1]! - 2 * falsePositives[i]! + falsePositives[i - 1]! !== 0;
        const bendsTrue = truePositives[i + 1]! - 2 * truePositives[i]! + truePositives[i - 1]! !== 0;
        if (bendsFalse || bendsTrue) keep.push(i);
      }
    }
    truePositives = keep.map((i) => truePositives[i]!);
    falsePositives = keep.map((i) => falsePositives[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  const totalTrue = truePositives[truePositives.length - 1]!;
  const totalFalse = falsePositives[falsePositives.length - 1]!;
  return {
    falsePositiveRate: [0, ...falsePositives.map((count) => count / totalFalse)],
    truePositiveRate: [0, ...truePositives.map((count) => count / totalTrue)],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * ROC AUC equal to `sklearn.metrics.auc(*roc_curve(labels, scores)[:2])`: ties count one half (the trapezoid over
 * distinct thresholds). `null` when only one class is present. Throws `MetricsError` NON_FINITE_SCORE (with the
 * index) for NaN/Infinity scores, INVALID_LABEL for labels other than 0/1, LENGTH_MISMATCH.
 */
export function rocAuc(
  labels: ArrayLike<number | boolean>,
  scores: ArrayLike<number>,
  where: MetricsErrorDetails = {},
): number | null {
  const curve = rocCurve(labels, scores, { where });
  return curve === null ? null : trapezoid(curve.falsePositiveRate, curve.truePositiveRate);
}
