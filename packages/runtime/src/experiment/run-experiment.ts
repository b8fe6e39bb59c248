// The experiment, top to bottom (what `vadc run` does, and what a program or the queue worker calls): a resolved
// recipe -> run folder (under a lease) -> backend -> data -> train each stage (or resume), validating on the held-out
// split -> select the kept epoch -> calibrate -> score the test split -> evaluate -> report. Each step announces
// itself on io.stderr; long ones show progress. Every file is written atomically, run.json records the state after
// each step (run-folder/run-state.ts is its one writer), and Ctrl-C marks the run interrupted, leaving the last
// epoch's checkpoint to resume. The training half is train-run.ts, the scoring half score-evaluate.ts.
import { join } from 'node:path';
import { HASH_RULE, renderPlanYaml, type Plan } from '@vadc/dsl';
import { DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { checkTestTruth } from '../data/check-truth.ts';
import { createEngine } from '../engines/create-engine.ts';
import { createModel } from '../model/autoencoder.ts';
import { describeBackend, selectBackend } from '../backend/select-backend.ts';
import { openDataset } from '../data/datasets.ts';
import { type BackendReport } from '../backend/types.ts';
import type { EngineChoice } from '../engine/engine.ts';
import { type CommandIO } from '../run-io.ts';
import { estimateLines } from './training-estimate.ts';
import { type LoadedRecipe } from './recipe-reader.ts';
import { calibrateAfterTraining } from './calibrate-after-training.ts';
import { fingerprintDataset, recordFingerprint } from '../run-folder/dataset-fingerprint.ts';
import { seconds } from '../run-folder/elapsed.ts';
import { writeFileAtomic, writeJsonAtomic } from '../run-folder/files.ts';
import { resolveEngine } from '../engines/engine-choice.ts';
import { machineInfo } from '../run-folder/machine.ts';
import { readRun, runIdFromDate, type RunFolder } from '../run-folder/run-folder.ts';
import { fileLeaseStore, LeaseLostError, removeRunTemporaries, takeLease, type LeaseStoreFor, type LeaseWait } from '../run-folder/run-lease.ts';
import { createRun, moveRun, saveRunRecord, trainingFinished } from '../run-folder/run-state.ts';
import type { RunSpeed } from './run-speed.ts';
import { scoreEvaluateReport } from './score-evaluate.ts';
import { TrainLog } from '../run-folder/train-log.ts';
import { markInterruptedOnSignal, trainModel } from './train-run.ts';
import { restoreSelectedEpoch, Validator } from './validation.ts';

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
  /** The engine that trains and scores (resolveEngine at the command's start; default: the recipe's runtime.engine resolved here). */
  engine?: EngineChoice;
  /** Fingerprint the dataset by file contents too (`--deep`). */
  deep?: boolean;
  /** Where the run's lease lives (default: the run folder's run.lease; queue jobs: Redis). */
  leaseStore?: LeaseStoreFor;
  /** When another holder has the lease: refuse (a command, default) or wait until it ends or expires (a queue job). */
  leaseWait?: LeaseWait;
}

export type { RunSpeed };

/**
 * Runs (or resumes) a whole experiment: trains every stage of the recipe, validates, keeps the selected epoch,
 * calibrates when the recipe asks, scores the test split and writes scores.csv, components.bin, metrics.json and
 * report.html into `<outRoot>/<name>/<id>/`. Progress goes to `io.stderr`, the metrics table to `io.stdout`.
 *
 * @param recipe a resolved recipe (`loadRecipe`, or @vadc/dsl's resolveRecipe with `diskReader`)
 * @param options where runs go, the backend and engine, resume, train only
 * @param io where the run writes its progress and summary (tests and programs pass buffers)
 * @returns the run folder; its record's status is `finished` (`trained` with `trainOnly`)
 * @throws after recording the failure in run.json (a LeaseLostError leaves run.json to the lease's new holder)
 *
 * @example
 * const recipe = await loadRecipe('recipes/quickstart.yaml', { set: ['stages.0.epochs=1'] }, io);
 * const run = await runExperiment(recipe!, { outRoot: 'runs', backend: null, resumeFrom: null, trainOnly: false }, io);
 * console.log(JSON.parse(await readFile(join(run.directory, 'metrics.json'), 'utf8')).micro_auc);
 */
export async function runExperiment(recipe: LoadedRecipe, options: RunOptions, io: CommandIO): Promise<RunFolder> {
  const { hash } = recipe;
  const engine = options.engine ?? (await resolveEngine(recipe.plan, null, options.backend, io));
  const plan = recipe.plan;
  const runEngine = createEngine(engine.engine);
  const say = (text: string) => io.stderr(`${text}\n`);
  const created = options.resumeFrom ?? (await createRun(options.outRoot, {
    name: plan.name, id: options.runId ?? runIdFromDate(new Date()), hash, hashRule: HASH_RULE, seed: plan.runtime.seed, backend: null, machine: await machineInfo(),
  }));
  const lease = await takeLease((options.leaseStore ?? fileLeaseStore)(created.directory), options.leaseWait ?? 'refuse', say);
  // Read again under the lease: a holder we waited for may have moved the run on (trained it, finished it).
  const run: RunFolder = { ...((await readRun(created.directory)) ?? created), lease };
  const log = new TrainLog(join(run.directory, 'train.jsonl'));
  const stopOnInterrupt = markInterruptedOnSignal(run, log, lease);
  try {
    if (run.record.status === 'finished' || (options.trainOnly && trainingFinished(run.record))) {
      say(`${run.directory}: ${run.record.status} by an earlier holder of its lease`);
      return run;
    }
    await removeRunTemporaries(run.directory);
    say(`${options.resumeFrom ? 'resuming' : 'run'} ${run.directory} (recipe ${plan.name}, hash ${hash.slice(0, 12)})`);
    await writeJsonAtomic(join(run.directory, 'plan.json'), recipe.plan);
    await writeFileAtomic(join(run.directory, 'recipe.yaml'), `# resolved from ${recipe.path}\n# hash ${hash}\n${renderPlanYaml(recipe.plan)}`);
    const alreadyTrained = trainingFinished(run.record);
    run.record.engine = { ...run.record.engine, train: engine };
    if (alreadyTrained) await saveRunRecord(run);
    else await moveRun(run, 'training');
    const backend = await startBackend(run, plan, options.backend, io);
    for (const line of await estimateLines(plan, run.record.backend ?? '', runEngine)) say(line);
    const pipeline = await openRunData(run, plan, options.outRoot, io, options.deep);

    const model = createModel(plan);
    const validator = await Validator.create(run, plan, pipeline, model, () => runEngine.openInference(model, plan), log, io);
    const trainStart = performance.now();
    const trainSpeed = await trainModel(plan, model, runEngine, pipeline, run, io, log, validator);
    await restoreSelectedEpoch(run, plan, model, io);
    if (!alreadyTrained) {
      run.record.timings.train = seconds(trainStart);
      if (trainSpeed !== null) run.record.trainFramesPerSecond = trainSpeed;
      await moveRun(run, 'trained');
    }
    if (options.trainOnly) {
      await pipeline.close();
      return run;
    }

    await moveRun(run, 'scoring');
    await calibrateAfterTraining(run, plan, model, runEngine, describeBackend(backend), io);
    await scoreEvaluateReport({ run, plan, model, pipeline, backend, engine }, io);
    await pipeline.close();
    await moveRun(run, 'finished');
    return run;
  } catch (error) {
    if (!(error instanceof LeaseLostError)) await recordFailure(run, error);
    throw error;
  } finally {
    stopOnInterrupt();
    await lease.release();
  }
}

/**
 * Marks the run failed with the error's message, after removing the temporaries of its writes (a full disk: the
 * partial file goes first, which also frees the room run.json needs). A record that cannot be written does not
 * hide the error that failed the run.
 */
export async function recordFailure(run: RunFolder, error: unknown): Promise<void> {
  try {
    await removeRunTemporaries(run.directory);
    await moveRun(run, 'failed', error instanceof Error ? error.message : String(error));
  } catch {
    // the run's own error is the one to report
  }
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
  await saveRunRecord(run);
  return pipeline;
}

