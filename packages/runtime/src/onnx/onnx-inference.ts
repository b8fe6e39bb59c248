// Scoring with onnxruntime instead of TF.js: the model is exported to ONNX in memory as the scoring graph
// (export-onnx.ts with `scoring`: frames in, predictions and per-patch summaries out), loaded into an
// onnxruntime-node CPU session, and each test batch goes through the same steps as model/inference.ts
// (the test-time mask drawn from (seed, frame, pass) by model/test-mask.ts, the current frame as target, the per-patch means), so the
// scorer gets the same FrameOutputs from either engine. TF.js stays the reference; the parity test holds the two
// together.
import type { Plan } from '@vadc/dsl';
import type { TestBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { currentFrameTarget, type BatchPredictions, type FrameOutputs, type PatchErrors } from '../model/inference.ts';
import type { TokenMask } from '../model/masking.ts';
import { FIRST_PASS, testTimeMask, type TestMaskPass } from '../model/test-mask.ts';
import type { BatchInference } from '../engine/engine.ts';
import { exportOnnx, ONNX_NAMES, onnxTokenGrid } from './export-onnx.ts';
import { OnnxError } from './onnx-error.ts';
import { resolveThreads } from '../backend/select-backend.ts';
import { createCpuSession, loadOnnxRuntime, type OrtTensor } from './onnxruntime.ts';
import { quantizeInt8, type ScoringPrecision } from './quantize.ts';
import { SCORING_NAMES } from './scoring-graph.ts';
import { patchSummaries, patchSummaryOutputs, summaryFields, type PatchSummary, type PatchSummaryFields } from '../model/patch-summaries.ts';

/** Options of createOnnxInference. */
export interface OnnxInferenceOptions {
  /** Threads onnxruntime computes with (default: all cores). */
  threads?: number;
  /** Seed of the test-time masks (default: the plan's runtime seed, as predictBatch). */
  seed?: number;
  /** Share of tokens masked at test time (default: the model's masking ratio, as predictBatch). */
  ratio?: number;
  /** Use onnxruntime's fused MultiHeadAttention kernel (default true; false = the portable MatMul / Softmax graph). */
  fusedAttention?: boolean;
  /**
   * Let idle pool threads spin-wait for work (onnxruntime's default; slightly faster on an otherwise idle machine,
   * costly when other processes share the cores). Default: the plan's runtime.spin_wait (false for plans older than
   * the key, e.g. in older model packages).
   */
  spinning?: boolean;
  /** onnxruntime's graph optimisation level (default 'all': fused LayerNorm, GELU, MatMul + bias, ...). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** fp32, or int8 weight products (quantize.ts); default: the plan's runtime.precision (fp32 for plans older than the key). */
  precision?: ScoringPrecision;
}

/** Per-patch summaries [B * L] as FrameOutputs holds them (anomaly fields null without an anomaly channel). */
export type OnnxPatchSummaries = PatchSummaryFields;

/** The outputs of one run. */
export interface OnnxOutputs {
  /** [B, L, p*p*(F+A)] predictions; null when only the summaries were asked for. */
  teacher: Float32Array | null;
  student: Float32Array | null;
  /** [B] classifier logits, or null without the head. */
  classifierLogit: Float32Array | null;
  summaries: OnnxPatchSummaries;
}

/** A loaded ONNX engine for one model. */
export interface OnnxInference {
  /** Threads the session computes with. */
  readonly threads: number;
  /** Size of the exported graph in bytes. */
  readonly modelBytes: number;
  /**
   * The model on frames [B, H, W, C] (the TestBatch input layout) with a given mask (the mask TF.js's `forward`
   * takes); `predictions` false skips copying out the [B, L, V] teacher / student outputs.
   */
  run(frames: Float32Array, batch: number, mask: TokenMask, predictions?: boolean): Promise<OnnxOutputs>;
  /** One test batch, as model/inference.ts `predictBatch` (pass: which test-time mask, default the first). */
  predict(batch: TestBatch, pass?: TestMaskPass): Promise<BatchPredictions>;
  /** One test batch summarised per patch, as model/inference.ts `inferBatch`: the scorer's BatchInference. */
  infer: BatchInference;
  /** Frees the session. */
  release(): Promise<void>;
}

/** What the scorer needs to know about a model beside its graph (a model package's manifest carries it). */
export type OnnxScoringModel = Pick<MaskedAutoencoder, 'grid' | 'inputChannels' | 'frameChannels' | 'anomalyChannels' | 'currentFrame' | 'masking' | 'seed'> & {
  /** Whether the graph has the classifier_logit output. */
  classifier: boolean;
};

/** The scoring description of a TF.js model. */
export function onnxScoringModel(model: MaskedAutoencoder): OnnxScoringModel {
  const { grid, inputChannels, frameChannels, anomalyChannels, currentFrame, masking, seed } = model;
  return { grid, inputChannels, frameChannels, anomalyChannels, currentFrame, masking, seed, classifier: model.classifier !== null };
}

const toInt64 = (indices: Int32Array): BigInt64Array => BigInt64Array.from(indices, (index) => BigInt(index));

/**
 * Exports `model` to ONNX and opens an onnxruntime CPU session on it. Rejects with OnnxError:
 * ONNX_RUNTIME_UNAVAILABLE when onnxruntime-node is not installed, ONNX_SESSION_FAILED when it rejects the graph.
 */
export async function createOnnxInference(model: MaskedAutoencoder, plan: Plan, options: OnnxInferenceOptions = {}): Promise<OnnxInference> {
  const ratio = options.ratio ?? model.masking.ratio;
  const graph = exportOnnx(model, plan, { ratio, fusedAttention: options.fusedAttention ?? true, scoring: true });
  const bytes = (options.precision ?? plan.runtime.precision ?? 'fp32') === 'int8' ? quantizeInt8(graph).bytes : graph;
  return openOnnxScoring(bytes, onnxScoringModel(model), plan, options);
}

/**
 * Opens a scoring graph (exportOnnx with `scoring`, e.g. a model package's model.onnx) for `model`'s shape: the
 * same engine as createOnnxInference without a TF.js model. `options.ratio` must be the ratio the graph was
 * exported with (its K). Rejects as createOnnxInference.
 */
export async function openOnnxScoring(bytes: Uint8Array, model: OnnxScoringModel, plan: Plan, options: OnnxInferenceOptions = {}): Promise<OnnxInference> {
  const ort = await loadOnnxRuntime();
  const threads = options.threads ?? resolveThreads('auto');
  const ratio = options.ratio ?? model.masking.ratio;
  const seed = options.seed ?? model.seed;
  const grid = onnxTokenGrid(model, ratio);
  const session = await createCpuSession(ort, bytes, 'the exported graph', { threads, optimization: options.optimization, spinning: options.spinning ?? plan.runtime.spin_wait === true });
  const [height, width] = plan.data.size;
  const summaryNames = [...patchSummaryOutputs(model.anomalyChannels), ...(model.classifier ? [ONNX_NAMES.classifierLogit] : [])];

  async function run(frames: Float32Array, batch: number, mask: TokenMask, predictions = true): Promise<OnnxOutputs> {
    if (mask.keep !== grid.keep || mask.tokens !== grid.tokens || mask.batch !== batch) {
      throw new OnnxError('ONNX_BAD_INPUT', `mask of ${mask.batch} x ${mask.keep}/${mask.tokens} tokens; the graph takes ${batch} x ${grid.keep}/${grid.tokens}`);
    }
    if (frames.length !== batch * height * width * model.inputChannels) {
      throw new OnnxError('ONNX_BAD_INPUT', `frames hold ${frames.length} values, expected ${batch} x ${height} x ${width} x ${model.inputChannels}`);
    }
    const feeds: Record<string, OrtTensor> = {
      [SCORING_NAMES.frames]: new ort.Tensor('float32', frames, [batch, height, width, model.inputChannels]),
      [ONNX_NAMES.keepIndex]: new ort.Tensor('int64', toInt64(mask.keepIndex), [mask.keepIndex.length]),
      [ONNX_NAMES.restoreIndex]: new ort.Tensor('int64', toInt64(mask.restoreIndex), [mask.restoreIndex.length]),
    };
    let results: Record<string, OrtTensor>;
    try {
      results = await session.run(feeds, predictions ? [ONNX_NAMES.teacher, ONNX_NAMES.student, ...summaryNames] : summaryNames);
    } catch (error) {
      throw new OnnxError('ONNX_SESSION_FAILED', `onnxruntime failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const floats = (name: string): Float32Array | null => (results[name]?.data as Float32Array | undefined) ?? null;
    const required = (name: string): Float32Array => {
      const values = floats(name);
      if (values === null) throw new OnnxError('ONNX_SESSION_FAILED', `the session returned no ${name} output`);
      return values;
    };
    // Each summary's outputs into its FrameOutputs field, as model/patch-summaries.ts declares them.
    const filled = new Map<PatchSummary['field'], PatchErrors | Float32Array>();
    for (const summary of patchSummaries(model.anomalyChannels)) {
      const [first, second] = summary.outputs as [string, string?];
      filled.set(summary.field, summary.reduce === 'errors' ? { l1: required(first), l2: required(second as string) } : required(first));
    }
    return {
      teacher: predictions ? required(ONNX_NAMES.teacher) : null,
      student: predictions ? required(ONNX_NAMES.student) : null,
      classifierLogit: floats(ONNX_NAMES.classifierLogit),
      summaries: summaryFields(filled),
    };
  }

  async function runBatch(batch: TestBatch, pass: TestMaskPass, predictions: boolean): Promise<{ outputs: OnnxOutputs; mask: TokenMask; classifier: Float32Array | null }> {
    if (batch.height !== height || batch.width !== width) throw new OnnxError('ONNX_BAD_INPUT', `frames of ${batch.height}x${batch.width}; the model takes ${height}x${width}`);
    const mask = testTimeMask(model, batch, seed, ratio, pass);
    const outputs = await run(batch.input, batch.size, mask, predictions);
    const classifier = outputs.classifierLogit === null ? null : outputs.classifierLogit.map((logit) => 1 / (1 + Math.exp(-logit)));
    return { outputs, mask, classifier };
  }

  async function predict(batch: TestBatch, pass: TestMaskPass = FIRST_PASS): Promise<BatchPredictions> {
    const { outputs, mask, classifier } = await runBatch(batch, pass, true);
    return {
      batch: batch.size, grid: model.grid, frameChannels: model.frameChannels, anomalyChannels: model.anomalyChannels,
      target: currentFrameTarget(model, batch), teacher: outputs.teacher as Float32Array, student: outputs.student as Float32Array,
      classifier, hidden: mask.hidden,
    };
  }

  async function infer(batch: TestBatch, pass: TestMaskPass): Promise<FrameOutputs> {
    const { outputs, mask, classifier } = await runBatch(batch, pass, false);
    return {
      size: batch.size, frames: batch.frames, rows: model.grid.rows, cols: model.grid.cols, hidden: mask.hidden,
      ...outputs.summaries, classifier, teacher: null, student: null,
    };
  }

  return { threads, modelBytes: bytes.length, run, predict, infer, release: () => session.release() };
}

