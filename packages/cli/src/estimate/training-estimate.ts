// What a recipe costs: the training work it asks for (epochs x frames per epoch, per stage) and, from a short timing
// of the teacher stage's training step on this machine (the bench code, one step after a warm-up), about how
// long that takes. `vadc run` / `vadc train` print it before training; `vadc render` prints the work, and the time
// with --estimate. An estimate: the student stage trains faster than the teacher step timed here (an upper bound
// for it), batches above 32 run a little more frames/s than timed, and a busy machine runs slower.
import { planOnEngine, resolveEngine } from '../run/engine-choice.ts';
import type { Plan } from '@vadc/dsl';
import { describeBackend, selectBackend } from '@vadc/runtime';
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

/** The frames each stage trains on (steps_per_epoch x batch where set, else the training split per epoch). */
export function trainingWork(plan: Plan): TrainingWork {
  const synthetic = plan.data.synthetic;
  const known = KNOWN_TRAINING_FRAMES[plan.data.dataset];
  const framesPerEpoch = synthetic !== null ? synthetic.train_videos * synthetic.frames : known ?? null;
  const base = synthetic !== null ? `${synthetic.train_videos} generated videos x ${synthetic.frames} frames` : known !== undefined ? `${plan.data.dataset}'s ${known.toLocaleString('en')} training frames` : 'unknown until the data is read';
  // The held-out validation videos are drawn from the data, so their frames are known only once it is read: the
  // figures are then an upper bound, and the line says so.
  const holdOut = plan.validation?.hold_out;
  const heldOut = holdOut === undefined ? ''
    : Array.isArray(holdOut) ? `, less the ${holdOut.length} held-out validation video${holdOut.length === 1 ? '' : 's'}`
    : holdOut < 1 ? `, less the ${holdOut} share held out for validation` : `, less the ${holdOut} held-out validation video${holdOut === 1 ? '' : 's'}`;
  const source = framesPerEpoch === null ? base : `${base}${heldOut}`;
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
export async function estimateTrainingTime(plan: Plan): Promise<{ work: TrainingWork; framesPerSecond: number; batch: number; seconds: number | null }> {
  const work = trainingWork(plan);
  const teacher = plan.stages.find((stage) => stage.loss === 'reconstruction') ?? plan.stages[0];
  // 32 frames of 128x224 at most per timed step (4 at the paper's 320x640), so the timing stays short.
  const [height, width] = plan.data.size;
  const batch = Math.max(1, Math.min(teacher?.batch ?? 32, 32, Math.floor((32 * 128 * 224) / (height * width))));
  // onnxruntime's first steps of a new graph grow its memory arena, and V8 compiles the JS side over the first few:
  // timed after one warm-up step, the Ped2 recipe's step ran at 43 frames/s where its training then ran at 150.
  const timing = await benchTrainingStep(plan, batch, plan.runtime.engine === 'onnx' ? { warmup: 3, repeats: 1, steps: 2 } : { warmup: 1, repeats: 1, steps: 1 });
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

/** The estimate as log lines (the work, then the timed duration). */
export async function estimateLines(plan: Plan, backend: string): Promise<string[]> {
  const { work, framesPerSecond, batch, seconds } = await estimateTrainingTime(plan);
  const time = seconds === null ? 'a duration once the number of training frames is known' : `about ${formatDuration(seconds)}`;
  return [
    describeWork(work),
    `estimate on this machine: ${time} (the teacher step timed at ${framesPerSecond.toFixed(1)} frames/s, batch ${batch}, ${backend.split(';')[0]}, ${plan.runtime.engine} engine; the student stage is faster, a busy machine slower)`,
  ];
}

/**
 * The estimate for a command that has not selected a backend yet (`vadc render --estimate`): the recipe's own
 * backend, and its runtime.engine resolved as `vadc run` resolves it, so the step is timed on what a run would use.
 */
export async function estimateWithRecipeBackend(plan: Plan): Promise<string[]> {
  const engine = await resolveEngine(plan, null, null, null);
  const backend = await selectBackend(plan.runtime.backend, { threads: plan.runtime.threads });
  return estimateLines(planOnEngine(plan, engine), describeBackend(backend));
}
