// The seam between validation (issue 13) and calibration (issue 17): which training videos a run keeps out of
// training. Validation pastes synthetic anomalies into them; calibration picks its operating threshold on them,
// because the model has never seen them.
import type { Plan } from '@vadc/dsl';
import { Random } from '../random.ts';

/** Why a plan's `validation.hold_out` cannot be applied to a dataset's training videos. */
export interface HeldOutProblem {
  code: 'UNKNOWN_VIDEO' | 'NOTHING_LEFT';
  message: string;
}

/**
 * How many videos a `hold_out` count or share means among `total` training videos: a share is rounded, at least
 * one; at most total - 1, so that something is left to train on.
 */
export function heldOutCount(holdOut: number, total: number): number {
  const wanted = holdOut < 1 ? Math.max(1, Math.round(holdOut * total)) : holdOut;
  return Math.max(0, Math.min(wanted, total - 1));
}

/**
 * Ids of the training videos that `plan` holds out from training (for validation and calibration), in the order of
 * `trainingVideoIds`. Empty when the plan holds out none: plans without a validation section train on every video.
 * A count or share is drawn with Random.derive(validation.seed, 'validation/held-out'), so the same seed and the
 * same videos give the same split whatever runtime.seed is. Named videos that the dataset lacks are left out here
 * (heldOutProblem reports them).
 */
export function heldOutVideoIds(plan: Plan, trainingVideoIds: readonly string[]): string[] {
  const validation = plan.validation ?? null;
  if (validation === null) return [];
  const chosen = new Set<string>();
  if (Array.isArray(validation.hold_out)) {
    for (const name of validation.hold_out) chosen.add(name);
  } else {
    const count = heldOutCount(validation.hold_out, trainingVideoIds.length);
    // Shuffle positions, not ids, so duplicate-free ordering of the input decides nothing but the draw.
    const order = Random.derive(validation.seed, 'validation/held-out').shuffle(trainingVideoIds.map((_, index) => index));
    for (const index of order.slice(0, count)) chosen.add(trainingVideoIds[index] as string);
  }
  return trainingVideoIds.filter((id) => chosen.has(id));
}

/** What is wrong with the plan's held-out videos for these training videos, or null when nothing is. */
export function heldOutProblem(plan: Plan, trainingVideoIds: readonly string[]): HeldOutProblem | null {
  const validation = plan.validation ?? null;
  if (validation === null) return null;
  if (Array.isArray(validation.hold_out)) {
    const known = new Set(trainingVideoIds);
    const unknown = validation.hold_out.filter((name) => !known.has(name));
    if (unknown.length > 0) return { code: 'UNKNOWN_VIDEO', message: `validation.hold_out names ${unknown.join(', ')}, not among the ${trainingVideoIds.length} training videos (${trainingVideoIds.slice(0, 5).join(', ')}${trainingVideoIds.length > 5 ? ', ...' : ''})` };
  }
  const held = heldOutVideoIds(plan, trainingVideoIds).length;
  if (held === 0 || held >= trainingVideoIds.length) {
    return { code: 'NOTHING_LEFT', message: `validation.hold_out keeps ${held} of ${trainingVideoIds.length} training videos out: validation needs at least one held-out video and one left to train on` };
  }
  return null;
}
