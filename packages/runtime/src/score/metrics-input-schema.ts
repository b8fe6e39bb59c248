// The JSON Schema of `vadc metrics` input (format: packages/metrics/README.md). Shapes, types and ranges are checked
// here, every problem reported as the input file, the JSON path, what was expected and what was found; what a
// schema cannot say (a list as long as `labels`, a frame index inside the video, x1 <= x2) metrics-input.ts checks after.
import { checkJson, formatJsonPath, type JsonSchema } from '@vadc/dsl';

/** Bounds of the config: each is far above real use, and keeps a crafted input from allocating gigabytes. */
export const MAX_SMOOTHING_RANGE = 10_000;
export const MAX_THRESHOLDS = 100_000;

const box: JsonSchema = { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4, description: '[x1, y1, x2, y2] (inclusive pixels)' };

/** Sparse regions `{"frame index": [region, ...]}`. */
const sparseRegions = (region: JsonSchema): JsonSchema => ({
  type: 'object',
  propertyNames: { type: 'string', pattern: '^\\d+$', description: 'a frame index (0, 1, ...)' },
  additionalProperties: { type: 'array', items: region },
});

/** The schema of the input document. */
export const METRICS_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['videos'],
  properties: {
    config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        smoothing: {
          type: ['string', 'object'],
          description: 'a preset name ("aed-mae-avenue", "aed-mae-shanghaitech", "none") or {"range", "sigma"}',
          if: { type: 'object' },
          then: {
            type: 'object', additionalProperties: false, required: ['range', 'sigma'],
            properties: { range: { type: 'integer', minimum: 2, maximum: MAX_SMOOTHING_RANGE }, sigma: { type: 'number', exclusiveMinimum: 0, maximum: MAX_SMOOTHING_RANGE } },
          },
        },
        normalize_scores: { type: 'boolean' },
        region_overlap: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        track_overlap: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        map_thresholds: {
          type: ['integer', 'array'],
          if: { type: 'array' },
          then: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: MAX_THRESHOLDS },
          else: { type: 'integer', minimum: 1, maximum: MAX_THRESHOLDS },
        },
      },
    },
    videos: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'labels'],
        properties: {
          name: { type: 'string', minLength: 1 },
          labels: { type: 'array', minItems: 1, items: { enum: [0, 1] } },
          scores: { type: 'array', items: { type: 'number' } },
          gt_regions: sparseRegions({ type: 'object', additionalProperties: false, required: ['track_id', 'box'], properties: { track_id: { type: 'integer' }, box } }),
          pred_regions: sparseRegions({ type: 'object', additionalProperties: false, required: ['score', 'box'], properties: { score: { type: 'number' }, box } }),
          anomaly_maps: { type: 'string', description: 'a path to a .npy file, relative to the input JSON' },
          gt_masks: { type: 'string', description: 'a path to a .npy file, relative to the input JSON' },
        },
      },
    },
  },
};

/** One problem of an input: the file, the JSON path, what was expected and what was found. */
export interface MetricsInputDiagnostic {
  file: string;
  path: string;
  expected: string;
  found: string;
}

/** Checks a parsed input against METRICS_INPUT_SCHEMA; `file` is how diagnostics name it. Empty when it matches. */
export function checkMetricsInput(document: unknown, file: string): MetricsInputDiagnostic[] {
  return checkJson(METRICS_INPUT_SCHEMA, document).map((issue) => ({ file, path: formatJsonPath(issue.path), expected: issue.expected, found: issue.found }));
}

/** "FILE: PATH: expected E, found F", one line per diagnostic. */
export function formatMetricsInputDiagnostic(diagnostic: MetricsInputDiagnostic): string {
  return `${diagnostic.file}: ${diagnostic.path}: expected ${diagnostic.expected}, found ${diagnostic.found}`;
}
