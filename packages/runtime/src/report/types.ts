// What a run report shows: the contract between `vadc run` / `vadc eval` (which gather it) and renderReport (which
// turns it into one self-contained report.html). Only `run` and `metrics` are required; every other section may be
// absent and then renders as a short "not available" note.
// Per-frame arrays accept plain arrays or typed arrays (the runtime hands over Float32Array), hence ArrayLike.

import type { OperatingPoint } from '@vadc/metrics';

import { RESULT_METRIC_NAMES, type ResultMetricName } from '../score/metrics-result.ts';

/** The metric keys of metrics.json, in the order the report's table lists them (the one list: metrics-result.ts). */
export const REPORT_METRIC_NAMES = RESULT_METRIC_NAMES;

/** A metric key of metrics.json. */
export type ReportMetricName = ResultMetricName;

/** One metric's value and which variant of it the number is. */
export interface ReportMetric {
  /** In [0, 1]; null when the metric was not computed (e.g. RBDC on a dataset without region ground truth). */
  value: number | null;
  /**
   * Which variant the number is, in words, e.g. "micro frame AUC, official AED-MAE protocol (Gaussian smoothing
   * range 38 sigma 11)" or "macro AUC, padded (official)".
   */
  variant: string;
}

/** The metrics table. `macro_auc_clean` (macro AUC without the official padding frames) is optional. */
export type ReportMetrics = { [Name in Exclude<ReportMetricName, 'macro_auc_clean'>]: ReportMetric } & {
  macro_auc_clean?: ReportMetric;
};

/** The machine a run ran on. */
export interface ReportMachine {
  /** e.g. "AMD EPYC 7B13" (os.cpus()[0].model). */
  cpuModel: string;
  /** Logical cores (os.cpus().length). */
  cores: number;
  /** Total memory in GiB, when known. */
  memoryGiB?: number;
  /** e.g. "linux x64, Node 20.20.0". */
  platform?: string;
}

/** How long one step of the run took. */
export interface ReportStepTiming {
  /** e.g. "prepare data", "train: pretrain", "score test split", "evaluate". */
  step: string;
  seconds: number;
}

/** Who, what and where: the facts that make a run reproducible. */
export interface ReportRun {
  recipeName: string;
  runId: string;
  /** Hash of the resolved Plan (hex). */
  planHash: string;
  /** The dataset fingerprint: its digest and what it covers (absent in reports of runs made before it existed). */
  datasetFingerprint?: string;
  /** TF.js backend name, e.g. "cpu" or "wasm". */
  backend: string;
  /** Backend threads, when the backend has them (wasm). */
  threads?: number | null;
  seed: number;
  vadcVersion: string;
  /** When the run started, ISO 8601. Rendered verbatim (the report does not reformat dates, so it is reproducible). */
  date: string;
  machine: ReportMachine;
  /** Wall time per step, in the order the steps ran. */
  timings: ReportStepTiming[];
  /** The dataset the run was trained and evaluated on, e.g. "ucsd-ped2". */
  dataset?: string;
  /** Dependency versions worth recording, e.g. { "@tensorflow/tfjs-core": "4.22.0" }. */
  versions?: Record<string, string>;
}

/** The per-frame score components of AED-MAE's final score (one value per frame each, before weighting). */
export interface ReportScoreComponents {
  /** Teacher reconstruction error. */
  teacher: ArrayLike<number>;
  /** Teacher-student discrepancy. */
  discrepancy: ArrayLike<number>;
  /** Student's anomaly-map head. */
  anomalyMap: ArrayLike<number>;
  /** Frame-level classifier head, when the recipe has one. */
  classifier?: ArrayLike<number>;
}

/** The scores of one test video. */
export interface ReportVideo {
  name: string;
  /** Final per-frame anomaly score (after the recipe's weighting and smoothing), one per frame. */
  scores: ArrayLike<number>;
  components?: ReportScoreComponents;
  /** Ground truth, one 0/1 label per frame; abnormal intervals are shaded. */
  labels?: ArrayLike<number>;
  /** This video's frame AUC, when computed (null when the video has a single class). */
  auc?: number | null;
}

/** A curve as two equally long arrays. */
export interface ReportRocCurve {
  /** False positive rate, in [0, 1], non-decreasing. */
  fpr: ArrayLike<number>;
  /** True positive rate, in [0, 1]. */
  tpr: ArrayLike<number>;
}

/** ROC curves: over all frames together (micro) and, optionally, per video. */
export interface ReportRocCurves {
  micro?: ReportRocCurve;
  perVideo?: Array<{ video: string; curve: ReportRocCurve }>;
}

/** A region- or track-based detection curve, swept over the score threshold. */
export interface ReportDetectionCurve {
  /** False positive regions per frame (over all test frames), non-decreasing. RBDC / TBDC integrate it over [0, 1]. */
  falsePositivesPerFrame: ArrayLike<number>;
  /** Region (RBDC) or track (TBDC) detection rate, in [0, 1]. */
  detectionRate: ArrayLike<number>;
}

/** RBDC and TBDC curves (Ramachandra & Jones, WACV 2020). */
export interface ReportDetectionCurves {
  rbdc?: ReportDetectionCurve;
  tbdc?: ReportDetectionCurve;
}

/** Interleaved 8-bit RGB, row-major, `rgb.length === width * height * 3`. */
export interface ReportRgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** 8-bit grayscale, row-major, `gray.length === width * height`. */
export interface ReportGrayImage {
  width: number;
  height: number;
  gray: Uint8Array;
}

/** A float map (anomaly map, discrepancy map) drawn with a colour map. `values.length === width * height`. */
export interface ReportHeatMap {
  width: number;
  height: number;
  values: ArrayLike<number>;
  /** Values mapped to the ends of the colour map; default: the map's own min and max. */
  range?: [number, number];
}

/** An image for a frame panel; the report encodes it as an inline PNG. */
export type ReportImage = ReportRgbImage | ReportGrayImage | ReportHeatMap;

/** An inclusive box [x1, y1, x2, y2] in the chosen frame's pixel coordinates (as in the dataset's ground truth). */
export type ReportBox = [number, number, number, number];

/** One frame shown side by side: input, reconstructions, maps, with the ground-truth regions drawn. */
export interface ReportFrame {
  video: string;
  /** 0-based frame index within the video. */
  frame: number;
  /** Frame size that `boxes` refer to; each panel scales the boxes to its own image. */
  width: number;
  height: number;
  /** Final score of this frame, shown in the caption. */
  score?: number;
  /** Why it is shown, e.g. "best detection", "false alarm", "miss" (at the calibrated threshold). */
  kind?: string;
  /** Ground-truth abnormal regions, inclusive [x1, y1, x2, y2]. */
  boxes?: ReportBox[];
  input?: ReportImage;
  teacher?: ReportImage;
  student?: ReportImage;
  anomalyMap?: ReportImage;
  discrepancy?: ReportImage;
}

/** One swept key: a metric against each value tried (the paper's alpha / beta / gamma plot). */
export interface ReportSweep {
  /** Recipe key, e.g. "score.weights.alpha". */
  key: string;
  /** The metric on the y axis. */
  metric: ReportMetricName;
  points: Array<{ value: number | string; metric: number | null }>;
}

/** Throughput of one phase. */
export interface ReportPhaseSpeed {
  framesPerSecond: number;
  batch: number;
}

/** Training and inference throughput on the backend used. */
export interface ReportSpeed {
  backend: string;
  threads?: number | null;
  /** What computed the training gradients, e.g. "onnx (onnxruntime-node 1.30.0)". */
  trainEngine?: string;
  /** What scored the test split, e.g. "tfjs on wasm". */
  scoringEngine?: string;
  training?: ReportPhaseSpeed;
  inference?: ReportPhaseSpeed;
}

/** One logged quantity of one training stage, from train.jsonl. */
export interface ReportTrainingCurve {
  /** Stage name from the recipe, e.g. "pretrain" or "distill". */
  stage: string;
  /** Logged quantity, e.g. "loss" or "loss.anomaly_map". */
  name: string;
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** The validation curve: metrics of the held-out split (pasted synthetic anomalies) per validated epoch. */
export interface ReportValidation {
  /** The metric selection ranks by. */
  metric: string;
  selection: 'last' | 'best';
  /** What the split is, in words. */
  note: string;
  points: Array<{
    /** e.g. "teacher 3" (stage and 1-based epoch). */
    label: string;
    /** Epochs trained so far over all stages (the x axis). */
    epoch: number;
    micro_auc: number | null;
    macro_auc: number | null;
    pixel_auc: number | null;
    /** The epoch whose weights the run scored the test split with. */
    selected: boolean;
  }>;
}

/** One test video's row of the per-video table. */
export interface ReportVideoRow {
  name: string;
  frames: number;
  /** Share of frames labelled abnormal. */
  anomalousShare: number | null;
  /** Padded (official) and clean (unpadded; null for a video with one class) frame AUC. */
  aucPadded: number | null;
  aucClean: number | null;
}

/** What one threshold does on the test split (@vadc/metrics operatingPoint), and where the threshold comes from, e.g. "calibrated". */
export type ReportOperatingPoint = OperatingPoint & { label: string };

/** The operating-point view: the calibrated threshold (when the run has one) beside score quantiles. */
export interface ReportDecisions {
  /** How the calibrated threshold was chosen, or null when the run has no calibration. */
  calibration: string | null;
  fps: number;
  points: ReportOperatingPoint[];
}

/** Everything report.html shows. Only `run` and `metrics` are required. */
export interface ReportData {
  perVideo?: ReportVideoRow[];
  decisions?: ReportDecisions;
  run: ReportRun;
  metrics: ReportMetrics;
  videos?: ReportVideo[];
  roc?: ReportRocCurves;
  detectionCurves?: ReportDetectionCurves;
  frames?: ReportFrame[];
  sweep?: ReportSweep[];
  speed?: ReportSpeed;
  training?: ReportTrainingCurve[];
  validation?: ReportValidation;
}
