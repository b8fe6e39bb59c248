// The training loop: stages in order, epochs, steps. After every epoch the weights, optimizer state and progress go
// to one checkpoint file (atomically); a resumed run restores them and the stage's Random state and continues with
// the same masks and dropout as an uninterrupted run. A NaN or infinite loss stops the run with a TrainingError
// naming the stage, the step and the last good checkpoint.
import type { Plan } from '@vadc/dsl';
import { existsSync } from 'node:fs';
import type { TrainingBatch } from '../data/types.ts';
import type { MaskedAutoencoder } from '../model/autoencoder.ts';
import { Random } from '../random.ts';
import { optimizerRegistry } from './optimizers.ts';
import { learningRate } from './schedule.ts';
import { assignWeights, loadCheckpoint, saveCheckpoint, type TrainingCheckpoint } from './state.ts';
import type { Engine, GradientSource } from '../engine/engine.ts';
import { inThreadGradients } from './step.ts';

/** One line of training progress. */
export interface StepReport {
  stage: string;
  stageIndex: number;
  /** 0-based epoch within the stage. */
  epoch: number;
  /** 1-based optimizer step within the stage. */
  step: number;
  loss: number;
  learningRate: number;
  samplesPerSecond: number;
}

/** A finished epoch, reported before its checkpoint is written (so a crash in between redoes the epoch). */
export interface EpochReport {
  stage: string;
  stageIndex: number;
  /** 0-based epoch within the stage that just finished. */
  epoch: number;
  /** Optimizer steps taken in this stage so far. */
  step: number;
  /** Whether it is the stage's last epoch. */
  last: boolean;
}

/** Why training stopped early. */
export class TrainingError extends Error {
  constructor(
    readonly code: 'NON_FINITE_LOSS' | 'EMPTY_EPOCH',
    message: string,
    readonly stage: string,
    readonly step: number,
    /** The newest checkpoint written before the failure, or null. */
    readonly lastCheckpoint: string | null,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** Options of trainStage. */
export interface TrainStageOptions {
  plan: Plan;
  model: MaskedAutoencoder;
  stageIndex: number;
  /** The training batches of one epoch, in order (the data side shuffles per epoch from its own seed). */
  batches: (epoch: number) => AsyncIterable<TrainingBatch>;
  /** Checkpoint file written after every epoch; null = none. */
  checkpointPath: string | null;
  /** A checkpoint of this stage to continue from (its weights must already be in the model). */
  resume?: TrainingCheckpoint | null;
  /** Steps per epoch when known (gives the schedule fractional epochs); else the rate changes per epoch. */
  stepsPerEpoch?: number | null;
  onStep?: (report: StepReport) => void;
  /** Awaited before each checkpoint is written (the CLI flushes its step log, so the log never lags a checkpoint). */
  beforeCheckpoint?: () => Promise<void>;
  /** Called after each epoch, before its checkpoint (validation runs here); awaited. */
  onEpoch?: (report: EpochReport) => Promise<void>;
  /** What computes the steps' gradients (an Engine's startTraining); default: TF.js in this thread. */
  gradientSource?: GradientSource | null;
}

/** What a finished stage reports. */
export interface StageResult {
  stageIndex: number;
  steps: number;
  lastLoss: number;
}

/** Trains one stage of the plan from its first (or the resumed) epoch to its last. */
export async function trainStage(options: TrainStageOptions): Promise<StageResult> {
  const { plan, model, stageIndex, checkpointPath } = options;
  const stage = plan.stages[stageIndex];
  if (stage === undefined) throw new Error(`plan has no stage ${stageIndex}`);
  const trainable = model.params.list().filter((p) => p.trainable && !stage.freeze.includes(p.part));
  const optimizer = optimizerRegistry[stage.optimizer.kind](stage.optimizer, trainable);
  const gradientSource = options.gradientSource ?? inThreadGradients;
  let random = Random.derive(plan.runtime.seed, `train/stage-${stageIndex}`);
  let firstEpoch = 0;
  let step = 0;
  const progress = options.resume?.progress ?? null;
  if (options.resume && progress !== null && progress.stageIndex === stageIndex) {
    if (options.resume.optimizer !== null) optimizer.restore(options.resume.optimizer);
    random = new Random(progress.random);
    firstEpoch = progress.epochsDone;
    step = progress.step;
  }
  let lastCheckpoint = options.resume ? checkpointPath : null;
  let lastLoss = NaN;
  const cap = stage.steps_per_epoch ?? Infinity;
  const perEpoch = Math.min(options.stepsPerEpoch ?? cap, cap);
  try {
    for (let epoch = firstEpoch; epoch < stage.epochs; epoch++) {
      let stepInEpoch = 0;
      for await (const batch of options.batches(epoch)) {
        if (stepInEpoch >= cap) break;
        const fraction = Number.isFinite(perEpoch) ? stepInEpoch / perEpoch : 0;
        const rate = learningRate(stage.schedule, stage.optimizer.lr, epoch + fraction, stage.epochs);
        const started = performance.now();
        const stepRandom = new Random(random.nextUint32());
        const { loss, gradients } = await gradientSource.stepGradients(plan, stageIndex, model, batch, trainable, stepRandom);
        if (!Number.isFinite(loss)) {
          for (const g of gradients.values()) g.dispose();
          throw new TrainingError('NON_FINITE_LOSS', `loss is ${loss} at step ${step + 1} of stage ${stage.name}` +
            `; last good checkpoint: ${lastCheckpoint ?? 'none'}`, stage.name, step + 1, lastCheckpoint);
        }
        optimizer.apply(gradients, rate);
        for (const g of gradients.values()) g.dispose();
        step++;
        stepInEpoch++;
        lastLoss = loss;
        const seconds = (performance.now() - started) / 1000;
        options.onStep?.({ stage: stage.name, stageIndex, epoch, step, loss, learningRate: rate, samplesPerSecond: batch.size / seconds });
      }
      if (stepInEpoch === 0) {
        throw new TrainingError('EMPTY_EPOCH', `epoch ${epoch} of stage ${stage.name} had no batches`, stage.name, step, lastCheckpoint);
      }
      await options.onEpoch?.({ stage: stage.name, stageIndex, epoch, step, last: epoch + 1 === stage.epochs });
      if (checkpointPath !== null) {
        await options.beforeCheckpoint?.();
        await saveCheckpoint(checkpointPath, model, optimizer, {
          format: 1, stageIndex, stageName: stage.name, epochsDone: epoch + 1, step, random: random.getState(),
        });
        lastCheckpoint = checkpointPath;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { stageIndex, steps: step, lastLoss };
}

/** Options of train (all stages). */
export interface TrainOptions {
  plan: Plan;
  model: MaskedAutoencoder;
  /** The engine that computes the gradients (the command's one Engine, engines/create-engine.ts). */
  engine: Engine;
  batches: (stageIndex: number, epoch: number) => AsyncIterable<TrainingBatch>;
  checkpointPath: string | null;
  /** Continue from checkpointPath when it exists. */
  resume: boolean;
  stepsPerEpoch?: (stageIndex: number) => number | null;
  onStep?: (report: StepReport) => void;
  /** Awaited before each checkpoint is written. */
  beforeCheckpoint?: () => Promise<void>;
  onEpoch?: (report: EpochReport) => Promise<void>;
}

/** Trains every stage of the plan in order, resuming from the checkpoint when asked. */
export async function train(options: TrainOptions): Promise<StageResult[]> {
  const { plan, model, checkpointPath } = options;
  let resume: TrainingCheckpoint | null = null;
  let firstStage = 0;
  if (options.resume && checkpointPath !== null && existsSync(checkpointPath)) {
    resume = await loadCheckpoint(checkpointPath);
    assignWeights(model, resume.weights);
    const progress = resume.progress;
    if (progress !== null) {
      const finished = progress.epochsDone >= (plan.stages[progress.stageIndex]?.epochs ?? 0);
      firstStage = progress.stageIndex + (finished ? 1 : 0);
      if (finished) resume = null;
    }
  }
  const results: StageResult[] = [];
  const gradientSource = firstStage < plan.stages.length ? await options.engine.startTraining(plan) : null;
  try {
    for (let stageIndex = firstStage; stageIndex < plan.stages.length; stageIndex++) {
      results.push(await trainStage({
        plan, model, stageIndex, checkpointPath, resume: stageIndex === firstStage ? resume : null,
        batches: (epoch) => options.batches(stageIndex, epoch),
        stepsPerEpoch: options.stepsPerEpoch?.(stageIndex) ?? null,
        onStep: options.onStep,
        beforeCheckpoint: options.beforeCheckpoint,
        onEpoch: options.onEpoch,
        gradientSource,
      }));
    }
  } finally {
    await gradientSource?.close();
  }
  return results;
}
