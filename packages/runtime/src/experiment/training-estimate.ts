// What a recipe costs: the training work it asks for (epochs x frames per epoch, per stage) and, from a short timing
// of the teacher stage's training step on this machine (the bench code, one step after a warm-up), about how
// long that takes. `vadc run` / `vadc train` print it before training; `vadc render` prints the work, and the time
// with --estimate. An estimate: the student stage trains faster than the teacher step timed here (an upper bound
// for it), batches above 32 run a little more frames/s than timed, and a busy machine runs slower. Timed, the
// work counts the training frames on disk where the data is there (a subset trains on what it holds), and the
// dataset's usual size only where it is not.
import { access } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { resolveEngine } from '../engines/engine-choice.ts';
import { createEngine } from '../engines/create-engine.ts';
import { DatasetError } from '../data/readers/dataset-error.ts';
import { describeBackend, selectBackend } from '../backend/select-backend.ts';
import { openDataset } from '../data/datasets.ts';
import { type Engine } from '../engine/engine.ts';
import { benchTrainingStep } from '../bench/run-bench.ts';

/** Training frames of the real datasets' standard splits (their papers' counts), for recipes whose data is absent. */
const KNOWN_TRAINING_FRAMES: Record<string, number> = {
  avenue: 15328,
  shanghaitech: 274515,
  'ucsd-ped1': 6800,
  'ucsd-ped2': 2550,
  ubnormal: 116087,
};

/** The training work of a recipe. */
export interface TrainingWork {
  /** Training frames per epoch (null when unknown: a `frames` dataset). */
  framesPerEpoch: number | null;
  /** Where framesPerEpoch comes from. */
  source: string;
  /** Per stage: name, epochs and the frames it passes through the model (null when unknown). */
  stages: Array<{ name: string; epochs: number; frames: number | null }>;
  /** Frames over all stages (null when unknown). */
  totalFrames: number | null;
  /** True when validation holds training videos out: the frame counts are then an upper bound. */
  upperBound: boolean;
}

/** The training split as found on this machine, or why it could not be read. */
export type TrainingFramesOnDisk = { frames: number; videos: number; root: string } | { unread: string };

/**
 * The training frames the recipe's dataset holds on this machine: the videos a run would train on, listed (probed,
 * not decoded) by the dataset's reader. A recipe whose `data.root` names an unset variable is not read.
 */
export async function trainingFramesOnDisk(plan: Plan): Promise<TrainingFramesOnDisk> {
  const unset = /\$\{env:([^}]+)\}/.exec(plan.data.root ?? '');
  if (unset !== null) return { unread: `${unset[1]} is not set` };
  try {
    const { train } = await openDataset(plan, { splits: ['train'] });
    return { frames: train.reduce((sum, video) => sum + video.frameCount, 0), videos: train.length, root: plan.data.root ?? '' };
  } catch (error) {
    if (error instanceof DatasetError) return { unread: error.message };
    throw error;
  }
}

/**
 * The frames each stage trains on (steps_per_epoch x batch where set, else the training split per epoch): the
 * split counted on disk when `onDisk` found it, else the generated videos, or the dataset's usual size.
 */
export function trainingWork(plan: Plan, onDisk?: TrainingFramesOnDisk): TrainingWork {
  const synthetic = plan.data.synthetic;
  const known = KNOWN_TRAINING_FRAMES[plan.data.dataset];
  const counted = onDisk !== undefined && 'frames' in onDisk ? onDisk : undefined;
  const framesPerEpoch = synthetic !== null ? synthetic.train_videos * synthetic.frames : counted?.frames ?? known ?? null;
  const unread = onDisk !== undefined && 'unread' in onDisk ? `; the data was not read: ${onDisk.unread}` : '';
  const base = synthetic !== null ? `${synthetic.train_videos} generated videos x ${synthetic.frames} frames`
    : counted !== undefined ? `${counted.frames.toLocaleString('en')} training frames on disk in ${counted.videos} video${counted.videos === 1 ? '' : 's'} under ${counted.root}`
    : known !== undefined ? `${plan.data.dataset}'s usual ${known.toLocaleString('en')} training frames` : 'unknown until the data is read';
  // The held-out validation videos are drawn from the data, so their frames are known only once it is read: the
  // figures are then an upper bound, and the line says so.
  const holdOut = plan.validation?.hold_out;
  const heldOut = holdOut === undefined ? ''
    : Array.isArray(holdOut) ? `, less the ${holdOut.length} held-out validation video${holdOut.length === 1 ? '' : 's'}`
    : holdOut < 1 ? `, less the ${holdOut} share held out for validation` : `, less the ${holdOut} held-out validation video${holdOut === 1 ? '' : 's'}`;
  const source = framesPerEpoch === null ? `${base}${unread}` : `${base}${heldOut}${unread}`;
  const stages = plan.stages.map((stage) => {
    const perEpoch = stage.steps_per_epoch !== null ? stage.steps_per_epoch * stage.batch : framesPerEpoch;
    return { name: stage.name, epochs: stage.epochs, frames: perEpoch === null ? null : perEpoch * stage.epochs };
  });
  const totalFrames = stages.some((stage) => stage.frames === null) ? null : stages.reduce((sum, stage) => sum + stage.frames!, 0);
  return { framesPerEpoch, source, stages, totalFrames, upperBound: holdOut !== undefined };
}

/** One line: `training: teacher 6 epochs + student 2 epochs over 384 frames (6 generated videos x 64 frames) = 3,072 frames`. */
export function describeWork(work: TrainingWork): string {
  const stages = work.stages.map((stage) => `${stage.name} ${stage.epochs} epoch${stage.epochs === 1 ? '' : 's'}`).join(' + ');
  const most = work.upperBound ? 'at most ' : '';
  const total = work.totalFrames === null ? '' : ` = ${most}${work.totalFrames.toLocaleString('en')} frames through the model`;
  return `training: ${stages} over ${work.framesPerEpoch === null ? '?' : `${most}${work.framesPerEpoch.toLocaleString('en')}`} frames per epoch (${work.source})${total}`;
}

/**
 * Times the teacher step (at its batch, at most 32 frames of 128x224 where per-step overhead no longer dominates:
 * 1 warm-up + 1 timed step on TF.js, 3 + 2 on onnxruntime) and turns the work into a duration on this machine.
 */
export async function estimateTrainingTime(plan: Plan, engine: Engine): Promise<{ work: TrainingWork; framesPerSecond: number; batch: number; seconds: number | null }> {
  const work = trainingWork(plan, plan.data.synthetic === null ? await trainingFramesOnDisk(plan) : undefined);
  const teacher = plan.stages.find((stage) => stage.loss === 'reconstruction') ?? plan.stages[0];
  // 32 frames of 128x224 at most per timed step (4 at the paper's 320x640), so the timing stays short.
  const [height, width] = plan.data.size;
  const batch = Math.max(1, Math.min(teacher?.batch ?? 32, 32, Math.floor((32 * 128 * 224) / (height * width))));
  // onnxruntime's first steps of a new graph grow its memory arena, and V8 compiles the JS side over the first few:
  // timed after one warm-up step, the Ped2 recipe's step ran at 43 frames/s where its training then ran at 150.
  const timing = await benchTrainingStep(plan, batch, engine, engine.name === 'onnx' ? { warmup: 3, repeats: 1, steps: 2 } : { warmup: 1, repeats: 1, steps: 1 });
  const framesPerSecond = timing.frames_per_second.median;
  return { work, framesPerSecond, batch, seconds: work.totalFrames === null ? null : work.totalFrames / framesPerSecond };
}

/** `3 h 12 min`, `14 min`, `48 s`, `9.2 days`. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** A training longer than this on this machine is the paper's, sized for a GPU: the estimate names a smaller recipe. */
const PAPER_SIZED_SECONDS = 86400;

/**
 * The estimate as log lines (the work, then the timed duration). `cpuRecipe`, the recipe sized for a CPU beside this
 * one (see cpuSizedSibling), is named when the training would take more than a day here.
 */
export async function estimateLines(plan: Plan, backend: string, engine: Engine, cpuRecipe?: string): Promise<string[]> {
  const { work, framesPerSecond, batch, seconds } = await estimateTrainingTime(plan, engine);
  const time = seconds === null ? 'a duration once the number of training frames is known' : `about ${formatDuration(seconds)}`;
  const paperSized = seconds !== null && seconds > PAPER_SIZED_SECONDS && cpuRecipe !== undefined;
  return [
    describeWork(work),
    `estimate on this machine: ${time} (the teacher step timed at ${framesPerSecond.toFixed(1)} frames/s, batch ${batch}, ${backend.split(';')[0]}, ${engine.name} engine; the student stage is faster, a busy machine slower)`,
    ...(paperSized ? [`this recipe is sized for a GPU; ${cpuRecipe} trains the same data on a CPU (vadc render ${cpuRecipe} --estimate)`] : []),
  ];
}

/** The CPU-sized variant beside a recipe (`avenue.yaml` -> `avenue-cpu.yaml` in the same folder), if there is one. */
export async function cpuSizedSibling(recipe: string): Promise<string | undefined> {
  const extension = extname(recipe);
  const sibling = join(dirname(recipe), `${basename(recipe, extension)}-cpu${extension}`);
  return access(sibling).then(() => sibling, () => undefined);
}

/**
 * The estimate for a command that has not selected a backend yet (`vadc render --estimate`): the recipe's own
 * backend, and its runtime.engine resolved as `vadc run` resolves it, so the step is timed on what a run would use.
 */
export async function estimateWithRecipeBackend(plan: Plan, cpuRecipe?: string): Promise<string[]> {
  const engine = await resolveEngine(plan, null, null, null);
  const backend = await selectBackend(plan.runtime.backend, { threads: plan.runtime.threads });
  return estimateLines(plan, describeBackend(backend), createEngine(engine.engine), cpuRecipe);
}
