// The seam between validation (issue 13) and calibration (issue 17): which training videos a run keeps out of
// training. Calibration picks its operating threshold on these, because the model has never seen them.
import type { Plan } from '@vadc/dsl';

/**
 * Ids of the training videos that `plan` holds out from training (for validation and calibration), in the order of
 * `trainingVideoIds`. Empty when the plan holds out none: plans without a validation section train on every video.
 */
export function heldOutVideoIds(plan: Plan, trainingVideoIds: readonly string[]): string[] {
  void plan;
  void trainingVideoIds;
  return [];
}
