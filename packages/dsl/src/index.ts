/** Public API of @vadc/dsl. */
export type * from './plan/types.ts';

// Resolving recipes into Plans.
export { resolveRecipe } from './public-api.ts';
export type { ResolveOptions, ResolveResult, PlanOrigins, ValueOrigin } from './public-api.ts';
export { CURRENT_VERSION, upgradeSteps } from './resolve/upgrade.ts';
export type { UpgradeStep } from './resolve/upgrade.ts';
export { sectionDefaults, stageDefaults, defaultStages, syntheticDataDefaults, validationDefaults } from './resolve/defaults.ts';

// File access (injected) and '/'-separated path helpers.
export type { RecipeReader } from './reader.ts';
export { createMemoryReader, joinPath, dirnamePath, basenamePath, normalizePath, isInsidePath, relativePath } from './reader.ts';

// "Did you mean" for names (commands, flags, keys).
export { closestMatch, didYouMean } from './suggest.ts';

// Diagnostics.
export type { Diagnostic, DiagnosticCode, SourcePosition } from './diagnostics.ts';
export { SET_FILE } from './diagnostics.ts';
export { formatDiagnostic, codeFrame } from './format-diagnostic.ts';

// The Plan: hashing, sweeps, reading by dotted key.
export { planHash, trainingHash, canonicalJson, isScoringOnlyKey, HASH_RULE, MACHINE_LOCAL_KEYS } from './plan/hash.ts';
export { expandSweep } from './sweep.ts';
export type { SweepRun, SweepResult } from './sweep.ts';
export { valueAtKey } from './plan/plan-paths.ts';
export { renderPlanYaml } from './plan/render-yaml.ts';
export { planPatchGrid, type PatchGrid } from './plan/patch-grid.ts';
export { METRIC_NAMES, type MetricName } from './plan/metric-names.ts';
export { parseKey, formatKey } from './key-path.ts';
export type { KeySegment } from './key-path.ts';

// JSON Schemas, and the value lists of recipe keys (each the one list its type is made of).
export { recipeJsonSchema, planJsonSchema } from './validate/schema.ts';
export { BACKEND_NAMES, BLOCK_KINDS, DATASET_KINDS, ENGINE_NAMES, MODEL_PARTS, PRECISION_NAMES, QKV_PROJECTIONS, STAGE_KINDS, VALIDATION_METRIC_NAMES } from './plan/recipe-keys.ts';
export { checkRecipeFileSchema } from './validate/check-schema.ts';
export { checkJson, describeJsonValue, formatJsonPath, type JsonIssue } from './validate/check-json.ts';
export { parseRecipeData, parseRecipeText } from './parse/parse-yaml.ts';
export type { RecipeNode } from './parse/recipe-node.ts';
export type { JsonSchema } from './validate/schema.ts';
