// Learning-rate schedules, by the names recipes use (`stages[i].schedule.kind`), evaluated per step at a fractional
// epoch (as MAE's lr_sched.adjust_learning_rate). Every kind starts with `warmup_epochs` of linear warm-up.
// The official AED-MAE recipe uses a constant learning rate.
import type { SchedulePlan } from '@vadc/dsl';

/** A registered schedule: the learning rate at fractional epoch `epoch` of `epochs`. */
export type Schedule = (plan: SchedulePlan, baseRate: number, epoch: number, epochs: number) => number;

/** The schedules, keyed by recipe name. */
export const scheduleRegistry: Record<SchedulePlan['kind'], Schedule> = {
  constant: (_plan, baseRate) => baseRate,
  cosine: (plan, baseRate, epoch, epochs) => {
    const span = Math.max(epochs - plan.warmup_epochs, 1e-9);
    const progress = Math.min(1, (epoch - plan.warmup_epochs) / span);
    return plan.min_lr + (baseRate - plan.min_lr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  },
  // The Plan has no milestones yet: x0.1 at 50% and again at 75% of the epochs after warm-up.
  step: (plan, baseRate, epoch, epochs) => {
    const progress = (epoch - plan.warmup_epochs) / Math.max(epochs - plan.warmup_epochs, 1e-9);
    return baseRate * (progress >= 0.75 ? 0.01 : progress >= 0.5 ? 0.1 : 1);
  },
};

/** The learning rate at fractional epoch `epoch` (0-based) of a stage with `epochs` epochs. */
export function learningRate(plan: SchedulePlan, baseRate: number, epoch: number, epochs: number): number {
  if (epoch < plan.warmup_epochs) return (baseRate * epoch) / plan.warmup_epochs;
  return scheduleRegistry[plan.kind](plan, baseRate, epoch, epochs);
}
