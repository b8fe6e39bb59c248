// The JSON Schemas of recipes and Plans, both read off the key declarations (plan/recipe-keys.ts), so they never
// drift apart:
// - mode 'plan': what a resolved Plan must be (every key required), used with ajv after defaults are filled in.
// - mode 'recipe': what a user may write in one file (everything optional, `extends`, the short forms
//   `optimizer: { adamw: {...} }`, `smoothing: { gaussian: {...} }` or `smoothing: none`), each key with its
//   description and default; printed by `vadc schema` for editors.
import { jsonSchemaOf, type Mode } from '../plan/declare.ts';
import type { JsonSchema } from '../plan/json-schema.ts';
import { recipeKeys } from '../plan/recipe-keys.ts';
import { editorSchema } from './editor-schema.ts';

export type { JsonSchema };
export { METRIC_NAMES } from '../plan/metric-names.ts';
export {
  BACKEND_NAMES, BLOCK_KINDS, DATASET_KINDS, ENGINE_NAMES, ERROR_KINDS, GENERATOR_NAMES, MODEL_PARTS, OPTIMIZER_KINDS, QKV_PROJECTIONS, SCHEDULE_KINDS,
  SELECTION_KINDS, SMOOTHING_KINDS, STAGE_KINDS, SYNTHETIC_DATA_ANOMALIES, VALIDATION_GENERATOR_NAMES, VALIDATION_METRIC_NAMES,
} from '../plan/recipe-keys.ts';

/** Builds the schema of a resolved Plan ('plan') or of a recipe file as users write it ('recipe'). */
export function buildSchema(mode: Mode): JsonSchema {
  const { description, ...root } = jsonSchemaOf(recipeKeys, mode);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: mode === 'plan' ? 'vadc resolved Plan' : 'vadc recipe',
    ...root,
    ...(mode === 'recipe' ? { description } : {}),
  };
}

/** The JSON Schema of recipe files, as printed by `vadc schema` and written to recipes/vadc.schema.json. */
export const recipeJsonSchema: JsonSchema = editorSchema(buildSchema('recipe'));

/** The JSON Schema of a resolved Plan. */
export const planJsonSchema: JsonSchema = buildSchema('plan');
