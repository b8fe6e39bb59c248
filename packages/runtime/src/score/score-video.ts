// Scoring a test video: stream its frames through the model in batches, keep the three components per frame and,
// when localization is asked for, the combined pixel map per frame at model resolution. The video is never held
// in memory as frames; only the per-frame numbers (and the maps, H x W floats per frame) are kept.
import type { Plan } from '@vadc/dsl';
import type { TestBatch, TestVideo, VideoTruth } from '../data/types.ts';
import { combineMaps, componentMaps, concatComponents, frameComponents, type FrameComponents, type PatchPredictions } from './components.ts';

/** Runs one test batch through a trained model: its per-patch predictions (see PatchPredictions). */
export type BatchInference = (batch: TestBatch) => Promise<PatchPredictions>;

/** The scores of one test video. */
export interface VideoScores {
  name: string;
  frameCount: number;
  components: FrameComponents;
  /** [T, H, W] combined pixel maps at model resolution (plan.data.size), or null when not kept. */
  maps: Float32Array | null;
  truth: VideoTruth | null;
}

/** Options of scoreVideo. */
export interface ScoreVideoOptions {
  /** Keep per-pixel maps for localization metrics and the report (default true). */
  keepMaps?: boolean;
  /** Called after each batch with the number of frames it held. */
  onBatch?: (frames: number) => void;
}

/** Scores every frame of `video` with `infer`, in batches of plan.scoring.batch. */
export async function scoreVideo(video: TestVideo, plan: Plan, infer: BatchInference, options: ScoreVideoOptions = {}): Promise<VideoScores> {
  const keepMaps = options.keepMaps ?? true;
  const [height, width] = plan.data.size;
  const parts: FrameComponents[] = [];
  const maps = keepMaps ? new Float32Array(video.frameCount * height * width) : null;
  let expected = 0;
  for await (const batch of video.batches(plan.scoring.batch)) {
    if (batch.frames[0] !== expected) throw new Error(`video ${video.name}: batch starts at frame ${batch.frames[0]}, expected ${expected}`);
    const predictions = await infer(batch);
    parts.push(frameComponents(predictions, plan.scoring.errors));
    if (maps !== null) maps.set(combineMaps(componentMaps(predictions, plan.scoring.errors), plan.scoring.weights), expected * height * width);
    expected += batch.size;
    options.onBatch?.(batch.size);
  }
  if (expected !== video.frameCount) throw new Error(`video ${video.name}: scored ${expected} of ${video.frameCount} frames`);
  return { name: video.name, frameCount: video.frameCount, components: concatComponents(parts), maps, truth: video.truth };
}

/**
 * The current frame of a test batch as a reconstruction target [B, H, W, F + A]: the F channels of context offset 0
 * from the stacked input, anomaly channels -1 (no anomaly; the official test target's zero mask scaled to [-1, 1]).
 */
export function currentFrameTarget(batch: TestBatch, context: readonly number[], frameChannels: number, anomalyChannels: number): Float32Array {
  const inputChannels = 3 * context.length;
  const offset = 3 * context.indexOf(0);
  const channels = frameChannels + anomalyChannels;
  const pixels = batch.size * batch.height * batch.width;
  const target = new Float32Array(pixels * channels);
  for (let pixel = 0; pixel < pixels; pixel++) {
    for (let c = 0; c < frameChannels; c++) target[pixel * channels + c] = batch.input[pixel * inputChannels + offset + c] ?? 0;
    for (let c = 0; c < anomalyChannels; c++) target[pixel * channels + frameChannels + c] = -1;
  }
  return target;
}
