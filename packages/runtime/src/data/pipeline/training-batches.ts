// One epoch of training batches. The sample order is a shuffle drawn from Random.derive(seed, 'data/epoch-<k>'),
// and each sample's augmentation from its own derived generator, so epoch k is the same whether a run got there
// directly or resumed from a checkpoint, and the same whatever the prefetch depth. Batches are built ahead of the
// consumer (`prefetch` of them in flight), each sample's frames read concurrently.
import { Random } from '../../random.ts';
import type { TrainingBatch } from '../types.ts';
import { contextIndices, writeRaw, writeScaled, writeStack } from './frames.ts';
import type { TrainingSource } from './training-source.ts';
import type { VideoFrames } from './video-frames.ts';

/** Options of one epoch of training batches. */
export interface TrainingBatchOptions {
  /** 0-based epoch number: selects the shuffle and the augmentations. */
  epoch: number;
  batchSize: number;
  /** Seed of data order and augmentations; default plan.runtime.seed. */
  seed?: number;
  /** Batches built ahead of the consumer; default 2. */
  prefetch?: number;
  /** Stop after this many batches (a stage's steps_per_epoch); null or absent: the whole epoch. */
  maxBatches?: number | null;
  /** Drop a last, smaller batch; default false (it is yielded with its own `size`). */
  dropLast?: boolean;
}

/** The (video, frame) of every training sample, in a seeded shuffled order. */
export function epochOrder(frameCounts: readonly number[], seed: number, epoch: number): Array<[number, number]> {
  const samples: Array<[number, number]> = [];
  frameCounts.forEach((count, video) => {
    for (let frame = 0; frame < count; frame++) samples.push([video, frame]);
  });
  return Random.derive(seed, `data/epoch-${epoch}`).shuffle(samples);
}

async function writeSample(pipeline: TrainingSource, store: VideoFrames, videoIndex: number, frame: number, random: Random, batch: TrainingBatch, slot: number): Promise<void> {
  const { context } = pipeline.plan.data;
  const pixels = batch.height * batch.width;
  const indices = contextIndices(frame, context, store.video.frameCount);
  const [frames, motion] = await Promise.all([Promise.all(indices.map((index) => store.resized(index))), store.motion(frame)]);
  const target = frames[context.indexOf(0)] as Uint8Array;
  let input: readonly Uint8Array[] = frames;
  const generator = pipeline.anomalyGenerator();
  if (generator !== null && random.next() < pipeline.plan.synthetic_anomalies.probability) {
    const pasted = await generator.paste({
      frames,
      offsets: indices.map((index) => index - frame),
      height: batch.height,
      width: batch.width,
      random,
      videoIndex,
    });
    if (pasted !== null) {
      input = pasted.frames;
      writeRaw(pasted.mask, batch.anomalyMask, slot * pixels);
      batch.hasAnomaly[slot] = 1;
    }
  }
  writeStack(input, pixels, batch.input, slot * pixels * context.length * 3);
  writeScaled(target, batch.target, slot * pixels * 3);
  writeRaw(motion, batch.motion, slot * pixels * 3);
}

async function buildBatch(pipeline: TrainingSource, samples: Array<[number, number]>, positions: number, seed: number, epoch: number): Promise<TrainingBatch> {
  const [height, width] = pipeline.plan.data.size;
  const size = samples.length;
  const pixels = height * width;
  const channels = pipeline.plan.data.context.length * 3;
  const batch: TrainingBatch = {
    size,
    height,
    width,
    input: new Float32Array(size * pixels * channels),
    target: new Float32Array(size * pixels * 3),
    motion: new Float32Array(size * pixels * 3),
    anomalyMask: new Float32Array(size * pixels),
    hasAnomaly: new Float32Array(size),
  };
  await Promise.all(
    samples.map(([video, frame], slot) => {
      const random = Random.derive(seed, `data/epoch-${epoch}/sample-${positions + slot}`);
      return writeSample(pipeline, pipeline.train[video] as VideoFrames, video, frame, random, batch, slot);
    }),
  );
  return batch;
}

/** Streams one epoch of batches of `pipeline`'s training videos (use DataPipeline.trainingBatches). */
export async function* streamTrainingBatches(pipeline: TrainingSource, options: TrainingBatchOptions): AsyncGenerator<TrainingBatch> {
  const seed = options.seed ?? pipeline.plan.runtime.seed;
  const order = epochOrder(pipeline.train.map((store) => store.video.frameCount), seed, options.epoch);
  let batchCount = options.dropLast === true ? Math.floor(order.length / options.batchSize) : Math.ceil(order.length / options.batchSize);
  if (options.maxBatches != null) batchCount = Math.min(batchCount, options.maxBatches);
  const prefetch = Math.max(1, options.prefetch ?? 2);
  const queue: Array<Promise<TrainingBatch>> = [];
  let next = 0;
  const fill = () => {
    while (queue.length < prefetch && next < batchCount) {
      const start = next * options.batchSize;
      const task = buildBatch(pipeline, order.slice(start, start + options.batchSize), start, seed, options.epoch);
      // Marked handled here; the rejection still reaches the consumer when it awaits this batch.
      task.catch(() => undefined);
      queue.push(task);
      next++;
    }
  };
  fill();
  while (queue.length > 0) {
    const batch = await (queue.shift() as Promise<TrainingBatch>);
    fill();
    yield batch;
  }
}
