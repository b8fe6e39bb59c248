// Scoring a test video: stream its frames through the model in batches and keep, per frame, the three components
// and the combined patch-level map (rows x cols floats). The video itself is never held in memory.
import { planPatchGrid, type Plan } from '@vadc/dsl';
import type { TestBatch, TestVideo, VideoTruth } from '../data/types.ts';
import type { FrameOutputs } from '../model/inference.ts';
import type { TestMaskPass } from '../model/test-mask.ts';
import type { BatchInference } from './batch-inference.ts';
import { concatComponents, frameScoring, scoreOutputs, type FrameComponents, type ScoredFrames } from './components.ts';
import { inferWithTestMasks } from './test-mask-passes.ts';

export type { BatchInference };

/** The scores of one test video: its ScoredFrames (frame scores come from frameScores(video)) and where they lie. */
export interface VideoScores extends ScoredFrames {
  name: string;
  /** Patch grid of the maps ([T, rows, cols]). */
  rows: number;
  cols: number;
  truth: VideoTruth | null;
}

/** Options of scoreVideo. */
export interface ScoreVideoOptions {
  /** Called after each batch with its outputs (e.g. to keep reconstructions of chosen frames) . */
  onBatch?: (outputs: FrameOutputs, batch: TestBatch) => void;
  /** Test-time masks given instead of drawn from plan.scoring.test_masks (score/given-test-masks.ts givenMaskPasses). */
  testMasks?: readonly TestMaskPass[];
}

/** Scores every frame of `video` with `infer`, in batches of plan.scoring.batch. */
export async function scoreVideo(video: TestVideo, plan: Plan, infer: BatchInference, options: ScoreVideoOptions = {}): Promise<VideoScores> {
  const { rows, cols } = planPatchGrid(plan);
  const parts: FrameComponents[] = [];
  const patchMaps = new Float32Array(video.frameCount * rows * cols);
  let expected = 0;
  for await (const batch of video.batches(plan.scoring.batch)) {
    if (batch.frames[0] !== expected) throw new Error(`video ${video.name}: batch starts at frame ${batch.frames[0]}, expected ${expected}`);
    const outputs = await inferWithTestMasks(infer, batch, plan.scoring, options.testMasks);
    const scored = scoreOutputs(outputs, plan.scoring);
    parts.push(scored.components);
    patchMaps.set(scored.patchMaps, expected * rows * cols);
    expected += batch.size;
    options.onBatch?.(outputs, batch);
  }
  if (expected !== video.frameCount) throw new Error(`video ${video.name}: scored ${expected} of ${video.frameCount} frames`);
  return { name: video.name, frameCount: video.frameCount, components: concatComponents(parts), rows, cols, patchMaps, scoring: frameScoring(plan.scoring), truth: video.truth };
}
