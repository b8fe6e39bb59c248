// Scoring one input with a detector: the per-video work of `vadc score` (and of `vadc score --queue` jobs, which must
// equal it), kept in one function. The input goes through the detector's own data pipeline (resize, context,
// motion) as a one-video test split, so a test video of the run's dataset gets exactly the numbers `vadc eval`
// gives it; frame scores are then smoothed as live decisions are (the recipe's Gaussian made causal, @vadc/metrics
// liveSmoothing: a file gives the events a stream of it gives), and with a threshold each frame is decided normal /
// abnormal and abnormal frames are grouped into events. `eval` keeps the official smoothing for its metrics.
import { describeLiveSmoothing, frameDecisions, frameEvents, liveSmoothing, smoothLive, type AnomalyEvent, type LiveSmoothing } from '@vadc/metrics';
import { DataPipeline } from '../data/pipeline/data-pipeline.ts';
import { frameScores } from '../score/components.ts';
import { givenMaskPasses, type GivenTestMasks } from '../score/given-test-masks.ts';
import { scoreVideo, type VideoScores } from '../score/score-video.ts';
import { type FrameOutputs } from '../model/inference.ts';
import { type VideoSource } from '../data/types.ts';
import type { Plan } from '@vadc/dsl';
import type { Detector } from './detector.ts';
import { planSmoothing } from '../score/evaluate.ts';

/** One input's scores and, with a threshold, its decisions and events. */
export interface ScoredInput {
  scores: VideoScores;
  /** Frame scores as scoring.top_patches pools them (unsmoothed; scores.csv's `score`). */
  frameScores: Float32Array;
  /** Smoothed for decisions (decisionSmoothing: what thresholds apply to). */
  smoothed: Float64Array;
  /** The threshold applied, or null (no calibration and none given). */
  threshold: number | null;
  /** 1 = abnormal per frame, or null without a threshold. */
  decisions: Uint8Array | null;
  events: AnomalyEvent[];
}

/** Options of scoreInput. */
export interface ScoreInputOptions {
  /** Threshold on smoothed scores instead of the detector's calibrated one (null: the detector's). */
  threshold?: number | null;
  /** Called after each batch (progress). */
  onBatch?: (outputs: FrameOutputs) => void;
  /** Test-time masks given instead of drawn (`vadc score --test-masks`). */
  testMasks?: GivenTestMasks | null;
}

/** Scores every frame of `video` with `detector`: scores, smoothed scores, decisions and events. */
export async function scoreInput(detector: Detector, video: VideoSource, options: ScoreInputOptions = {}): Promise<ScoredInput> {
  const { plan } = detector;
  const pipeline = new DataPipeline({ train: [], validation: [], test: [video] }, plan, { defaultCacheDir: detector.cacheDir });
  try {
    const [testVideo] = pipeline.testVideos('test');
    const testMasks = options.testMasks ? givenMaskPasses(options.testMasks, testVideo!.name, testVideo!.frameCount) : undefined;
    const scores = await scoreVideo(testVideo!, plan, detector.infer, { onBatch: options.onBatch, testMasks });
    return decide(scores, plan, options.threshold ?? detector.threshold?.value ?? null);
  } finally {
    await pipeline.close();
  }
}

/** The smoothing decisions use: the recipe's scoring.smoothing made live (causal, edges renormalised). */
export function decisionSmoothing(plan: Plan): LiveSmoothing | null {
  return liveSmoothing(planSmoothing(plan));
}

/** The decision smoothing in words (events.json, calibration.json, stream summaries). */
export function describeDecisionSmoothing(plan: Plan): string {
  return describeLiveSmoothing(decisionSmoothing(plan));
}

/** Smooths a scored video's frame scores and, given a threshold, decides its frames and finds its events. */
export function decide(scores: VideoScores, plan: Plan, threshold: number | null): ScoredInput {
  const pooled = frameScores(scores);
  const smoothed = smoothLive(pooled, decisionSmoothing(plan));
  return {
    scores, frameScores: pooled, smoothed, threshold,
    decisions: threshold === null ? null : frameDecisions(smoothed, threshold),
    events: threshold === null ? [] : frameEvents(smoothed, threshold),
  };
}
