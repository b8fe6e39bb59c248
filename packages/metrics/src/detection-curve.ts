// The detection-rate vs false-positives-per-frame curve shared by RBDC and TBDC, and its area for 0..1 FP/frame.
import { trapezoid } from './numeric.ts';

/** Operating points, one per threshold, highest threshold first; (0, 0) is not included. */
export interface DetectionCurve {
  thresholds: number[];
  /** False-positive regions per frame, over all test frames. */
  falsePositivesPerFrame: number[];
  /** Fraction of ground-truth regions detected (RBDR). */
  regionDetectionRate: number[];
  /** Fraction of ground-truth tracks detected (TBDR). */
  trackDetectionRate: number[];
}

/**
 * Area under a detection curve for 0..`maxFalsePositives` false positives per frame, normalised so that a perfect
 * detector scores 1. The curve starts at (0, 0) (nothing predicted); points are ordered by false positives per
 * frame (then by rate) and each rate is replaced by the best rate reached at no more false positives (the monotone
 * envelope: a no-op for score sweeps over fixed regions, which are monotone, but needed for anomaly-map sweeps,
 * where lowering the threshold can merge regions); consecutive points are joined linearly (trapezoid); points past
 * the limit are dropped and the curve is continued flat from the last kept point to the limit. For score sweeps
 * over predicted regions without tied scores this equals the widely used evaluation of Georgescu et al. (one point
 * per prediction, (0, 0) prepended, flat extension to 1 FP/frame, sklearn `auc`).
 */
export function detectionCurveArea(
  falsePositivesPerFrame: readonly number[],
  detectionRate: readonly number[],
  maxFalsePositives = 1,
): number {
  const points = falsePositivesPerFrame.map((x, i) => ({ x, y: detectionRate[i]! }));
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  const xs = [0];
  const ys = [0];
  for (const point of points) {
    if (point.x > maxFalsePositives) break;
    xs.push(point.x);
    ys.push(Math.max(point.y, ys[ys.length - 1]!));
  }
  if (xs[xs.length - 1] !== maxFalsePositives) {
    xs.push(maxFalsePositives);
    ys.push(ys[ys.length - 1]!);
  }
  return trapezoid(xs, ys) / maxFalsePositives;
}
