// Tiny hand-made batches for the model's and the trainer's tests: a bright square moving right over a dark
// background, seen at t-3, t, t+3; optionally a pasted "anomaly" square with its mask. No dataset needed.
import type { Plan } from '@vadc/dsl';
import type { TestBatch, TrainingBatch } from '../data/types.ts';
import { Random } from '../random.ts';

function frame(height: number, width: number, x: number, y: number, side: number, value: number, into: Float32Array, stride: number, offset: number, pixelOffset: number): void {
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const inside = row >= y && row < y + side && col >= x && col < x + side;
      const pixel = pixelOffset + row * width + col;
      for (let c = 0; c < 3; c++) into[pixel * stride + offset + c] = inside ? value : -0.8;
    }
  }
}

/** A training batch of `size` moving-square samples at plan.data.size; every `anomalyEvery`-th sample gets a pasted square. */
export function squaresBatch(plan: Plan, size: number, seed: number, anomalyEvery = 0): TrainingBatch {
  const [height, width] = plan.data.size;
  const random = new Random(seed);
  const context = plan.data.context;
  const channels = 3 * context.length;
  const pixels = height * width;
  const batch: TrainingBatch = {
    size, height, width,
    input: new Float32Array(size * pixels * channels),
    target: new Float32Array(size * pixels * 3),
    motion: new Float32Array(size * pixels * 3),
    anomalyMask: new Float32Array(size * pixels),
    hasAnomaly: new Float32Array(size),
  };
  const side = Math.max(2, Math.floor(height / 4));
  for (let b = 0; b < size; b++) {
    const x = random.integer(3, width - side - 4);
    const y = random.integer(0, height - side);
    context.forEach((offset, index) => frame(height, width, x + offset, y, side, 0.9, batch.input, channels, 3 * index, b * pixels));
    frame(height, width, x, y, side, 0.9, batch.target, 3, 0, b * pixels);
    // Motion |f(t-1) - f(t+1)| in [0, 255]: the square's leading and trailing edges.
    const before = new Float32Array(pixels * 3);
    const after = new Float32Array(pixels * 3);
    frame(height, width, x - 1, y, side, 0.9, before, 3, 0, 0);
    frame(height, width, x + 1, y, side, 0.9, after, 3, 0, 0);
    for (let i = 0; i < pixels * 3; i++) batch.motion[b * pixels * 3 + i] = Math.abs((before[i] ?? 0) - (after[i] ?? 0)) * 127.5;
    if (anomalyEvery > 0 && b % anomalyEvery === 0) {
      batch.hasAnomaly[b] = 1;
      const ax = random.integer(0, width - side);
      const ay = random.integer(0, height - side);
      for (let row = ay; row < ay + side; row++) {
        for (let col = ax; col < ax + side; col++) {
          const pixel = b * pixels + row * width + col;
          batch.anomalyMask[pixel] = 1;
          for (let c = 0; c < channels; c++) batch.input[pixel * channels + c] = -0.2;
        }
      }
    }
  }
  return batch;
}

/** The same samples as a TestBatch (frames numbered from `firstFrame`). */
export function asTestBatch(batch: TrainingBatch, firstFrame = 0): TestBatch {
  return {
    size: batch.size, height: batch.height, width: batch.width,
    frames: Array.from({ length: batch.size }, (_, i) => firstFrame + i),
    input: batch.input, motion: batch.motion,
  };
}

/** Yields the given batches once per epoch. */
export function repeatBatches(batches: TrainingBatch[]): (epoch: number) => AsyncIterable<TrainingBatch> {
  return () => ({
    async *[Symbol.asyncIterator]() {
      for (const batch of batches) yield batch;
    },
  });
}
