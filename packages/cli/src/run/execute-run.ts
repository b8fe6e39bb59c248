// `vadc run`: resolve -> run folder -> backend -> data -> train each stage (or resume) -> score -> evaluate ->
// report. Each step announces itself; long ones show progress. Every file is written atomically, run.json records
// the state after each step, and Ctrl-C marks the run interrupted, leaving the last epoch's checkpoint to resume.
import { existsSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { estimateLines } from '../estimate/training-estimate.ts';
import { fingerprintDataset, recordFingerprint } from './dataset-fingerprint.ts';
import { HASH_RULE, renderPlanYaml, type Plan } from '@vadc/dsl';
import {
  DataPipeline, checkTestTruth, createModel, describeBackend, loadCheckpoint, openDataset, scoreVideo, selectBackend, train as trainPlan,
  type BackendReport, type MaskedAutoencoder, type VideoScores,
} from '@vadc/runtime';
import type { CommandIO } from '../command.ts';
import type { LoadedRecipe } from '../recipe-reader.ts';
import { calibrateAfterTraining } from './calibrate-after-training.ts';
import { RESULT_METRIC_NAMES, metricsJson } from '../metrics-result.ts';
import { evaluateRun, type RunMetrics } from './evaluate.ts';
import { writeFileAtomic, writeJsonAtomic } from './files.ts';
import { machineInfo } from './machine.ts';
import { startProgress } from './progress.ts';
import { COMPONENTS_FILE, PatchComponentCollector, writeComponents } from './sweep-components.ts';
import { buildReport } from './report-data.ts';
import { checkpointPath, createRun, saveRun, type RunFolder } from './run-folder.ts';
import { lockRun, removeRunTemporaries, type RunLock } from './run-lock.ts';
import { createInference, type InferenceEngine } from './inference-engine.ts';
import type { RunSpeed } from './run-speed.ts';

export { checkpointPath } from './run-folder.ts';
export { createInference, type InferenceEngine } from './inference-engine.ts';
import { scoresCsv } from './scores-csv.ts';
import { TrainLog, trimTrainLog } from './train-log.ts';
import { restoreSelectedEpoch, validationSummary, Validator, writeValidationComponents, type ValidationSummary } from './validation.ts';

/** Options of a run beyond the recipe. */
export interface RunOptions {
  /** Folder holding runs/<name>/<id> (default <cwd>/runs). */
  outRoot: string;
  /** Backend to use instead of the recipe's runtime.backend. */
  backend: string | null;
  /** Continue this existing run folder instead of creating one. */
  resumeFrom: RunFolder | null;
  /** Id of a new run folder (default: the start time); `vadc sweep` names its trainings `<sweep id>-t<k>`. */
  runId?: string;
  /** Train only (`vadc train`): stop before scoring. */
  trainOnly: boolean;
  /** Inference engine for scoring (default tfjs, the reference; onnx: onnxruntime-node's CPU build). */
  engine?: InferenceEngine;
  /** Fingerprint the dataset by file contents too (`--deep`). */
  deep?: boolean;
}


export type { RunSpeed };


const seconds = (start: number) => (performance.now() - start) / 1000;

/** Runs (or resumes) a whole experiment; returns the run folder. Throws on failure after recording it in run.json. */
export async function executeRun(recipe: LoadedRecipe, options: RunOptions, io: CommandIO): Promise<RunFolder> {
  const { plan, hash } = recipe;
  const say = (text: string) => io.stderr(`${text}\n`);
  const run = options.resumeFrom ?? (await createRun(options.outRoot, {
    name: plan.name, id: options.runId ?? runIdFor(), hash, hashRule: HASH_RULE, seed: plan.runtime.seed, backend: null, machine: await machineInfo(),
  }));
  const lock = await lockRun(run.directory, (line) => io.stderr(`${line}\n`));
  await removeRunTemporaries(run.directory);
  say(`${options.resumeFrom ? 'resuming' : 'run'} ${run.directory} (recipe ${plan.name}, hash ${hash.slice(0, 12)})`);
  await writeJsonAtomic(join(run.directory, 'plan.json'), plan);
  await writeFileAtomic(join(run.directory, 'recipe.yaml'), `# resolved from ${recipe.path}\n# hash ${hash}\n${renderPlanYaml(plan)}`);
  run.record.status = 'running';
  await saveRun(run);
  const log = new TrainLog(join(run.directory, 'train.jsonl'));
  const stopOnInterrupt = markInterruptedOnSignal(run, log, lock);
  try {
    const backend = await startBackend(run, plan, options.backend, io);
    for (const line of await estimateLines(plan, run.record.backend ?? '')) say(line);
    const pipeline = await openRunData(run, plan, options.outRoot, io, options.deep);

    const model = createModel(plan);
    const validator = await Validator.create(run, plan, pipeline, model, () => createInference(options.engine ?? 'tfjs', model, plan), log, io);
    const trainStart = performance.now();
    const trainSpeed = await trainModel(plan, model, pipeline, run, io, log, validator);
    await restoreSelectedEpoch(run, plan, model, io);
    run.record.timings.train = seconds(trainStart);
    if (trainSpeed !== null) run.record.trainFramesPerSecond = trainSpeed;
    await saveRun(run);
    if (options.trainOnly) {
      run.record.status = 'finished';
      await saveRun(run);
      await pipeline.close();
      return run;
    }

    await calibrateAfterTraining(run, plan, model, options.engine ?? 'tfjs', describeBackend(backend), io);
    await scoreEvaluateReport({ run, plan, model, pipeline, backend, engine: options.engine ?? 'tfjs' }, io);
    await pipeline.close();
    run.record.status = 'finished';
    await saveRun(run);
    return run;
  } catch (error) {
    run.record.status = 'failed';
    run.record.error = error instanceof Error ? error.message : String(error);
    await saveRun(run);
    throw error;
  } finally {
    stopOnInterrupt();
    await lock.release();
  }
}

/** What scoring, evaluation and the report need from a trained run. */
export interface TrainedRun {
  run: RunFolder;
  plan: Plan;
  model: MaskedAutoencoder;
  pipeline: DataPipeline;
  backend: BackendReport;
  /** Scoring engine (default tfjs). */
  engine?: InferenceEngine;
}

/** Scores the test split, writes scores.csv, components.bin, metrics.json and report.html, and records the timings. */
export async function scoreEvaluateReport(trained: TrainedRun, io: CommandIO): Promise<RunMetrics & { speed: RunSpeed; validation?: ValidationSummary }> {
  const { run, plan, model, pipeline, backend } = trained;
  const engine = trained.engine ?? 'tfjs';
  const trainSpeed = run.record.trainFramesPerSecond ?? null;
  const say = (text: string) => io.stdout(`${text}\n`);
  const scoreStart = performance.now();
  const collector = new PatchComponentCollector(plan.scoring.errors);
  const videos = await scoreTestVideos(plan, model, pipeline, io, collector, engine);
  const scoringSeconds = seconds(scoreStart);
  run.record.timings.score = scoringSeconds;
  await writeFileAtomic(join(run.directory, 'scores.csv'), scoresCsv(videos, plan));
  // Per-frame and per-patch components: `vadc sweep` re-evaluates scoring-only changes from them.
  await writeComponents(join(run.directory, COMPONENTS_FILE), videos, collector, plan.scoring.errors);
  await writeValidationComponents(run, plan, pipeline, () => createInference(engine, model, plan));

  const evaluateStart = performance.now();
  const frames = videos.reduce((sum, video) => sum + video.frameCount, 0);
  const speed: RunSpeed = {
    train_fps: trainSpeed, infer_fps: scoringSeconds > 0 ? frames / scoringSeconds : null, engine, train_engine: plan.runtime.train_engine ?? 'tfjs',
    backend: backend.backend, threads: backend.threads, train_batch: plan.stages[0]?.batch ?? null, infer_batch: plan.scoring.batch,
  };
  const validation = await validationSummary(run, plan, pipeline);
  const metrics: RunMetrics & { speed: RunSpeed; validation?: ValidationSummary } = { ...evaluateRun(videos, plan), speed, ...(validation ? { validation } : {}) };
  await writeFileAtomic(join(run.directory, 'metrics.json'), metricsJson(metrics));
  run.record.timings.evaluate = seconds(evaluateStart);
  printMetrics(metrics, say);

  const reportStart = performance.now();
  const report = await buildReport({ run, plan, videos, metrics, model, pipeline });
  await writeFileAtomic(join(run.directory, 'report.html'), report);
  run.record.timings.report = seconds(reportStart);
  say(`report: ${join(run.directory, 'report.html')}`);
  return metrics;
}

/** Selects the backend (the command line's choice over the recipe's) and records it in the run. */
export async function startBackend(run: RunFolder, plan: Plan, requested: string | null, io: CommandIO): Promise<BackendReport> {
  const start = performance.now();
  const backend = await selectBackend((requested ?? plan.runtime.backend) as Plan['runtime']['backend'], { threads: plan.runtime.threads });
  run.record.backend = describeBackend(backend);
  run.record.timings.backend = seconds(start);
  io.stderr(`backend: ${run.record.backend}\n`);
  return backend;
}

/** Opens the recipe's dataset and its input pipeline (disk cache beside the runs). */
export async function openRunData(run: RunFolder, plan: Plan, outRoot: string, io: CommandIO, deep = false): Promise<DataPipeline> {
  const start = performance.now();
  io.stderr(`data: opening ${plan.data.dataset}${plan.data.root ? ` at ${plan.data.root}` : ''}\n`);
  const source = await openDataset(plan);
  recordFingerprint(run, await fingerprintDataset(source, plan, { deep }), io);
  checkTestTruth(plan, source.test);
  const pipeline = new DataPipeline(source, plan, { defaultCacheDir: join(outRoot, '.vadc-cache') });
  const heldOut = pipeline.heldOut.length > 0 ? `, ${pipeline.heldOut.length} more held out for validation` : '';
  io.stderr(`data: ${pipeline.train.length} training videos (${pipeline.trainingSampleCount()} frames)${heldOut}, ${source.test.length} test videos\n`);
  run.record.timings.prepare = seconds(start);
  await saveRun(run);
  return pipeline;
}

function runIdFor(): string {
  return new Date().toISOString().slice(0, 19).replace(/:/g, '-');
}

/** Trains every stage (resuming from the run's checkpoint when there is one); returns mean training frames/s. */
async function trainModel(plan: Plan, model: MaskedAutoencoder, pipeline: DataPipeline, run: RunFolder, io: CommandIO, log: TrainLog, validator: Validator | null): Promise<number | null> {
  const checkpoint = existsSync(checkpointPath(run)) ? await loadCheckpoint(checkpointPath(run)) : null;
  await trimTrainLog(log.path, plan.stages.map((stage) => stage.name), checkpoint?.progress ?? null);
  const samples = pipeline.trainingSampleCount();
  let bar: ReturnType<typeof startProgress> | null = null;
  let barKey = '';
  let trainedSamples = 0;
  let trainedSeconds = 0;
  if (plan.runtime.train_engine === 'onnx') io.stderr('training engine: onnxruntime (runtime.train_engine onnx)\n');
  await trainPlan({
    plan,
    model,
    checkpointPath: checkpointPath(run),
    resume: true,
    beforeCheckpoint: () => log.flush(),
    batches: (stageIndex, epoch) => {
      const stage = plan.stages[stageIndex]!;
      return pipeline.trainingBatches({ epoch, batchSize: stage.batch, maxBatches: stage.steps_per_epoch, seed: plan.runtime.seed + stageIndex });
    },
    onEpoch: async (report) => {
      (bar as ReturnType<typeof startProgress> | null)?.done();
      bar = null;
      barKey = '';
      await validator?.afterEpoch(report);
    },
    stepsPerEpoch: (stageIndex) => {
      const stage = plan.stages[stageIndex]!;
      const full = Math.ceil(samples / stage.batch);
      return stage.steps_per_epoch === null ? full : Math.min(full, stage.steps_per_epoch);
    },
    onStep: (report) => {
      const stage = plan.stages[report.stageIndex]!;
      const key = `${report.stageIndex}/${report.epoch}`;
      if (key !== barKey) {
        bar?.done();
        barKey = key;
        const steps = Math.min(Math.ceil(samples / stage.batch), stage.steps_per_epoch ?? Infinity);
        bar = startProgress(`${stage.name} epoch ${report.epoch + 1}/${stage.epochs}`, steps, { write: io.stderr, isTerminal: io.isTerminal, unit: 'steps' });
      }
      bar?.tick(1, `loss ${report.loss.toPrecision(4)}`);
      trainedSamples += stage.batch;
      trainedSeconds += stage.batch / report.samplesPerSecond;
      log.add({ stage: report.stage, epoch: report.epoch, step: report.step, loss: report.loss, lr: report.learningRate, samples_per_second: report.samplesPerSecond, time: new Date().toISOString() });
      if (report.step % 20 === 0) void log.flush();
    },
  });
  (bar as ReturnType<typeof startProgress> | null)?.done();
  await log.flush();
  return trainedSeconds > 0 ? trainedSamples / trainedSeconds : null;
}

/** Scores every test video with the TF.js model, with one progress bar over all test frames. */
export async function scoreTestVideos(plan: Plan, model: MaskedAutoencoder, pipeline: DataPipeline, io: CommandIO, collector?: PatchComponentCollector, engine: InferenceEngine = 'tfjs'): Promise<VideoScores[]> {
  const { infer, release } = await createInference(engine, model, plan);
  const videos = pipeline.testVideos('test');
  const total = videos.reduce((sum, video) => sum + video.frameCount, 0);
  const bar = startProgress('score', total, { write: io.stderr, isTerminal: io.isTerminal, unit: 'frames' });
  const scores: VideoScores[] = [];
  for (const video of videos) {
    scores.push(await scoreVideo(video, plan, infer, {
      onBatch: (outputs) => {
        bar.tick(outputs.size);
        collector?.add(video.name, video.frameCount, outputs);
      },
    }));
  }
  bar.done();
  await release();
  return scores;
}

function printMetrics(metrics: RunMetrics, say: (text: string) => void): void {
  for (const name of RESULT_METRIC_NAMES) {
    const value = metrics[name];
    if (value !== null) say(`${name.padEnd(16)} ${value.toFixed(4)}  (${metrics.variants[name] ?? ''})`);
  }
}

/** On SIGINT / SIGTERM: record the run as interrupted (synchronously, atomically) and exit 130. */
function markInterruptedOnSignal(run: RunFolder, log: TrainLog, lock: RunLock): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log.flushSync();
    lock.releaseSync();
    run.record.status = 'interrupted';
    run.record.error = `stopped by ${signal}; resume with --resume`;
    run.record.updated = new Date().toISOString();
    const path = join(run.directory, 'run.json');
    writeFileSync(`${path}.signal.tmp`, `${JSON.stringify(run.record, null, 2)}\n`);
    renameSync(`${path}.signal.tmp`, path);
    process.stderr.write(`\nvadc: interrupted; the last finished epoch is checkpointed. Resume with: vadc run <recipe> --resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
