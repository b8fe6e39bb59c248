// A stream's batches carry exactly the inputs and motion of the same video read as a file, whatever chunks the frames
// arrive in, and the frames kept stay bounded by the context and motion reach.
import { describe, expect, it } from 'vitest';
import { tinyPlan } from '../../test-plan.ts';
import type { FrameStream, ReceivedFrame } from '../formats/frame-stream.ts';
import { DataPipeline } from './data-pipeline.ts';
import { liveTestBatches } from './live-batches.ts';
import { greyFrame, memoryVideo } from './test-fixtures.ts';

function chunkedStream(frames: Uint8Array[], resolution: [number, number], chunks: number[]): FrameStream & { served: number } {
  let next = 0;
  let chunk = 0;
  const stream = {
    served: 0,
    resolution: async () => resolution,
    frameRate: async () => 25,
    take: async (): Promise<ReceivedFrame[] | null> => {
      if (next >= frames.length) return null;
      const size = chunks[chunk++ % chunks.length]!;
      const taken = frames.slice(next, next + size).map((rgb) => ({ rgb, arrived: next }));
      next += taken.length;
      stream.served = next;
      return taken;
    },
    close: () => undefined,
  };
  return stream;
}

describe('liveTestBatches', () => {
  const plan = tinyPlan({ data: { size: [16, 16], context: [-3, 0, 3], motion: { step: 2 } } });
  const [height, width] = [24, 20];
  const frames = Array.from({ length: 11 }, (_, index) => greyFrame(height, width, (y, x) => (index * 23 + y * 7 + x * 3) % 256));

  it('gives the file pipeline\'s inputs and motion for every frame, in any chunking and batch size', async () => {
    const video = memoryVideo('clip', frames, height, width);
    const pipeline = new DataPipeline({ train: [], validation: [], test: [video] }, plan, { defaultCacheDir: null });
    const expected: Array<{ input: Float32Array; motion: Float32Array }> = [];
    for await (const batch of pipeline.testVideos('test')[0]!.batches(1)) expected.push({ input: batch.input, motion: batch.motion });
    for (const [chunks, maxBatch] of [[[1], 1], [[3, 1, 5], 4], [[11], 16]] as Array<[number[], number]>) {
      const stream = chunkedStream(frames, [height, width], chunks);
      const seen: number[] = [];
      for await (const { batch } of liveTestBatches(stream, plan, maxBatch)) {
        expect(batch.size).toBeLessThanOrEqual(maxBatch);
        const perInput = batch.input.length / batch.size;
        const perMotion = batch.motion.length / batch.size;
        batch.frames.forEach((frame, slot) => {
          seen.push(frame);
          // Frame t is built once frame t + 3 (the largest reach) has arrived, or at the end.
          expect(stream.served).toBeGreaterThanOrEqual(Math.min(frames.length, frame + 4));
          expect(batch.input.subarray(slot * perInput, (slot + 1) * perInput)).toEqual(expected[frame]!.input);
          expect(batch.motion.subarray(slot * perMotion, (slot + 1) * perMotion)).toEqual(expected[frame]!.motion);
        });
      }
      expect(seen).toEqual(Array.from({ length: frames.length }, (_, index) => index));
    }
  });
});
