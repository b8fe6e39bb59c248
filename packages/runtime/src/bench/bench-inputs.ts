// Generated inputs of a recipe's shape for `vadc bench`: no dataset is read. Values follow the data contract
// (runtime data/types.ts): frames in [-1, 1], motion in [0, 255], a 0/1 anomaly mask on a share of the samples, so
// every model branch (motion weights, anomaly-map loss) does the work it does in a real run.
import type { Plan } from '@vadc/dsl';
import type { TestBatch, TrainingBatch } from '../data/types.ts';

/** A small seeded generator (mulberry32): the bench's inputs are the same on every run. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples of a batch of `size` that carry a synthetic anomaly: round(share * size), at least one when share > 0. */
export function anomalousSamples(size: number, share: number): number {
  if (share <= 0) return 0;
  return Math.min(size, Math.max(1, Math.round(share * size)));
}

/**
 * A training batch of `size` samples at plan.data.size with 3 * context.length input channels: uniform random
 * frames in [-1, 1], motion in [0, 255]; the first anomalousSamples(size, share) samples get a rectangle (a quarter
 * of the frame's height and width) in their anomaly mask. Share defaults to the recipe's synthetic_anomalies.probability.
 */
export function benchTrainingBatch(plan: Plan, size: number, seed = 1, share = plan.synthetic_anomalies.probability): TrainingBatch {
  const [height, width] = plan.data.size;
  const pixels = height * width;
  const channels = 3 * plan.data.context.length;
  const uniform = seededUniform(seed);
  const batch: TrainingBatch = {
    size, height, width,
    input: new Float32Array(size * pixels * channels).map(() => uniform() * 2 - 1), // [B, H, W, C]
    target: new Float32Array(size * pixels * 3).map(() => uniform() * 2 - 1), // [B, H, W, 3]
    motion: new Float32Array(size * pixels * 3).map(() => Math.floor(uniform() * 256)), // [B, H, W, 3]
    anomalyMask: new Float32Array(size * pixels), // [B, H, W, 1]
    hasAnomaly: new Float32Array(size),
  };
  const boxHeight = Math.max(1, Math.floor(height / 4));
  const boxWidth = Math.max(1, Math.floor(width / 4));
  for (let sample = 0; sample < anomalousSamples(size, share); sample++) {
    batch.hasAnomaly[sample] = 1;
    const top = Math.floor(uniform() * (height - boxHeight + 1));
    const left = Math.floor(uniform() * (width - boxWidth + 1));
    for (let row = top; row < top + boxHeight; row++) batch.anomalyMask.fill(1, sample * pixels + row * width + left, sample * pixels + row * width + left + boxWidth);
  }
  return batch;
}

/** A test batch of `size` consecutive frames (numbered 0..size-1) with the same value ranges as benchTrainingBatch. */
export function benchTestBatch(plan: Plan, size: number, seed = 2): TestBatch {
  const { input, motion, height, width } = benchTrainingBatch(plan, size, seed, 0);
  return { size, height, width, frames: Array.from({ length: size }, (_, index) => index), input, motion };
}
