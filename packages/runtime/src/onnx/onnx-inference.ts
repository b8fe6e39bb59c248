// Scoring with onnxruntime instead of TF.js: the model is exported to ONNX in memory (export-onnx.ts), loaded into
// an onnxruntime-node CPU session, and each test batch goes through the same steps as model/inference.ts
// `predictBatch` (patchify, the test-time mask drawn from (seed, video, frame), the current-frame target), so the
// scorer gets the same PatchPredictions from either engine. TF.js stays the reference; the parity test holds the two
// together.
import { availableParallelism } from 'node:os';
import type { Plan } from '@vadc/dsl';
import type { TestBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import type { BatchPredictions, FrameOutputs } from '../model/inference.ts';
import { createTokenMask, maskingRegistry, type TokenMask } from '../model/masking.ts';
import { patchify, patchMotion } from '../model/patches.ts';
import { Random } from '../random.ts';
import type { BatchInference } from '../score/score-video.ts';
import { exportOnnx, ONNX_NAMES, onnxTokenGrid } from './export-onnx.ts';
import { frameOutputsFromPredictions } from './frame-outputs.ts';
import { OnnxError } from './onnx-error.ts';
import { loadOnnxRuntime, type OrtSession, type OrtTensor } from './onnxruntime.ts';

/** Options of createOnnxInference. */
export interface OnnxInferenceOptions {
  /** Threads onnxruntime computes with (default: all cores). */
  threads?: number;
  /** Seed of the test-time masks (default: the plan's runtime seed, as predictBatch). */
  seed?: number;
  /** Share of tokens masked at test time (default: the model's masking ratio, as predictBatch). */
  ratio?: number;
  /** onnxruntime's graph optimisation level (default 'all': fused LayerNorm, GELU, MatMul + bias, ...). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** The raw outputs of one run: [B, L, p*p*(F+A)] teacher and student, [B] classifier logits (or null). */
export interface OnnxOutputs {
  teacher: Float32Array;
  student: Float32Array;
  classifierLogit: Float32Array | null;
}

/** A loaded ONNX engine for one model. */
export interface OnnxInference {
  /** Threads the session computes with. */
  readonly threads: number;
  /** Size of the exported graph in bytes. */
  readonly modelBytes: number;
  /** The model on patchified input [B, L, p*p*C] with a given mask (the same mask TF.js's `forward` takes). */
  run(patches: Float32Array, batch: number, mask: TokenMask): Promise<OnnxOutputs>;
  /** One test batch, as model/inference.ts `predictBatch` (video = the mask seed's video name). */
  predict(batch: TestBatch, video?: string): Promise<BatchPredictions>;
  /** One test batch summarised per patch, as model/inference.ts `inferBatch`: the scorer's BatchInference. */
  infer: BatchInference;
  /** Frees the session. */
  release(): Promise<void>;
}

/** The test-time mask of a batch, drawn exactly as model/inference.ts `predictBatch` draws it. */
export function testTimeMask(model: MaskedAutoencoder, batch: TestBatch, seed: number, ratio: number, video: string): TokenMask {
  const strategy = model.masking.strategy;
  return createTokenMask(maskingRegistry[strategy], {
    grid: model.grid,
    batch: batch.size,
    motion: strategy === 'motion' ? patchMotion(batch.motion, batch.size, model.grid, 'max') : null,
    random: new Random(seed),
    randomForSample: (sample) => Random.derive(seed, `score/${video}/${batch.frames[sample] ?? sample}`),
  }, ratio);
}

const toInt64 = (indices: Int32Array): BigInt64Array => BigInt64Array.from(indices, (index) => BigInt(index));

/**
 * Exports `model` to ONNX and opens an onnxruntime CPU session on it. Rejects with OnnxError:
 * ONNX_RUNTIME_UNAVAILABLE when onnxruntime-node is not installed, ONNX_SESSION_FAILED when it rejects the graph.
 */
export async function createOnnxInference(model: MaskedAutoencoder, plan: Plan, options: OnnxInferenceOptions = {}): Promise<OnnxInference> {
  const ort = await loadOnnxRuntime();
  const threads = options.threads ?? Math.max(1, availableParallelism());
  const ratio = options.ratio ?? model.masking.ratio;
  const seed = options.seed ?? model.seed;
  const grid = onnxTokenGrid(model, ratio);
  const bytes = exportOnnx(model, plan, { ratio });
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: options.optimization ?? 'all',
    });
  } catch (error) {
    throw new OnnxError('ONNX_SESSION_FAILED', `onnxruntime rejected the exported graph: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const patchValues = model.grid.patch ** 2 * model.inputChannels;

  async function run(patches: Float32Array, batch: number, mask: TokenMask): Promise<OnnxOutputs> {
    if (mask.keep !== grid.keep || mask.tokens !== grid.tokens || mask.batch !== batch) {
      throw new OnnxError('ONNX_BAD_INPUT', `mask of ${mask.batch} x ${mask.keep}/${mask.tokens} tokens; the graph takes ${batch} x ${grid.keep}/${grid.tokens}`);
    }
    if (patches.length !== batch * grid.tokens * patchValues) throw new OnnxError('ONNX_BAD_INPUT', `patches hold ${patches.length} values, expected ${batch} x ${grid.tokens} x ${patchValues}`);
    const feeds: Record<string, OrtTensor> = {
      [ONNX_NAMES.patches]: new ort.Tensor('float32', patches, [batch, grid.tokens, patchValues]),
      [ONNX_NAMES.keepIndex]: new ort.Tensor('int64', toInt64(mask.keepIndex), [mask.keepIndex.length]),
      [ONNX_NAMES.restoreIndex]: new ort.Tensor('int64', toInt64(mask.restoreIndex), [mask.restoreIndex.length]),
    };
    let results: Record<string, OrtTensor>;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw new OnnxError('ONNX_SESSION_FAILED', `onnxruntime failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const floats = (name: string): Float32Array | null => {
      const tensor = results[name];
      return tensor === undefined ? null : (tensor.data as Float32Array);
    };
    const teacher = floats(ONNX_NAMES.teacher);
    const student = floats(ONNX_NAMES.student);
    if (teacher === null || student === null) throw new OnnxError('ONNX_SESSION_FAILED', 'the session returned no teacher / student output');
    return { teacher, student, classifierLogit: floats(ONNX_NAMES.classifierLogit) };
  }

  async function predict(batch: TestBatch, video = ''): Promise<BatchPredictions> {
    const [height, width] = plan.data.size;
    if (batch.height !== height || batch.width !== width) throw new OnnxError('ONNX_BAD_INPUT', `frames of ${batch.height}x${batch.width}; the model takes ${height}x${width}`);
    const mask = testTimeMask(model, batch, seed, ratio, video);
    const patches = patchify(batch.input, batch.size, model.grid, model.inputChannels);
    const outputs = await run(patches, batch.size, mask);
    return {
      batch: batch.size, grid: model.grid, frameChannels: model.frameChannels, anomalyChannels: model.anomalyChannels,
      target: currentFrameTarget(model, batch), teacher: outputs.teacher, student: outputs.student,
      classifier: outputs.classifierLogit === null ? null : outputs.classifierLogit.map((logit) => 1 / (1 + Math.exp(-logit))),
      hidden: mask.hidden,
    };
  }

  return {
    threads,
    modelBytes: bytes.length,
    run,
    predict,
    infer: async (batch: TestBatch, video: string): Promise<FrameOutputs> => frameOutputsFromPredictions(await predict(batch, video), batch.frames),
    release: () => session.release(),
  };
}

// The current frame as a target [B, L, p*p*(F+A)]: F channels of context offset 0, anomaly channels -1 (as
// model/inference.ts builds it for TF.js).
function currentFrameTarget(model: MaskedAutoencoder, batch: TestBatch): Float32Array {
  const pixels = batch.size * batch.height * batch.width;
  const channels = model.frameChannels + model.anomalyChannels;
  const frame = new Float32Array(pixels * channels).fill(-1);
  const offset = 3 * model.currentFrame;
  for (let index = 0; index < pixels; index++) {
    for (let c = 0; c < model.frameChannels; c++) frame[index * channels + c] = batch.input[index * model.inputChannels + offset + c] ?? 0;
  }
  return patchify(frame, batch.size, model.grid, channels);
}
