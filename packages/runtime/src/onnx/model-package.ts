// A model package: the scoring graph (export-onnx.ts with `scoring`: frames in, per-patch summaries out) and a JSON
// manifest with everything a deployer must reproduce around it: the input size and context offsets, how values are
// scaled, the motion step and test-time masking, the scoring weights and pooling, the smoothing and the calibrated
// threshold, and the recipe's hash. `vadc score` runs a package with exactly the numbers of the run it came from
// (same graph, same masks), without TF.js. Format 2 adds `steps` (package-manifest.ts): each step around the graph
// stated exactly (docs/model-package.md), so a scorer written elsewhere reproduces `vadc score`.
import type { Plan } from '@vadc/dsl';
import { PIXEL_SCALING } from '../data/pipeline/frames.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { exportOnnx, ONNX_NAMES, onnxTokenGrid } from './export-onnx.ts';
import { OnnxError } from './onnx-error.ts';
import { onnxScoringModel, openOnnxScoring, type OnnxInference, type OnnxInferenceOptions, type OnnxScoringModel } from './onnx-inference.ts';
import { quantizeInt8, type ScoringPrecision } from './quantize.ts';
import { packageSteps, type PackageDecisionSmoothing, type PackageSteps } from './package-manifest.ts';
import { SCORING_NAMES } from './scoring-graph.ts';
import { patchSummaryOutputs } from '../model/patch-summaries.ts';

/** The manifest's format name and version. */
export const MODEL_PACKAGE_FORMAT = 'vadc-model-package';
export const MODEL_PACKAGE_VERSION = 2;
/** Versions `vadc score` still runs (version 1 has no `steps`; vadc runs it from its plan). */
const READABLE_VERSIONS: readonly number[] = [1, MODEL_PACKAGE_VERSION];

/** An operating threshold on smoothed frame scores, as calibration chose it (see the run's calibration.json). */
export interface PackageThreshold {
  value: number;
  /** Patch-map value above which regions are boxed in abnormal frames. */
  map_threshold: number;
  /** Frame rate the false-alarm rates were counted at. */
  fps: number;
  /** How it was chosen, e.g. `false_alarms_per_hour 1 on 2 held-out training videos (128 frames at 25 fps)`. */
  chosen: string;
}

/** The manifest (`vadc-model.json`) of a model package. */
export interface ModelManifest {
  format: typeof MODEL_PACKAGE_FORMAT;
  version: typeof MODEL_PACKAGE_VERSION;
  /** Every step around the graph, exactly (docs/model-package.md); absent in version 1 packages. */
  steps?: PackageSteps;
  /** The graph's file name beside the manifest. */
  graph: string;
  recipe: { name: string; hash: string };
  /** The dataset fingerprint of the run (run.json), when it was recorded. */
  dataset_fingerprint: string | null;
  input: {
    /** Model input [height, width]; frames are resized to it (bilinear, as the training pipeline). */
    size: [number, number];
    /** Frame offsets stacked channel-wise, in this order; an offset outside the video falls back to the frame itself. */
    context: number[];
    /** The graph's `frames` input [B, H, W, 3 * context] and how values are scaled. */
    layout: string;
  };
  /** Motion gradients |f(t - step) - f(t + step)| at native size, resized (used by motion-guided masking). */
  motion: { step: number };
  /** Test-time masking: the graph takes keep_index / restore_index, drawn per frame from (seed, video, frame). */
  masking: { strategy: Plan['masking']['strategy']; ratio: number; seed: number; kept_tokens: number; tokens: number };
  model: OnnxScoringModel;
  /** The frame score: scoring weights, error kinds, pooling (top_patches), temporal smoothing, normalisation. */
  scoring: Pick<Plan['scoring'], 'weights' | 'errors' | 'top_patches' | 'smoothing' | 'normalize' | 'maps'>;
  threshold: PackageThreshold | null;
  graph_io: { inputs: string[]; outputs: string[]; fused_attention: boolean };
  /**
   * The graph's arithmetic: fp32, or int8 weight products (onnx/quantize.ts: DynamicQuantizeLinear + MatMulInteger,
   * standard ops). Absent in packages written before int8 existed (fp32).
   */
  precision?: ScoringPrecision;
  /** The whole resolved recipe (the data pipeline of `vadc score` is built from it). */
  plan: Plan;
}

/** What a package is built from beside the model. */
export interface ModelPackageInput {
  recipeHash: string;
  datasetFingerprint: string | null;
  threshold: PackageThreshold | null;
  /** onnxruntime's fused attention (faster, needs onnxruntime) instead of standard ops (any runtime); default true. */
  fusedAttention?: boolean;
  /** The graph's arithmetic (default: the plan's runtime.precision); the manifest's plan records it. */
  precision?: ScoringPrecision;
  /** The smoothing live decisions use (the CLI's decisionSmoothing of the plan). */
  decisionSmoothing: PackageDecisionSmoothing;
}

/** The scoring graph and manifest of `model` (trained weights) under `plan`. */
export function buildModelPackage(model: MaskedAutoencoder, recipePlan: Plan, input: ModelPackageInput): { graph: Uint8Array; manifest: ModelManifest } {
  const fused = input.fusedAttention ?? true;
  const precision = input.precision ?? recipePlan.runtime.precision ?? 'fp32';
  const plan: Plan = { ...recipePlan, runtime: { ...recipePlan.runtime, precision } };
  const built = exportOnnx(model, plan, { fusedAttention: fused, scoring: true });
  const graph = precision === 'int8' ? quantizeInt8(built).bytes : built;
  const grid = onnxTokenGrid(model, model.masking.ratio);
  const spec = onnxScoringModel(model);
  const summaries = patchSummaryOutputs(spec.anomalyChannels);
  const { weights, errors, top_patches, smoothing, normalize, maps } = plan.scoring;
  const manifest: ModelManifest = {
    format: MODEL_PACKAGE_FORMAT,
    version: MODEL_PACKAGE_VERSION,
    steps: packageSteps(plan, spec, grid, input.decisionSmoothing),
    graph: 'model.onnx',
    recipe: { name: plan.name, hash: input.recipeHash },
    dataset_fingerprint: input.datasetFingerprint,
    input: {
      size: plan.data.size,
      context: plan.data.context,
      layout: `frames [B, ${plan.data.size[0]}, ${plan.data.size[1]}, ${spec.inputChannels}] float32: RGB of each context frame in context order, (v - ${PIXEL_SCALING.offset}) / ${PIXEL_SCALING.divisor}`,
    },
    motion: { step: plan.data.motion.step },
    masking: { strategy: plan.masking.strategy, ratio: model.masking.ratio, seed: model.seed, kept_tokens: grid.keep, tokens: grid.tokens },
    model: spec,
    scoring: { weights, errors, top_patches, smoothing, normalize, maps },
    threshold: input.threshold,
    graph_io: {
      inputs: [SCORING_NAMES.frames, ONNX_NAMES.keepIndex, ONNX_NAMES.restoreIndex],
      outputs: [ONNX_NAMES.teacher, ONNX_NAMES.student, ...summaries, ...(spec.classifier ? [ONNX_NAMES.classifierLogit] : [])],
      fused_attention: fused,
    },
    precision,
    plan,
  };
  return { graph, manifest };
}

/** Checks a parsed manifest's format and version; throws OnnxError ONNX_BAD_INPUT naming what is wrong. */
export function checkModelManifest(value: unknown): ModelManifest {
  const manifest = value as Partial<ModelManifest> | null;
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== MODEL_PACKAGE_FORMAT) {
    throw new OnnxError('ONNX_BAD_INPUT', `not a vadc model package manifest (format is not "${MODEL_PACKAGE_FORMAT}")`);
  }
  if (!READABLE_VERSIONS.includes(manifest.version as number)) {
    throw new OnnxError('ONNX_BAD_INPUT', `model package version ${String(manifest.version)}; this vadc reads versions ${READABLE_VERSIONS.join(' and ')}`);
  }
  if (manifest.plan === undefined || manifest.model === undefined) throw new OnnxError('ONNX_BAD_INPUT', 'the manifest has no plan or model section');
  return manifest as ModelManifest;
}

/** Opens a package's graph for scoring with onnxruntime: the same engine and masks as `createOnnxInference`. */
export function openModelPackage(graph: Uint8Array, manifest: ModelManifest, options: Omit<OnnxInferenceOptions, 'ratio' | 'seed' | 'fusedAttention'> = {}): Promise<OnnxInference> {
  return openOnnxScoring(graph, manifest.model, manifest.plan, { ...options, ratio: manifest.masking.ratio, seed: manifest.masking.seed });
}
