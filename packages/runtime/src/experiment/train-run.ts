// The training half of `vadc run`: train every stage (or resume) with progress bars and train.jsonl, and mark the
// run interrupted on Ctrl-C. run-experiment.ts calls it before scoring (score-evaluate.ts).
import { existsSync } from 'node:fs';
import type { Plan } from '@vadc/dsl';
import { loadCheckpoint } from '../train/state.ts';
import { train as trainPlan } from '../train/train-stage.ts';
import { type DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { type Engine } from '../engine/engine.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { type CommandIO } from '../run-io.ts';
import { startProgress } from './progress.ts';
import { checkpointPath, type RunFolder } from '../run-folder/run-folder.ts';
import type { RunLease } from '../run-folder/run-lease.ts';
import { markInterruptedSync } from '../run-folder/run-state.ts';
import { trimTrainLog, type TrainLog } from '../run-folder/train-log.ts';
import type { Validator } from './validation.ts';

/** Trains every stage (resuming from the run's checkpoint when there is one); returns mean training frames/s. */
export async function trainModel(plan: Plan, model: MaskedAutoencoder, engine: Engine, pipeline: DataPipeline, run: RunFolder, io: CommandIO, log: TrainLog, validator: Validator | null): Promise<number | null> {
  const checkpoint = existsSync(checkpointPath(run)) ? await loadCheckpoint(checkpointPath(run)) : null;
  await trimTrainLog(log.path, plan.stages.map((stage) => stage.name), checkpoint?.progress ?? null);
  const samples = pipeline.trainingSampleCount();
  let bar: ReturnType<typeof startProgress> | null = null;
  let barKey = '';
  let trainedSamples = 0;
  let trainedSeconds = 0;
  await trainPlan({
    plan,
    model,
    engine,
    checkpointPath: checkpointPath(run),
    resume: true,
    // A holder that lost its lease stops before it writes a checkpoint the new holder may be writing too.
    beforeCheckpoint: async () => {
      await run.lease?.confirmHeld();
      await log.flush();
    },
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
      io.onTrainingStep?.({ stage: stage.name, epoch: report.epoch + 1, epochs: stage.epochs, framesPerSecond: report.samplesPerSecond });
      if (report.step % 20 === 0) void log.flush();
    },
  });
  (bar as ReturnType<typeof startProgress> | null)?.done();
  await log.flush();
  return trainedSeconds > 0 ? trainedSamples / trainedSeconds : null;
}

/** On SIGINT / SIGTERM: record the run as interrupted (synchronously, atomically) and exit 130. */
export function markInterruptedOnSignal(run: RunFolder, log: TrainLog, lease: RunLease): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log.flushSync();
    markInterruptedSync(run, signal);
    lease.releaseSync();
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
