// The built-in defaults that resolution lays under a recipe, read off the key declarations (plan/recipe-keys.ts,
// where each default says where it comes from in the official code). Defaults that depend on other values (a stage's
// kind, `dataset: synthetic`, a written `validation:` section) are chosen in apply-defaults.ts from these.
import { defaultOf, fieldDefaults } from '../plan/declare.ts';
import { declaredSections, gaussianSmoothing, recipeKeys } from '../plan/recipe-keys.ts';
import type { CalibrationPlan, OptimizerPlan, Plan, ScoringPlan, StagePlan, SyntheticDataPlan, ValidationPlan } from '../plan/types.ts';

const { stages: _stages, ...sections } = defaultOf(recipeKeys) as Plan;

/** Defaults of every section except `name`, `stages` and `data.synthetic`, which depend on other values. */
export const sectionDefaults = sections as Omit<Plan, 'name' | 'stages' | 'data'> & { data: Omit<Plan['data'], 'dataset' | 'synthetic'> };

/** Gaussian smoothing when `kind: gaussian` is written without range or sigma (Avenue's values). */
export const gaussianSmoothingDefaults = { kind: 'gaussian', ...fieldDefaults(gaussianSmoothing) } as Extract<ScoringPlan['smoothing'], { kind: 'gaussian' }>;

/** The optimizer of both stages: main.py builds AdamW(lr=1e-4, betas=(0.9, 0.95)) with weight_decay 0.05. */
export const optimizerDefaults = defaultOf(declaredSections.optimizer) as OptimizerPlan;

/** Stage defaults by kind. */
export const stageDefaults = {
  teacher: fieldDefaults(declaredSections.stage.fields, 'teacher'),
  student: fieldDefaults(declaredSections.stage.fields, 'student'),
} as Record<StagePlan['kind'], Omit<StagePlan, 'name'>>;

/** The stages when a recipe names none: teacher, then student. */
export const defaultStages = defaultOf(recipeKeys.fields!.stages!) as StagePlan[];

/** Options of the synthetic benchmark (vadc's own). */
export const syntheticDataDefaults = fieldDefaults(declaredSections.syntheticData.fields) as SyntheticDataPlan;

/** A `validation:` section's defaults (vadc's own: the official code validates on test labels). */
export const validationDefaults = fieldDefaults(declaredSections.validation.fields) as ValidationPlan;

/** Options of `scoring.calibration` when a recipe writes the section: one false alarm per hour at 25 fps. */
export const calibrationDefaults = fieldDefaults(declaredSections.calibration.fields) as CalibrationPlan;
