// The resolved Plan: the single hand-off from the recipe language to the runtime. Every knob of the method lives
// here; the runtime reads nothing else. All fields are required after resolution: defaults are filled in by
// @vadc/dsl, never guessed by the runtime. The types are read off the key declarations (recipe-keys.ts), where each
// key's meaning, range and default are written; the names below are the sections other packages use.
import type { TypeOf } from './declare.ts';
import type {
  BACKEND_NAMES, BLOCK_KINDS, DATASET_KINDS, ENGINE_NAMES, MODEL_PARTS, QKV_PROJECTIONS, recipeKeys, VALIDATION_GENERATOR_NAMES, VALIDATION_METRIC_NAMES,
} from './recipe-keys.ts';
import type { MetricName } from './metric-names.ts';

export type { MetricName };

/** A fully resolved recipe. */
export type Plan = TypeOf<typeof recipeKeys>;

/** Dataset layouts the readers understand. */
export type DatasetKind = (typeof DATASET_KINDS)[number];
/** Where the data is and how a frame becomes the model's input. */
export type DataPlan = Plan['data'];
/** Options of the built-in synthetic benchmark (`dataset: synthetic`). */
export type SyntheticDataPlan = NonNullable<DataPlan['synthetic']>;

/** Building block of encoder / decoder / student. */
export type BlockKind = (typeof BLOCK_KINDS)[number];
/** How q, k and v are projected inside a CvT block. */
export type QkvProjection = (typeof QKV_PROJECTIONS)[number];
/** The masked auto-encoder. */
export type ModelPlan = Plan['model'];
/** A stack of transformer blocks. */
export type StackPlan = ModelPlan['encoder'];

export type MaskingPlan = Plan['masking'];
export type LossPlan = Plan['loss'];
/** Training-time synthetic anomalies. */
export type SyntheticAnomaliesPlan = Plan['synthetic_anomalies'];

/** Model parts a stage can train or freeze. */
export type ModelPart = (typeof MODEL_PARTS)[number];
export type StagePlan = Plan['stages'][number];
export type OptimizerPlan = StagePlan['optimizer'];
export type SchedulePlan = StagePlan['schedule'];

export type ScoringPlan = Plan['scoring'];
/** How `vadc run` calibrates: a false-alarm target on normal footage, at a frame rate. */
export type CalibrationPlan = NonNullable<ScoringPlan['calibration']>;
/** How many test-time masks score a frame, and whether they partition the tokens (scoring.test_masks). */
export type TestMasksPlan = NonNullable<ScoringPlan['test_masks']>;
export type EvalPlan = Plan['eval'];

export type BackendName = (typeof BACKEND_NAMES)[number];
export type RuntimePlan = Plan['runtime'];
/** The engines a recipe may request; `auto` is resolved per command (the resolved one is recorded in run.json). */
export type EngineName = (typeof ENGINE_NAMES)[number];
/** The engines that actually run: what `auto` resolves to. */
export type TrainEngineName = Exclude<EngineName, 'auto'>;

/** A grid over dotted recipe keys: every combination is one run (scoring-only keys re-use one trained model). */
export type SweepPlan = NonNullable<Plan['sweep']>;

/** Metrics a validation split is scored by. */
export type ValidationMetricName = (typeof VALIDATION_METRIC_NAMES)[number];
/**
 * What makes held-out videos abnormal: a synthetic anomaly generator pasted in, or `replay`: the video's own moving
 * regions replayed with a wrong motion (sped up, slowed, reversed or moved off their path), no foreign appearance.
 */
export type ValidationGeneratorName = (typeof VALIDATION_GENERATOR_NAMES)[number];
/** Validation without test labels: whole training videos held out from training, with synthetic anomalies pasted in. */
export type ValidationPlan = NonNullable<Plan['validation']>;
