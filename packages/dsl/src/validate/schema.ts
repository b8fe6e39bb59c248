// The JSON Schema of recipes and Plans, built from one description so the two never drift apart.
// - mode 'plan': what a resolved Plan must be (every key required), used with ajv after defaults are filled in.
// - mode 'recipe': what a user may write in one file (everything optional, `extends`, the short forms
//   `optimizer: { adamw: {...} }`, `smoothing: { gaussian: {...} }` or `smoothing: none`); printed by `vadc schema`
//   for editors. Every object has `additionalProperties: false`: an unknown key is always an error.

import { editorSchema } from './editor-schema.ts';
import type { JsonSchema } from './json-schema.ts';

export type { JsonSchema };
import { METRIC_NAMES } from '../plan/metric-names.ts';

export { METRIC_NAMES };

type Mode = 'plan' | 'recipe';

export const DATASET_KINDS = ['avenue', 'shanghaitech', 'ucsd-ped1', 'ucsd-ped2', 'ubnormal', 'frames', 'synthetic'] as const;
export const SYNTHETIC_DATA_ANOMALIES = ['running', 'wrong-direction', 'loitering', 'vehicle', 'thrown-object'] as const;
export const BLOCK_KINDS = ['cvt-pointwise', 'cvt-mlp'] as const;
export const QKV_PROJECTIONS = ['dwconv-bn', 'avg', 'linear'] as const;
export const MODEL_PARTS = ['encoder', 'decoder', 'student', 'anomaly_head', 'classifier'] as const;
export const OPTIMIZER_KINDS = ['adamw', 'adam', 'sgd'] as const;
export const SCHEDULE_KINDS = ['constant', 'cosine', 'step'] as const;
export const SMOOTHING_KINDS = ['none', 'gaussian'] as const;
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export const ENGINE_NAMES = ['auto', 'tfjs', 'onnx'] as const;
export const STAGE_KINDS = ['teacher', 'student'] as const;
export const ERROR_KINDS = ['l2', 'l1'] as const;
export const VALIDATION_METRIC_NAMES = ['micro_auc', 'macro_auc', 'pixel_auc'] as const;
export const SELECTION_KINDS = ['last', 'best'] as const;
export const GENERATOR_NAMES = ['procedural', 'objects', 'foreground'] as const;
/** What validation may make held-out videos abnormal with: the generators, and `replay` (validation only). */
export const VALIDATION_GENERATOR_NAMES = [...GENERATOR_NAMES, 'replay'] as const;

const integer = (minimum: number, maximum?: number): JsonSchema => ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) });
const number = (minimum: number, maximum?: number): JsonSchema => ({ type: 'number', minimum, ...(maximum === undefined ? {} : { maximum }) });
const positive: JsonSchema = { type: 'number', exclusiveMinimum: 0 };
const enumOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type as string, 'null'] });
const pair = (item: JsonSchema): JsonSchema => ({ type: 'array', items: item, minItems: 2, maxItems: 2 });
const list = (item: JsonSchema, minItems = 0, unique = false): JsonSchema => ({ type: 'array', items: item, minItems, ...(unique ? { uniqueItems: true } : {}) });

function object(mode: Mode, properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    additionalProperties: false,
    properties,
    ...(mode === 'plan' ? { required: Object.keys(properties) } : {}),
  };
}

/** In recipe mode a tagged object may also be written `kind` alone or `{ kind: { ...fields } }`. */
function tagged(mode: Mode, kinds: readonly string[], canonical: JsonSchema, fields: Record<string, JsonSchema>): JsonSchema {
  if (mode === 'plan') return canonical;
  // One schema, not an anyOf of the forms, so an editor reports a mistake once; resolution checks the exact form.
  const short = Object.fromEntries(kinds.map((kind) => [kind, nullable(object(mode, fields))]));
  return { type: ['object', 'string'], pattern: `^(?:${kinds.join('|')})$`, patternErrorMessage: `one of ${kinds.join(' | ')}`, additionalProperties: false, properties: { ...(canonical.properties as Record<string, JsonSchema>), ...short } };
}

function stack(mode: Mode, description: string): JsonSchema {
  return object(mode, {
    dim: integer(1),
    depth: integer(1),
    heads: integer(1),
    mlp_ratio: positive,
    block: enumOf(BLOCK_KINDS),
    qkv: enumOf(QKV_PROJECTIONS),
  }, description);
}

function stage(mode: Mode): JsonSchema {
  const optimizerFields = { lr: positive, weight_decay: number(0), betas: pair(number(0, 1)), momentum: number(0, 1) };
  const optimizer = object(mode, { kind: enumOf(OPTIMIZER_KINDS), ...optimizerFields });
  const scheduleFields = { warmup_epochs: integer(0), min_lr: number(0) };
  const schedule = object(mode, { kind: enumOf(SCHEDULE_KINDS), ...scheduleFields });
  const properties: Record<string, JsonSchema> = {
    name: { type: 'string', minLength: 1 },
    kind: enumOf(STAGE_KINDS),
    epochs: integer(0),
    batch: integer(1),
    micro_batch: nullable(integer(1)),
    optimizer: tagged(mode, OPTIMIZER_KINDS, optimizer, optimizerFields),
    schedule: tagged(mode, SCHEDULE_KINDS, schedule, scheduleFields),
    freeze: list(enumOf(MODEL_PARTS), 0, true),
    loss: enumOf(['reconstruction', 'distillation']),
    clip_grad: nullable(positive),
    steps_per_epoch: nullable(integer(1)),
  };
  const result = object(mode, properties, 'A training stage; `kind` is inferred from a name `teacher` or `student`.');
  return mode === 'plan' ? result : { ...result, required: ['name'] };
}

function smoothing(mode: Mode): JsonSchema {
  const gaussianFields = { range: integer(2), sigma: positive };
  const none = { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'none' } } };
  const gaussian = {
    type: 'object',
    additionalProperties: false,
    required: mode === 'plan' ? ['kind', 'range', 'sigma'] : ['kind'],
    properties: { kind: { const: 'gaussian' }, ...gaussianFields },
  };
  const branches = { type: 'object', description: 'Temporal smoothing of frame scores per video.', required: ['kind'], properties: { kind: enumOf(SMOOTHING_KINDS) }, oneOf: [none, gaussian] };
  // ajv's discriminator keyword turns a bad `kind` into one clear error instead of one error per branch.
  if (mode === 'plan') return { ...branches, discriminator: { propertyName: 'kind' } };
  // Recipe files: the forms in one schema (see `tagged`).
  return {
    type: ['object', 'string'], pattern: `^(?:${SMOOTHING_KINDS.join('|')})$`, patternErrorMessage: `one of ${SMOOTHING_KINDS.join(' | ')}`, additionalProperties: false,
    properties: { kind: enumOf(SMOOTHING_KINDS), ...gaussianFields, gaussian: nullable(object(mode, gaussianFields)), none: { type: 'null' } },
  };
}

/** The `validation:` section: held-out training videos with pasted synthetic anomalies. */
function validation(mode: Mode): JsonSchema {
  return object(mode, {
    // One schema for the number and the list form (not an anyOf), so an editor reports a mistake once.
    hold_out: { type: ['number', 'array'], exclusiveMinimum: 0, items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true, description: 'Training videos held out: a count (integer >= 1), a share (0 < x < 1), or their names.' },
    seed: integer(0),
    every: integer(1),
    metric: enumOf(VALIDATION_METRIC_NAMES),
    selection: enumOf(SELECTION_KINDS),
    anomalies: object(mode, { intervals: integer(1), length: pair({ type: 'number', exclusiveMinimum: 0, maximum: 1 }), whole: integer(0), normal: integer(0) }),
    generator: { type: ['string', 'null'], enum: [...VALIDATION_GENERATOR_NAMES, null] },
    tolerance: number(0, 1),
  }, 'Validation without test labels: held-out training videos with the recipe\'s synthetic anomalies pasted in.');
}

/** Builds the schema of a resolved Plan ('plan') or of a recipe file as users write it ('recipe'). */
export function buildSchema(mode: Mode): JsonSchema {
  const synthetic = object(mode, {
    seed: integer(0),
    train_videos: integer(1),
    test_videos: integer(1),
    frames: integer(2),
    resolution: pair(integer(1)),
    walkers: pair(integer(0)),
    anomalies: list(enumOf(SYNTHETIC_DATA_ANOMALIES), 1, true),
  }, 'Options of the built-in synthetic benchmark (only with `dataset: synthetic`).');
  const data = object(mode, {
    dataset: enumOf(DATASET_KINDS),
    root: nullable({ type: 'string', minLength: 1 }),
    size: pair(integer(1)),
    context: list({ type: 'integer' }, 1, true),
    motion: object(mode, { step: integer(1) }),
    cache_dir: nullable({ type: 'string', minLength: 1 }),
    splits: object(mode, { train: nullable({ type: 'string' }), validation: nullable({ type: 'string' }), test: nullable({ type: 'string' }) }),
    // One object-or-null schema (not an anyOf), so a bad value inside reports its own key.
    synthetic: nullable(synthetic),
  }, 'Where the data is and how a frame becomes the model input.');
  const model = object(mode, {
    patch: integer(1),
    encoder: stack(mode, 'Encoder blocks (CvT).'),
    decoder: stack(mode, 'Teacher decoder blocks (CvT).'),
    student: object(mode, { after_block: integer(1), blocks: integer(1) }),
    outputs: object(mode, { frame: integer(1), anomaly_map: integer(0, 1), classifier: { type: 'boolean' } }),
    dropout: number(0, 1),
  }, 'The masked auto-encoder.');
  const properties: Record<string, JsonSchema> = {
    vadc: mode === 'plan' ? { const: 1 } : { type: 'integer', minimum: 0, description: 'Recipe schema version (1).' },
    name: { type: 'string', minLength: 1 },
    data,
    model,
    masking: object(mode, { ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, strategy: enumOf(['random', 'motion']) }),
    loss: object(mode, {
      reconstruction: enumOf(ERROR_KINDS),
      weighting: enumOf(['motion', 'none']),
      tokens: enumOf(['masked', 'all']),
      anomaly_floor: number(0),
      anomaly_map_weight: number(0),
      classifier_weight: number(0),
    }),
    synthetic_anomalies: object(mode, {
      probability: number(0, 1),
      generator: enumOf(GENERATOR_NAMES),
      options: object(mode, { folder: nullable({ type: 'string', minLength: 1 }), scale: pair(number(0, 1)), speed: pair(number(0)), opacity: pair(number(0, 1)) }),
    }, 'Training-time synthetic anomalies.'),
    stages: list(stage(mode), 1),
    scoring: object(mode, {
      weights: object(mode, { teacher: number(0), discrepancy: number(0), anomaly_map: number(0), classifier: number(0) }),
      errors: object(mode, { teacher: enumOf(ERROR_KINDS), discrepancy: enumOf(ERROR_KINDS) }),
      smoothing: smoothing(mode),
      normalize: { type: 'boolean' },
      top_patches: nullable(integer(1)),
      batch: integer(1),
      maps: object(mode, { erode: integer(0), dilate: integer(0) }),
      test_masks: object(mode, { count: integer(1), complementary: { type: 'boolean' } }),
      calibration: nullable(object(mode, { target: enumOf(['false_alarms_per_hour', 'false_alarms_per_frame', 'percentile']), value: number(0), fps: number(0) },
        'After training, `vadc run` picks the operating threshold on the held-out training videos (as `vadc calibrate`).')),
    }),
    eval: object(mode, { metrics: list(enumOf(METRIC_NAMES), 1, true), region_overlap: number(0, 1), track_overlap: number(0, 1), map_thresholds: integer(2) }),
    runtime: object(mode, { backend: enumOf(BACKEND_NAMES), seed: integer(0), threads: mode === 'plan' ? { anyOf: [integer(1), { const: 'auto' }] } : { type: ['integer', 'string'], minimum: 1, pattern: '^auto$', patternErrorMessage: 'an integer >= 1 or auto' }, workers: integer(1), spin_wait: { type: 'boolean' }, engine: enumOf(ENGINE_NAMES), ...(mode === 'recipe' ? { train_engine: enumOf(ENGINE_NAMES) } : {}) }),
    sweep: nullable(object(mode, { grid: { type: 'object', additionalProperties: list({}, 1), minProperties: 1 } }, 'A grid over dotted keys; every combination is one run.')),
    validation: nullable(validation(mode)),
  };
  if (mode === 'recipe') properties.extends = { type: ['string', 'array'], items: { type: 'string', minLength: 1 }, minItems: 1, minLength: 1 };
  const root = object(mode, properties);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: mode === 'plan' ? 'vadc resolved Plan' : 'vadc recipe',
    ...root,
    ...(mode === 'recipe' ? { description: 'A vadc recipe: the self-distilled masked auto-encoder for video anomaly detection (Ristea et al., CVPR 2024). Every key is optional; defaults are the paper\'s.' } : {}),
  };
}

/** The JSON Schema of recipe files, as printed by `vadc schema` and written to recipes/vadc.schema.json. */
export const recipeJsonSchema: JsonSchema = editorSchema(buildSchema('recipe'));

/** The JSON Schema of a resolved Plan. */
export const planJsonSchema: JsonSchema = buildSchema('plan');
