// Validation without test labels (plan.validation): after every `every` epochs (and each stage's last), the
// held-out training videos with pasted synthetic anomalies are scored with the same code as the test split
// (scoreVideo, then evaluateRun for frame AUC micro / macro and pixel AUC), logged to train.jsonl as a
// `"type": "validation"` line, and, with `selection: best`, the weights of the best epoch so far are written to
// checkpoints/best.ckpt (atomically, by the checkpoint writer) and named in run.json before model.ckpt moves on.
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { assignWeights, loadCheckpoint, saveCheckpoint } from '../train/state.ts';
import { scoreVideo, type BatchInference, type VideoScores } from '../score/score-video.ts';
import { type DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { type EpochReport } from '../train/train-stage.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { type TestVideo } from '../data/types.ts';
import type { CommandIO } from '../run-io.ts';
import type { ReportValidation } from '../report/types.ts';
import { evaluateRun, type RunMetrics } from '../score/evaluate.ts';
import { BEST_CHECKPOINT, selectedCheckpointPath, type RunFolder, type SelectionRecord } from '../run-folder/run-folder.ts';
import { saveRunRecord } from '../run-folder/run-state.ts';
import { PatchComponentCollector, writeComponents } from '../run-folder/sweep-components.ts';
import { readTrainLog, type TrainLog, type ValidationLogRecord } from '../run-folder/train-log.ts';

/** What validation computes on the held-out split, always (whatever plan.eval.metrics asks of the test split). */
const VALIDATION_METRICS: Plan['eval']['metrics'] = ['micro_auc', 'macro_auc', 'pixel_auc'];

/** An inference engine bound to the model's current weights, and what releases it. */
export type InferenceFactory = () => Promise<{ infer: BatchInference; release: () => Promise<void> }>;

/** The validation section of metrics.json. */
export interface ValidationSummary {
  metric: string;
  selection: 'last' | 'best';
  /** Held-out training videos (never trained on). */
  held_out: string[];
  frames: number;
  anomalous_frames: number;
  /** The epoch the run scored the test split with. */
  selected: SelectionRecord | null;
  /** One point per validated epoch, in training order. */
  curve: Array<Omit<ValidationLogRecord, 'type' | 'time' | 'seconds' | 'metric' | 'value'>>;
  variant: string;
}

/** Frame AUCs and pixel AUC of scored held-out videos: evaluateRun, the test split's code, with these metrics. */
export function evaluateValidation(videos: readonly VideoScores[], plan: Plan): Pick<RunMetrics, 'micro_auc' | 'macro_auc' | 'pixel_auc'> {
  const metrics = evaluateRun(videos, { ...plan, eval: { ...plan.eval, metrics: VALIDATION_METRICS } });
  return { micro_auc: metrics.micro_auc, macro_auc: metrics.macro_auc, pixel_auc: metrics.pixel_auc };
}

/** Scores the held-out videos with `infer` (no progress bar: the split is small); `collector` keeps their patch maps. */
export async function scoreValidationVideos(videos: readonly TestVideo[], plan: Plan, infer: BatchInference, collector?: PatchComponentCollector): Promise<VideoScores[]> {
  const scores: VideoScores[] = [];
  for (const video of videos) scores.push(await scoreVideo(video, plan, infer, { onBatch: (outputs) => collector?.add(video.name, video.frameCount, outputs) }));
  return scores;
}

/** Runs validation during training for one run; null from create() when the plan has none. */
export class Validator {
  private constructor(
    private readonly run: RunFolder,
    private readonly plan: Plan & { validation: NonNullable<Plan['validation']> },
    private readonly videos: TestVideo[],
    private readonly model: MaskedAutoencoder,
    private readonly inference: InferenceFactory,
    private readonly log: TrainLog,
    private readonly io: CommandIO,
  ) {}

  /** A validator of the run's held-out videos (pasted once, here), or null without plan.validation. */
  static async create(run: RunFolder, plan: Plan, pipeline: DataPipeline, model: MaskedAutoencoder, inference: InferenceFactory, log: TrainLog, io: CommandIO): Promise<Validator | null> {
    const validation = plan.validation ?? null;
    if (validation === null) return null;
    const videos = await pipeline.heldOutVideos();
    const anomalous = videos.reduce((sum, video) => sum + (video.truth?.labels.filter((label) => label === 1).length ?? 0), 0);
    const frames = videos.reduce((sum, video) => sum + video.frameCount, 0);
    io.stdout(`validation: ${videos.length} held-out training video${videos.length === 1 ? '' : 's'} (${videos.map((video) => video.name).join(', ')}), ${frames} frames, ${anomalous} with pasted ${validation.generator ?? plan.synthetic_anomalies.generator} anomalies; ${validation.metric} every ${validation.every} epoch${validation.every === 1 ? '' : 's'}, selection ${validation.selection}\n`);
    return new Validator(run, { ...plan, validation }, videos, model, inference, log, io);
  }

  /** Validates after an epoch when it is due (every `every` epochs of a stage, and its last); keeps the best. */
  async afterEpoch(report: EpochReport): Promise<void> {
    const { every, metric, selection } = this.plan.validation;
    if ((report.epoch + 1) % every !== 0 && !report.last) return;
    const start = performance.now();
    const { infer, release } = await this.inference();
    let scores: VideoScores[];
    try {
      scores = await scoreValidationVideos(this.videos, this.plan, infer);
    } finally {
      await release();
    }
    const values = evaluateValidation(scores, this.plan);
    const value = values[metric];
    const seconds = (performance.now() - start) / 1000;
    this.run.record.timings.validate = (this.run.record.timings.validate ?? 0) + seconds;
    this.log.add({ type: 'validation', stage: report.stage, stage_index: report.stageIndex, epoch: report.epoch, step: report.step, ...values, metric, value, seconds, time: new Date().toISOString() });
    await this.log.flush();
    const text = (name: keyof typeof values) => `${name} ${values[name]?.toFixed(4) ?? 'n/a'}`;
    this.io.stdout(`validation ${report.stage} epoch ${report.epoch + 1}: ${text('micro_auc')}, ${text('macro_auc')}, ${text('pixel_auc')}\n`);

    const current = this.run.record.selection ?? null;
    const better = current === null || current.mode !== selection || (value !== null && (current.value === null || value > current.value));
    if (selection === 'last' || better) {
      const checkpoint = selection === 'best' ? BEST_CHECKPOINT : join('checkpoints', 'model.ckpt');
      // The best weights go to disk before run.json names them, so run.json never names weights that are not there.
      if (selection === 'best') await saveCheckpoint(join(this.run.directory, BEST_CHECKPOINT), this.model);
      this.run.record.selection = { mode: selection, metric, stage: report.stage, epoch: report.epoch, value, checkpoint };
    }
    await saveRunRecord(this.run);
  }
}

/** The held-out split's stored components (components.bin's format), so `vadc sweep` validates scoring-only cells. */
export const VALIDATION_COMPONENTS_FILE = 'validation-components.bin';

/**
 * Scores the held-out split once more with the weights the run kept and stores its components beside
 * components.bin; nothing without plan.validation.
 */
export async function writeValidationComponents(run: RunFolder, plan: Plan, pipeline: DataPipeline, inference: InferenceFactory): Promise<void> {
  if (plan.validation == null) return;
  const videos = await pipeline.heldOutVideos();
  const collector = new PatchComponentCollector(plan.scoring.errors);
  const { infer, release } = await inference();
  let scores: VideoScores[];
  try {
    scores = await scoreValidationVideos(videos, plan, infer, collector);
  } finally {
    await release();
  }
  await writeComponents(join(run.directory, VALIDATION_COMPONENTS_FILE), scores, collector, plan.scoring.errors);
}

/** After training: under `selection: best`, loads the best epoch's weights into `model` and says which epoch it is. */
export async function restoreSelectedEpoch(run: RunFolder, plan: Plan, model: MaskedAutoencoder, io: CommandIO): Promise<void> {
  const selection = run.record.selection ?? null;
  if (plan.validation == null || selection === null) return;
  if (selection.mode === 'best') assignWeights(model, (await loadCheckpoint(selectedCheckpointPath(run, plan))).weights);
  io.stdout(`selection ${selection.mode}: ${selection.stage} epoch ${selection.epoch + 1} (validation ${selection.metric} ${selection.value?.toFixed(4) ?? 'n/a'}, ${selection.checkpoint})\n`);
}

/** The report's validation curve from metrics.json's validation section (x: epochs trained over all stages). */
export function reportValidation(summary: ValidationSummary, plan: Plan): ReportValidation {
  const before = (stageIndex: number) => plan.stages.slice(0, stageIndex).reduce((sum, stage) => sum + stage.epochs, 0);
  const selected = summary.selected;
  return {
    metric: summary.metric, selection: summary.selection, note: `Validation split: ${summary.held_out.length} ${summary.variant} (${summary.frames} frames, ${summary.anomalous_frames} anomalous).`,
    points: summary.curve.map((point) => ({
      label: `${point.stage} ${point.epoch + 1}`, epoch: before(point.stage_index) + point.epoch + 1,
      micro_auc: point.micro_auc, macro_auc: point.macro_auc, pixel_auc: point.pixel_auc,
      selected: selected !== null && selected.stage === point.stage && selected.epoch === point.epoch,
    })),
  };
}

/** metrics.json's validation section, from train.jsonl's validation lines and run.json; null without validation. */
export async function validationSummary(run: RunFolder, plan: Plan, pipeline: DataPipeline): Promise<ValidationSummary | null> {
  const validation = plan.validation ?? null;
  if (validation === null) return null;
  const records = (await readTrainLog(join(run.directory, 'train.jsonl')) as unknown as Array<Partial<ValidationLogRecord>>)
    .filter((record): record is ValidationLogRecord => record.type === 'validation');
  const videos = await pipeline.heldOutVideos();
  return {
    metric: validation.metric,
    selection: validation.selection,
    held_out: videos.map((video) => video.name),
    frames: videos.reduce((sum, video) => sum + video.frameCount, 0),
    anomalous_frames: videos.reduce((sum, video) => sum + (video.truth?.labels.filter((label) => label === 1).length ?? 0), 0),
    selected: run.record.selection ?? null,
    curve: records.map(({ stage, stage_index, epoch, step, micro_auc, macro_auc, pixel_auc }) => ({ stage, stage_index, epoch, step, micro_auc, macro_auc, pixel_auc })),
    variant: `held-out training videos with ${validation.generator ?? plan.synthetic_anomalies.generator} anomalies pasted in (validation.seed ${validation.seed}); frame AUCs with the test split's scoring and smoothing, pixel AUC at model resolution`,
  };
}
