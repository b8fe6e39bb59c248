// Test batches of a live stream: the same inputs as scoring-batches.ts builds for a video file (context frames,
// motion gradients at native size, the same resizer), built as soon as the frames a sample needs have arrived.
// Frame t needs frames up to t + max(context offsets, motion step); the stream's end is the video's end (offsets past
// it fall back to the frame itself, as for a file), so a stream scored to its end gives the file's inputs exactly.
// Only the frames later samples can still reach are kept.
import type { Plan } from '@vadc/dsl';
import type { FrameStream } from '../formats/frame-stream.ts';
import type { TestBatch } from '../types.ts';
import { absoluteDifference, contextIndices, motionNeighbours, writeRaw, writeStack } from './frames.ts';
import { createResizer } from './resize.ts';

/** A batch of a stream with the arrival time of each of its frames (performance.now()). */
export interface LiveBatch {
  batch: TestBatch;
  arrivals: number[];
  /** Arrival of the newest frame received when the batch was built (the one that made its last sample ready). */
  latestArrival: number;
}

/**
 * Batches of up to `maxBatch` consecutive frames of `stream`, each as soon as its frames are in: when the consumer
 * keeps up, batches of one (lowest latency); when it falls behind, fuller batches (higher throughput).
 */
export async function* liveTestBatches(stream: FrameStream, plan: Plan, maxBatch: number): AsyncGenerator<LiveBatch> {
  if (!(maxBatch >= 1)) throw new RangeError(`batch size must be at least 1, got ${maxBatch}`);
  const resolution = await stream.resolution();
  const [height, width] = plan.data.size;
  const pixels = height * width;
  const { context } = plan.data;
  const step = plan.data.motion.step;
  const resizer = createResizer(resolution, plan.data.size, 3);
  const lookahead = Math.max(0, step, ...context);
  const lookbehind = Math.max(step, ...context.map((offset) => -offset));
  const native = new Map<number, Uint8Array>();
  const resized = new Map<number, Uint8Array>();
  const arrivals = new Map<number, number>();
  let received = 0;
  let latestArrival = 0;
  let ended = false;
  let next = 0;
  const ready = (frame: number) => (ended ? frame < received : frame + lookahead < received);
  const resizedFrame = (index: number): Uint8Array => {
    let frame = resized.get(index);
    if (frame === undefined) {
      frame = resizer.resize(native.get(index)!);
      resized.set(index, frame);
    }
    return frame;
  };
  while (true) {
    while (!ready(next) && !ended) {
      const frames = await stream.take();
      if (frames === null) ended = true;
      else {
        for (const frame of frames) {
          native.set(received, frame.rgb);
          arrivals.set(received, frame.arrived);
          latestArrival = frame.arrived;
          received++;
        }
      }
    }
    if (!ready(next)) return;
    const count = ended ? received : Infinity;
    let size = 0;
    while (size < maxBatch && ready(next + size)) size++;
    const batch: TestBatch = {
      size, height, width, frames: Array.from({ length: size }, (_, slot) => next + slot),
      input: new Float32Array(size * pixels * context.length * 3), motion: new Float32Array(size * pixels * 3),
    };
    batch.frames.forEach((frame, slot) => {
      const stack = contextIndices(frame, context, count).map(resizedFrame);
      writeStack(stack, pixels, batch.input, slot * pixels * context.length * 3);
      const [previous, following] = motionNeighbours(frame, step, count);
      writeRaw(resizer.resize(absoluteDifference(native.get(previous)!, native.get(following)!)), batch.motion, slot * pixels * 3);
    });
    const times = batch.frames.map((frame) => arrivals.get(frame)!);
    next += size;
    for (const index of [...native.keys()]) {
      if (index < next - lookbehind) {
        native.delete(index);
        resized.delete(index);
        arrivals.delete(index);
      }
    }
    yield { batch, arrivals: times, latestArrival };
  }
}
