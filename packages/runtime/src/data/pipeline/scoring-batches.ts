// A test video's frames in order, `batchSize` at a time, with the next batch decoded while the consumer works on
// the current one. Inputs are built exactly as for training, without synthetic anomalies.
import type { Plan } from '@vadc/dsl';
import type { TestBatch } from '../types.ts';
import { contextIndices, writeRaw, writeStack } from './frames.ts';
import type { FrameStore } from './video-frames.ts';

async function buildTestBatch(store: FrameStore, plan: Plan, first: number, size: number): Promise<TestBatch> {
  const [height, width] = plan.data.size;
  const pixels = height * width;
  const { context } = plan.data;
  const batch: TestBatch = {
    size,
    height,
    width,
    frames: Array.from({ length: size }, (_, slot) => first + slot),
    input: new Float32Array(size * pixels * context.length * 3),
    motion: new Float32Array(size * pixels * 3),
  };
  await Promise.all(
    batch.frames.map(async (frame, slot) => {
      const indices = contextIndices(frame, context, store.video.frameCount);
      const [frames, motion] = await Promise.all([Promise.all(indices.map((index) => store.resized(index))), store.motion(frame)]);
      writeStack(frames, pixels, batch.input, slot * pixels * context.length * 3);
      writeRaw(motion, batch.motion, slot * pixels * 3);
    }),
  );
  return batch;
}

/** Streams a video's frames 0..frameCount-1 in batches of `batchSize` (the last may be smaller). */
export async function* streamTestBatches(store: FrameStore, plan: Plan, batchSize: number): AsyncGenerator<TestBatch> {
  if (!(batchSize >= 1)) throw new RangeError(`batch size must be at least 1, got ${batchSize}`);
  const count = store.video.frameCount;
  const start = (first: number) => {
    const task = buildTestBatch(store, plan, first, Math.min(batchSize, count - first));
    task.catch(() => undefined);
    return task;
  };
  let pending = count > 0 ? start(0) : null;
  for (let first = 0; pending !== null; first += batchSize) {
    const batch = await pending;
    pending = first + batchSize < count ? start(first + batchSize) : null;
    yield batch;
  }
}
