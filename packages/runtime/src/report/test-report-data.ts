// A small, deterministic ReportData with every section filled, for the report's unit and browser tests.
// Excluded from the build (tsconfig.build.json drops src/**/test-*.ts).
import type { ReportFrame, ReportHeatMap, ReportData, ReportRgbImage, ReportVideo } from './types.ts';

/** A tiny linear congruential generator, so the fixture is the same on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function video(name: string, frameCount: number, abnormal: Array<[number, number]>, seed: number): ReportVideo {
  const random = generator(seed);
  const labels = Array.from({ length: frameCount }, (_, i) => (abnormal.some(([a, b]) => i >= a && i <= b) ? 1 : 0));
  const base = labels.map((label, i) => 0.2 + 0.05 * Math.sin(i / 6) + 0.5 * label + 0.1 * random());
  return {
    name,
    scores: Float32Array.from(base),
    labels,
    components: {
      teacher: base.map((value) => 40 * value + 3),
      discrepancy: base.map((value, i) => 0.01 * value + 0.001 * Math.cos(i / 3)),
      anomalyMap: base.map((value) => value * value),
    },
    auc: 0.5 + seed / 100,
  };
}

function rgbImage(width: number, height: number, shift: number): ReportRgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = (x * 5 + shift) & 255;
      rgb[i + 1] = (y * 7) & 255;
      rgb[i + 2] = 128;
    }
  }
  return { width, height, rgb };
}

function heatMap(width: number, height: number, centreX: number, centreY: number): ReportHeatMap {
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) values[y * width + x] = Math.exp(-((x - centreX) ** 2 + (y - centreY) ** 2) / 20);
  }
  return { width, height, values };
}

function chosenFrame(videoName: string, frame: number, score: number): ReportFrame {
  return {
    video: videoName,
    frame,
    width: 48,
    height: 32,
    score,
    boxes: [[20, 10, 29, 21]],
    input: rgbImage(48, 32, 0),
    teacher: { width: 48, height: 32, gray: Uint8Array.from({ length: 48 * 32 }, (_, i) => i % 256) },
    student: rgbImage(48, 32, 60),
    anomalyMap: heatMap(24, 16, 12, 8),
    discrepancy: heatMap(24, 16, 11, 7),
  };
}

/** A ReportData with every section present: 2 videos, ROC, RBDC / TBDC, 2 chosen frames, a sweep, speed, training. */
export function testReportData(): ReportData {
  const fpr = Array.from({ length: 21 }, (_, i) => i / 20);
  const fpPerFrame = Array.from({ length: 31 }, (_, i) => i / 10);
  return {
    run: {
      recipeName: 'quickstart',
      runId: '20261128-150500',
      planHash: '9f2c1a7be04d5e3f',
      backend: 'wasm',
      threads: 2,
      seed: 7,
      vadcVersion: '0.1.0',
      date: '2026-11-28T15:05:00.000Z',
      dataset: 'synthetic',
      machine: { cpuModel: 'Test CPU @ 2.0GHz', cores: 2, memoryGiB: 8, platform: 'linux x64, Node 20.20.0' },
      timings: [
        { step: 'prepare data', seconds: 3.25 },
        { step: 'train: pretrain', seconds: 185 },
        { step: 'score test split', seconds: 41.5 },
      ],
      versions: { '@tensorflow/tfjs-core': '4.22.0' },
    },
    metrics: {
      micro_auc: { value: 0.912345, variant: 'micro frame AUC, official AED-MAE protocol (Gaussian smoothing range 38 sigma 11)' },
      macro_auc: { value: 0.87655, variant: 'macro AUC, padded (official)' },
      macro_auc_clean: { value: 0.8512, variant: 'macro AUC, unpadded (clean)' },
      rbdc: { value: 0.46771, variant: 'RBDC, region overlap 0.1' },
      tbdc: { value: 0.66579, variant: 'TBDC, track overlap 0.1' },
      pixel_auc: { value: null, variant: 'pixel AUC (not computed: no pixel masks)' },
    },
    videos: [video('Test001', 120, [[40, 70]], 11), video('Test002', 80, [[10, 20], [50, 60]], 23)],
    roc: {
      micro: { fpr, tpr: fpr.map((x) => 1 - (1 - x) ** 4) },
      perVideo: [
        { video: 'Test001', curve: { fpr, tpr: fpr.map((x) => 1 - (1 - x) ** 3) } },
        { video: 'Test002', curve: { fpr, tpr: fpr.map((x) => 1 - (1 - x) ** 2) } },
      ],
    },
    detectionCurves: {
      rbdc: { falsePositivesPerFrame: fpPerFrame, detectionRate: fpPerFrame.map((x) => Math.min(1, 0.3 + 0.4 * x)) },
      tbdc: { falsePositivesPerFrame: fpPerFrame, detectionRate: fpPerFrame.map((x) => Math.min(1, 0.5 + 0.3 * x)) },
    },
    frames: [chosenFrame('Test001', 55, 0.7312), chosenFrame('Test002', 15, 0.69)],
    sweep: [
      { key: 'score.alpha', metric: 'micro_auc', points: [{ value: 0.1, metric: 0.881 }, { value: 0.5, metric: 0.9012 }, { value: 1, metric: 0.912345 }] },
      { key: 'score.beta', metric: 'micro_auc', points: [{ value: 0, metric: 0.8 }, { value: 0.5, metric: null }, { value: 1, metric: 0.85555 }] },
    ],
    speed: { backend: 'wasm', threads: 2, training: { framesPerSecond: 12.34, batch: 8 }, inference: { framesPerSecond: 151.2, batch: 16 } },
    training: [
      { stage: 'pretrain', name: 'loss', steps: [0, 10, 20, 30, 40], values: [1, 0.6, 0.4, 0.35, 0.3] },
      { stage: 'distill', name: 'loss', steps: [0, 10, 20, 30], values: [0.8, 0.5, 0.45, 0.4] },
      { stage: 'distill', name: 'loss.anomaly_map', steps: [0, 10, 20, 30], values: [0.3, 0.2, 0.15, 0.12] },
    ],
  };
}
