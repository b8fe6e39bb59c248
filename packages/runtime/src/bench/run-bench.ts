// The measurements of `vadc bench`: the teacher stage's optimizer step and test-time inference on generated inputs
// of the recipe's shape, timed as warm-up + repeats x steps, plus the per-frame cost of the other parts of a run
// (data decode, motion gradients, scoring components) so the model's share of the time is visible.
import type { Plan } from '@vadc/dsl';
import { absoluteDifference } from '../data/pipeline/frames.ts';
import { combinePatchMaps, frameComponents, patchComponents } from '../score/components.ts';
import { createModel, type MaskedAutoencoder } from '../model/autoencoder.ts';
import { createOnnxInference } from '../onnx/onnx-inference.ts';
import { createResizer } from '../data/pipeline/resize.ts';
import { DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { FIRST_PASS } from '../model/test-mask.ts';
import { inferBatch, type FrameOutputs } from '../model/inference.ts';
import { openDataset } from '../data/datasets.ts';
import { optimizerRegistry } from '../train/optimizers.ts';
import { Random } from '../random.ts';
import { resolveThreads } from '../backend/select-backend.ts';
import { createEngine } from '../engines/create-engine.ts';
import { type Engine } from '../engine/engine.ts';
import { benchTestBatch, benchTrainingBatch, seededUniform } from './bench-inputs.ts';
import { liveTensors, medianSeconds, peakRssBytes, spread, timeRepeats, wasmHeapBytes, type RepeatPlan, type RepeatTimes, type Spread } from './timing.ts';

/** What to measure. */
export interface BenchOptions extends RepeatPlan {
  mode: 'train' | 'infer' | 'both';
  /** Frames per step; null = the teacher stage's batch (train) and scoring.batch (infer). */
  batch: number | null;
  /** Engine of training and inference (the command resolves runtime.engine); null = tfjs. */
  engine: 'tfjs' | 'onnx' | null;
  /** Measure the input pipeline on the recipe's real dataset (synthetic datasets are always measured). */
  data: boolean;
  /** Called before each phase, for progress lines. */
  onPhase?: (phase: string) => void;
}

/** Timings of one mode. */
export interface ModeResult {
  batch: number;
  /** Frames per second of each timed repeat, and their spread. */
  repeats_frames_per_second: number[];
  frames_per_second: Spread;
  seconds_per_step: Spread;
  /** Frames per CPU-second of this process (all threads): steadier than wall-clock frames/s on a shared machine. */
  frames_per_cpu_second: Spread;
}

/** Milliseconds per frame of each part of a run; null where not measured. */
export interface TimeSplit {
  data_decode_ms: number | null;
  /** Why data decode is null, or what it measured. */
  data_note: string;
  motion_ms: number;
  model_ms: number;
  scoring_ms: number | null;
}

/** Everything one `vadc bench` run measured. */
export interface BenchResult {
  size: [number, number];
  /** Inference engine. */
  engine: 'tfjs' | 'onnx';
  /** What computed the training steps' gradients (null when training was not measured). */
  train_engine: 'tfjs' | 'onnx' | null;
  warmup: number;
  repeats: number;
  steps: number;
  train: ModeResult | null;
  infer: ModeResult | null;
  split: TimeSplit;
  memory: { peak_rss_bytes: number; wasm_heap_bytes: number | null; live_tensors: number | null };
}

function modeResult(batch: number, times: RepeatTimes): ModeResult {
  return {
    batch,
    repeats_frames_per_second: times.wall.map((s) => batch / s),
    frames_per_second: spread(times.wall.map((s) => batch / s)),
    seconds_per_step: spread(times.wall),
    frames_per_cpu_second: spread(times.cpu.map((s) => batch / s)),
  };
}

/** The stage `vadc bench` trains: the first reconstruction (teacher) stage, else the first stage. */
function teacherStage(plan: Plan): Plan['stages'][number] {
  const stage = plan.stages.find((candidate) => candidate.loss === 'reconstruction') ?? plan.stages[0];
  if (stage === undefined) throw new Error('the recipe has no training stage');
  return stage;
}

/** Timing of the teacher stage's training step alone at `batch` (what the training-time estimate measures). */
export async function benchTrainingStep(plan: Plan, batch: number, engine: Engine, repeats: RepeatPlan): Promise<ModeResult> {
  const model = createModel(plan);
  try {
    return await benchTrain(plan, model, engine, batch, repeats);
  } finally {
    model.params.dispose();
  }
}

// One optimizer step of the teacher stage, exactly as train/train-stage.ts runs it: summed micro-batch gradients
// (from the engine: onnxruntime, or TF.js here or over gradient workers when runtime.workers > 1), then the optimizer's
// update at the stage's base learning rate.
async function benchTrain(plan: Plan, model: MaskedAutoencoder, engine: Engine, batchSize: number, repeats: RepeatPlan): Promise<ModeResult> {
  const stage = teacherStage(plan);
  const trainable = model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
  const optimizer = optimizerRegistry[stage.optimizer.kind](stage.optimizer, trainable);
  const batch = benchTrainingBatch(plan, batchSize);
  const random = new Random(plan.runtime.seed);
  const source = await engine.startTraining(plan);
  const stageIndex = plan.stages.indexOf(stage);
  try {
    const times = await timeRepeats(async () => {
      const stepRandom = new Random(random.nextUint32());
      const { gradients } = await source.stepGradients(plan, stageIndex, model, batch, trainable, stepRandom);
      optimizer.apply(gradients, stage.optimizer.lr);
      for (const gradient of gradients.values()) gradient.dispose();
    }, repeats);
    return modeResult(batchSize, times);
  } finally {
    optimizer.dispose();
    await source.close();
  }
}

// Test-time inference (teacher + student, per-patch summaries) with the chosen engine; returns the last outputs too,
// for timing the scoring components on real shapes.
async function benchInfer(
  plan: Plan, model: MaskedAutoencoder, batchSize: number, engine: 'tfjs' | 'onnx', threads: number, repeats: RepeatPlan,
): Promise<{ result: ModeResult; outputs: FrameOutputs }> {
  const batch = benchTestBatch(plan, batchSize);
  const onnx = engine === 'onnx' ? await createOnnxInference(model, plan, { threads }) : null;
  let outputs: FrameOutputs | null = null;
  try {
    const times = await timeRepeats(async () => {
      outputs = onnx !== null ? await onnx.infer(batch, FIRST_PASS) : inferBatch(model, batch);
    }, repeats);
    if (outputs === null) throw new Error('inference produced no outputs');
    return { result: modeResult(batchSize, times), outputs };
  } finally {
    await onnx?.release();
  }
}

// Motion gradients of one frame as the pipeline computes them: |f(t-1) - f(t+1)| on the native uint8 frames, then
// resized to the model's size. Native size: the dataset's first video's when it was opened, else the synthetic
// generator's resolution, else the model's size.
function motionSeconds(plan: Plan, opened: [number, number] | null): number {
  const native = opened ?? plan.data.synthetic?.resolution ?? plan.data.size;
  const uniform = seededUniform(3);
  const frame = () => Uint8Array.from({ length: native[0] * native[1] * 3 }, () => Math.floor(uniform() * 256));
  const [previous, next] = [frame(), frame()];
  const resizer = createResizer(native, plan.data.size, 3);
  return medianSeconds(() => resizer.resize(absoluteDifference(previous, next)), 15);
}

interface PipelineTiming {
  seconds: number | null;
  note: string;
  /** Native [height, width] of the dataset's first video, when it was opened. */
  native: [number, number] | null;
}

// Seconds per frame of the real input pipeline's test stream (decode + resize + motion + [-1, 1] stacking), without
// a disk cache, over the first test video's first batches; null when the dataset is not measured.
async function pipelineSeconds(plan: Plan, options: BenchOptions, batchSize: number): Promise<PipelineTiming> {
  if (plan.data.dataset !== 'synthetic' && !options.data) {
    return { seconds: null, note: 'n/a (not a synthetic dataset; --data measures the real one)', native: null };
  }
  const uncached: Plan = { ...plan, data: { ...plan.data, cache_dir: null } };
  const pipeline = new DataPipeline(await openDataset(uncached), uncached, { defaultCacheDir: null });
  try {
    const video = pipeline.testVideos('test')[0] ?? pipeline.testVideos('validation')[0];
    const native = (pipeline.source.test[0] ?? pipeline.source.validation[0])?.resolution ?? null;
    if (video === undefined) return { seconds: null, note: 'n/a (the dataset has no videos)', native };
    const frameCap = Math.min(video.frameCount, Math.max(2 * batchSize, 16));
    let frames = 0;
    const started = performance.now();
    for await (const batch of video.batches(batchSize)) {
      frames += batch.size;
      if (frames >= frameCap) break;
    }
    const seconds = (performance.now() - started) / 1000 / frames;
    const note = `${plan.data.dataset} test stream, ${frames} frames of ${video.name}, no disk cache; decode = pipeline - motion`;
    return { seconds, native, note };
  } finally {
    await pipeline.close();
  }
}

/** Runs the bench on the active TF.js backend (select it first) and returns the measurements. */
export async function runBench(plan: Plan, options: BenchOptions): Promise<BenchResult> {
  const repeats: RepeatPlan = { warmup: options.warmup, repeats: options.repeats, steps: options.steps };
  const model = createModel(plan);
  let train: ModeResult | null = null;
  let infer: ModeResult | null = null;
  let scoringSeconds: number | null = null;
  const trainEngine = options.engine ?? 'tfjs';
  const inferEngine = trainEngine;
  try {
    if (options.mode !== 'infer') {
      options.onPhase?.(`train (${trainEngine})`);
      train = await benchTrain(plan, model, createEngine(trainEngine), options.batch ?? teacherStage(plan).batch, repeats);
    }
    if (options.mode !== 'train') {
      options.onPhase?.(`infer (${inferEngine})`);
      const measured = await benchInfer(plan, model, options.batch ?? plan.scoring.batch, inferEngine, resolveThreads(plan.runtime.threads), repeats);
      infer = measured.result;
      const outputs = measured.outputs;
      scoringSeconds = medianSeconds(() => {
        frameComponents(outputs, plan.scoring.errors);
        combinePatchMaps(patchComponents(outputs, plan.scoring.errors), plan.scoring.weights);
      }, 15) / outputs.size;
    }
  } finally {
    model.params.dispose();
  }
  options.onPhase?.('data');
  const data = await pipelineSeconds(plan, options, options.batch ?? plan.scoring.batch);
  const motion = motionSeconds(plan, data.native);
  const model_ms = 1000 / (infer ?? train)!.frames_per_second.median;
  return {
    size: plan.data.size, engine: inferEngine, train_engine: train === null ? null : trainEngine, warmup: options.warmup, repeats: options.repeats, steps: options.steps, train, infer,
    split: {
      data_decode_ms: data.seconds === null ? null : Math.max(0, data.seconds - motion) * 1000,
      data_note: data.note,
      motion_ms: motion * 1000,
      model_ms,
      scoring_ms: scoringSeconds === null ? null : scoringSeconds * 1000,
    },
    memory: { peak_rss_bytes: peakRssBytes(), wasm_heap_bytes: wasmHeapBytes(), live_tensors: liveTensors() },
  };
}
