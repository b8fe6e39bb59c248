// Gathers what report.html shows from a finished run: the run record, metrics.json, per-video scores, curves,
// the training log, and for a few chosen frames the input, reconstructions and maps (one extra forward pass each).
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { operatingPoint, smoothLive, smoothScores } from '@vadc/metrics';
import { frameScores } from '../score/components.ts';
import { inferBatch } from '../model/inference.ts';
import { type DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { type MaskedAutoencoder } from '../model/autoencoder.ts';
import { type VideoScores } from '../score/score-video.ts';
import { chooseDecisionFrames, chooseFrames, trainingCurvesFromLog } from '../report/report-inputs.ts';
import { renderReport } from '../report/render-report.ts';
import { perMetric } from '../score/metrics-result.ts';
import { type ReportData, type ReportDecisions, type ReportFrame, type ReportMetrics, type ReportVideo, type ReportVideoRow } from '../report/types.ts';
import { describeCalibration, readCalibration, type CalibrationRecord } from '../detect/calibration-file.ts';
import { percentile } from '../detect/draw-frames.ts';
import { planSmoothing, scaleBox, type RunMetrics } from '../score/evaluate.ts';
import { decisionSmoothing } from '../detect/score-input.ts';
import { describeFingerprint } from '../run-folder/dataset-fingerprint.ts';
import type { RunSpeed } from './run-speed.ts';
import type { RunFolder } from '../run-folder/run-folder.ts';
import { readTrainLog } from '../run-folder/train-log.ts';
import { reportValidation, type ValidationSummary } from './validation.ts';

/** What buildReport needs. */
export interface ReportInputs {
  run: RunFolder;
  plan: Plan;
  videos: readonly VideoScores[];
  metrics: RunMetrics & { speed: RunSpeed; validation?: ValidationSummary };
  model: MaskedAutoencoder;
  pipeline: DataPipeline;
  /** Frames shown with reconstructions (default 3). */
  frameCount?: number;
}

function reportVideos(videos: readonly VideoScores[], plan: Plan, metrics: RunMetrics): ReportVideo[] {
  const smoothing = planSmoothing(plan);
  return videos.map((video) => {
    const raw = frameScores(video);
    const { teacher, discrepancy, anomalyMap, classifier } = video.components;
    return {
      name: video.name,
      scores: smoothing ? smoothScores(raw, smoothing) : raw,
      components: { teacher, discrepancy, anomalyMap, ...(classifier ? { classifier } : {}) },
      ...(video.truth ? { labels: video.truth.labels } : {}),
      auc: metrics.per_video.find((entry) => entry.name === video.name)?.auc_padded ?? null,
    };
  });
}

// [-1, 1] RGB floats (channels 0..2 of `channels`) -> RGB bytes.
function rgbImage(values: Float32Array, offset: number, channels: number, pixels: number, width: number, height: number) {
  const rgb = new Uint8Array(pixels * 3);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let c = 0; c < 3; c++) rgb[pixel * 3 + c] = Math.max(0, Math.min(255, Math.round(((values[offset + pixel * channels + c] ?? 0) + 1) * 127.5)));
  }
  return { width, height, rgb };
}

// A patch-level map [rows, cols] of one frame as a heat map at model resolution.
function patchHeatMap(values: Float32Array, offset: number, rows: number, cols: number, patch: number) {
  const width = cols * patch;
  const height = rows * patch;
  const heat = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) heat[y * width + x] = values[offset + Math.floor(y / patch) * cols + Math.floor(x / patch)] ?? 0;
  return { width, height, values: heat };
}

// `decided`: the videos with the scores decisions use (the live smoothing), for the frames at the calibrated threshold.
async function reportFrames(inputs: ReportInputs, videos: ReportVideo[], decided: ReportVideo[], threshold: number | null): Promise<ReportFrame[]> {
  const { plan, model, pipeline } = inputs;
  const [height, width] = plan.data.size;
  // The best detections, and at the calibrated threshold the worst false alarm and the worst miss beside them.
  const chosen: Array<{ video: string; frame: number; score: number; kind?: string }> = [
    ...chooseFrames(videos, inputs.frameCount ?? 3).map((choice) => ({ ...choice, kind: threshold === null ? undefined : 'best detection' })),
    ...(threshold === null ? [] : chooseDecisionFrames(decided, threshold)),
  ];
  const frames: ReportFrame[] = [];
  const testVideos = pipeline.testVideos('test');
  for (const choice of chosen) {
    const video = testVideos.find((candidate) => candidate.name === choice.video);
    const scored = inputs.videos.find((candidate) => candidate.name === choice.video);
    if (!video || !scored) continue;
    for await (const batch of video.batches(plan.scoring.batch)) {
      const index = batch.frames.indexOf(choice.frame);
      if (index < 0) continue;
      const outputs = inferBatch(model, batch, { reconstructions: true });
      const channels = model.frameChannels + model.anomalyChannels;
      const pixels = width * height;
      const inputChannels = 3 * plan.data.context.length;
      const current = 3 * plan.data.context.indexOf(0);
      const tokens = outputs.rows * outputs.cols;
      const truth = scored.truth;
      const boxes = (truth?.regions?.get(choice.frame) ?? []).map((region) => scaleBox(region.box, height / truth!.resolution[0], width / truth!.resolution[1]));
      frames.push({
        video: video.name, frame: choice.frame, width, height, score: choice.score, boxes, ...(choice.kind ? { kind: choice.kind } : {}),
        input: rgbImage(batch.input, index * pixels * inputChannels + current, inputChannels, pixels, width, height),
        ...(outputs.teacher ? { teacher: rgbImage(outputs.teacher, index * pixels * channels, channels, pixels, width, height) } : {}),
        ...(outputs.student ? { student: rgbImage(outputs.student, index * pixels * channels, channels, pixels, width, height) } : {}),
        ...(outputs.anomalyMap ? { anomalyMap: { ...patchHeatMap(outputs.anomalyMap, index * tokens, outputs.rows, outputs.cols, plan.model.patch), range: [0, 1] as [number, number] } } : {}),
        discrepancy: patchHeatMap(outputs.discrepancy[plan.scoring.errors.discrepancy], index * tokens, outputs.rows, outputs.cols, plan.model.patch),
      });
      break;
    }
  }
  return frames;
}

// An engine with the version that computed it.
function engineText(engine: 'tfjs' | 'onnx', versions: Record<string, string>): string {
  return engine === 'onnx' ? `onnx (onnxruntime-node ${versions['onnxruntime-node'] ?? 'version not recorded'})` : `tfjs (@tensorflow/tfjs-core ${versions['@tensorflow/tfjs-core'] ?? 'version not recorded'})`;
}

// The per-video table's rows: metrics.json's AUCs with each video's frames and anomalous share.
function perVideoRows(videos: readonly VideoScores[], metrics: RunMetrics): ReportVideoRow[] {
  return metrics.per_video.map((entry) => {
    const labels = videos.find((video) => video.name === entry.name)?.truth?.labels ?? [];
    return {
      name: entry.name, frames: entry.frames, aucPadded: entry.auc_padded, aucClean: entry.auc_clean,
      anomalousShare: labels.length > 0 ? labels.filter((label) => label > 0).length / labels.length : null,
    };
  });
}

/** Score quantiles shown beside the calibrated threshold (chosen without labels). */
const THRESHOLD_QUANTILES = [0.5, 0.9, 0.95, 0.99];

// The operating points on the labelled test videos' scores smoothed as decisions are (the live smoothing the
// threshold was calibrated on; the plots show the official smoothing): the calibrated threshold, then score quantiles.
function decisionsView(videos: readonly VideoScores[], plan: Plan, calibration: CalibrationRecord | null): ReportDecisions | undefined {
  const live = decisionSmoothing(plan);
  const labelled = videos.flatMap((video) => (video.truth ? [{ labels: video.truth.labels, scores: smoothLive(frameScores(video), live) }] : []));
  if (labelled.length === 0) return undefined;
  const fps = calibration?.fps ?? 25;
  const all = Float32Array.from(labelled.flatMap((video) => Array.from(video.scores)));
  const thresholds: Array<[string, number]> = [
    ...(calibration ? [['calibrated', calibration.threshold] as [string, number]] : []),
    ...THRESHOLD_QUANTILES.map((q) => [`${100 * q}th percentile of test scores`, percentile(all, q)] as [string, number]),
  ];
  return {
    calibration: calibration === null ? null : describeCalibration(calibration), fps,
    points: thresholds.map(([label, threshold]) => ({ label, ...operatingPoint(labelled, threshold, fps) })),
  };
}

/** Renders report.html for a finished run. */
export async function buildReport(inputs: ReportInputs): Promise<string> {
  const { run, plan, metrics } = inputs;
  const videos = reportVideos(inputs.videos, plan, metrics);
  const reportMetrics: ReportMetrics = perMetric((name) => ({ value: metrics[name], variant: metrics.variants[name] ?? '' }));
  const localization = metrics.curves.localization;
  const { record } = run;
  const calibration = await readCalibration(run.directory);
  const data: ReportData = {
    perVideo: perVideoRows(inputs.videos, metrics),
    decisions: decisionsView(inputs.videos, plan, calibration),
    run: {
      recipeName: plan.name, runId: record.id, planHash: record.hash, backend: record.backend ?? 'unknown',
      ...(record.datasetFingerprint ? { datasetFingerprint: describeFingerprint(record.datasetFingerprint) } : {}),
      threads: metrics.speed.threads, seed: plan.runtime.seed, vadcVersion: record.machine.vadc, date: record.created,
      machine: { cpuModel: record.machine.cpu, cores: record.machine.cores, memoryGiB: record.machine.memoryGiB, platform: record.machine.platform },
      timings: Object.entries(record.timings).map(([step, seconds]) => ({ step, seconds })),
      dataset: plan.data.dataset, versions: { node: record.machine.node, ...record.machine.dependencies },
    },
    metrics: reportMetrics,
    videos,
    ...(metrics.curves.roc ? { roc: { micro: metrics.curves.roc } } : {}),
    ...(localization ? {
      detectionCurves: {
        rbdc: { falsePositivesPerFrame: localization.false_positives_per_frame, detectionRate: localization.region_detection_rate },
        tbdc: { falsePositivesPerFrame: localization.false_positives_per_frame, detectionRate: localization.track_detection_rate },
      },
    } : {}),
    frames: await reportFrames(inputs, videos, videos.map((video, index) => ({ ...video, scores: smoothLive(frameScores(inputs.videos[index]!), decisionSmoothing(plan)) })), calibration?.threshold ?? null),
    speed: {
      backend: metrics.speed.backend, threads: metrics.speed.threads,
      trainEngine: engineText(metrics.speed.train_engine, record.machine.dependencies),
      scoringEngine: metrics.speed.engine === 'onnx' ? engineText('onnx', record.machine.dependencies) : `tfjs on ${record.backend ?? metrics.speed.backend}`,
      ...(metrics.speed.train_fps !== null && metrics.speed.train_batch !== null ? { training: { framesPerSecond: metrics.speed.train_fps, batch: metrics.speed.train_batch } } : {}),
      ...(metrics.speed.infer_fps !== null ? { inference: { framesPerSecond: metrics.speed.infer_fps, batch: metrics.speed.infer_batch } } : {}),
    },
    ...(metrics.validation ? { validation: reportValidation(metrics.validation, plan) } : {}),
    training: trainingCurvesFromLog(await readTrainLog(join(run.directory, 'train.jsonl')) as unknown as Iterable<Record<string, unknown> & { stage: string; step: number }>),
  };
  return renderReport(data);
}
