// The input pipeline of one dataset under one Plan: per-video frame stores sharing bounded LRU caches, the disk
// cache, and the synthetic anomaly generator. Create it once per run and draw every epoch's training batches and
// the test videos from it, so caches and open files are shared; `close()` releases the files.
import type { Plan } from '@vadc/dsl';
import { createAnomalyGenerator } from '../anomalies/registry.ts';
import type { AnomalyGenerator, DonorSource } from '../anomalies/types.ts';
import { heldOutProblem, heldOutVideoIds } from '../held-out.ts';
import type { DatasetSource, TestVideo, TrainingBatch } from '../types.ts';
import { heldOutLayout, PastedVideo } from '../validation/pasted-video.ts';
import { ReplayedVideo } from '../validation/replayed-video.ts';
import { DiskCache } from './disk-cache.ts';
import { LruCache } from './lru-cache.ts';
import { PipelineError } from './pipeline-error.ts';
import { streamTestBatches } from './scoring-batches.ts';
import { streamTrainingBatches, type TrainingBatchOptions } from './training-batches.ts';
import { VideoFrames, type FrameStoreShared } from './video-frames.ts';

/** How a pipeline caches. */
export interface DataPipelineOptions {
  /** Cache folder when plan.data.cache_dir is null (e.g. `<runs>/.vadc-cache`); null or absent: no disk cache. */
  defaultCacheDir?: string | null;
  /** Keep resized frames in the disk cache too (motion is always kept there); default true. */
  cacheFrames?: boolean;
  /** Decoded native frames held in memory over all videos; default 48. */
  nativeFrames?: number;
  /** Model-size frames and motion images held in memory over all videos; default 192. */
  resizedFrames?: number;
}

/** The input pipeline of one dataset: training batches and test videos at the Plan's size, context and motion. */
export class DataPipeline {
  readonly cache: DiskCache | null;
  /** The videos training draws from: the dataset's training videos minus the held-out ones. */
  readonly train: VideoFrames[];
  /** Training videos held out for validation (plan.validation.hold_out); training never reads them. */
  readonly heldOut: VideoFrames[];
  readonly validation: VideoFrames[];
  readonly test: VideoFrames[];
  private readonly shared: FrameStoreShared;
  private generator: AnomalyGenerator | null | undefined;
  private pasted: Promise<Array<PastedVideo | ReplayedVideo>> | undefined;

  constructor(readonly source: DatasetSource, readonly plan: Plan, options: DataPipelineOptions = {}) {
    if (!plan.data.context.includes(0)) {
      throw new PipelineError('CONTEXT', `data.context ${JSON.stringify(plan.data.context)} must contain 0 (the frame being scored)`);
    }
    const directory = plan.data.cache_dir ?? options.defaultCacheDir ?? null;
    this.cache = directory === null ? null : new DiskCache(directory);
    this.shared = {
      size: plan.data.size,
      step: plan.data.motion.step,
      cache: this.cache,
      cacheFrames: options.cacheFrames ?? true,
      native: new LruCache(options.nativeFrames ?? 48),
      resized: new LruCache(options.resizedFrames ?? 192),
    };
    const stores = (split: string, videos: DatasetSource['train']) => videos.map((video, index) => new VideoFrames(video, `${split}/${index}`, this.shared));
    const names = source.train.map((video) => video.name);
    // A scoring-only pipeline (`vadc score`, calibration, streams: no training videos) has nothing to hold out.
    const problem = names.length === 0 ? null : heldOutProblem(plan, names);
    if (problem !== null) throw new PipelineError('HELD_OUT', problem.message);
    const heldOut = new Set(heldOutVideoIds(plan, names));
    const all = stores('train', source.train);
    this.train = all.filter((store) => !heldOut.has(store.video.name));
    this.heldOut = all.filter((store) => heldOut.has(store.video.name));
    this.validation = stores('validation', source.validation);
    this.test = stores('test', source.test);
  }

  /** Frames held in memory now (native + model-size), never more than the two LRU capacities together. */
  heldFrames(): number {
    return this.shared.native.size + this.shared.resized.size;
  }

  /** Training samples per epoch: every frame of every training video. */
  trainingSampleCount(): number {
    return this.train.reduce((sum, store) => sum + store.video.frameCount, 0);
  }

  /** The recipe's synthetic anomaly generator (built on first use), or null when its probability is 0. */
  anomalyGenerator(): AnomalyGenerator | null {
    if (this.generator === undefined) {
      const anomalies = this.plan.synthetic_anomalies;
      this.generator =
        anomalies.probability > 0
          ? createAnomalyGenerator(anomalies.generator, { options: anomalies.options, size: this.plan.data.size, donors: this.donors() })
          : null;
    }
    return this.generator;
  }

  /**
   * The held-out videos made abnormal as validation says (pasted anomalies, see PastedVideo, or replayed objects, see ReplayedVideo), as the scorer sees them,
   * with their truth (frame labels, masks at model resolution). Built once; empty without plan.validation.
   */
  async heldOutVideos(): Promise<TestVideo[]> {
    const validation = this.plan.validation ?? null;
    if (validation === null) return [];
    this.pasted ??= (async () => {
      const anomalies = this.plan.synthetic_anomalies;
      const { size, motion } = this.plan.data;
      // validation.generator, else the recipe's own, even when training pastes nothing (probability 0).
      const name = validation.generator ?? anomalies.generator;
      const generator = name === 'replay' ? null : (name === anomalies.generator ? this.anomalyGenerator() : null) ?? createAnomalyGenerator(name, { options: anomalies.options, size, donors: this.donors() });
      const videos: Array<PastedVideo | ReplayedVideo> = [];
      for (const [position, store] of this.heldOut.entries()) {
        const layout = heldOutLayout(position, this.heldOut.length, validation.anomalies);
        videos.push(generator === null ? await ReplayedVideo.build(store, validation, size, motion.step, layout) : await PastedVideo.build(store, generator, validation, size, motion.step, layout));
      }
      return videos;
    })();
    return (await this.pasted).map((video) => ({
      name: video.video.name,
      frameCount: video.video.frameCount,
      truth: video.truth,
      batches: (batchSize: number) => streamTestBatches(video, this.plan, batchSize),
    }));
  }

  /** Random model-size frames (+ motion) of training videos other than the one excluded: `foreground` donors. */
  private donors(): DonorSource | null {
    if (this.train.length === 0) return null;
    return async (random, exclude) => {
      const candidates = this.train.length > 1 ? this.train.filter((_, index) => index !== exclude) : this.train;
      const store = candidates[random.integer(0, candidates.length - 1)] as VideoFrames;
      const index = random.integer(0, store.video.frameCount - 1);
      const [frame, motion] = await Promise.all([store.resized(index), store.motion(index)]);
      return { frame, motion };
    };
  }

  /**
   * One epoch of shuffled training batches, decoded ahead of the consumer (see TrainingBatchOptions). Throws
   * PipelineError NO_TRAINING_VIDEOS, or the generator's error (e.g. OBJECTS_FOLDER_MISSING), at the call.
   */
  trainingBatches(options: TrainingBatchOptions): AsyncIterable<TrainingBatch> {
    if (this.train.length === 0) throw new PipelineError('NO_TRAINING_VIDEOS', 'the dataset has no training videos');
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
    // Built now, so a bad generator setup (e.g. a missing objects folder) throws here rather than mid-epoch.
    this.anomalyGenerator();
    return streamTrainingBatches(this, options);
  }

  /** The videos of a split as the scorer sees them; `batches(n)` streams consecutive frames. */
  testVideos(split: 'test' | 'validation' = 'test'): TestVideo[] {
    const stores = split === 'test' ? this.test : this.validation;
    return stores.map((store) => ({
      name: store.video.name,
      frameCount: store.video.frameCount,
      truth: store.video.truth,
      batches: (batchSize: number) => streamTestBatches(store, this.plan, batchSize),
    }));
  }

  /**
   * Builds the disk cache entries (motion, and resized frames) of every video of a split now, one video at a time,
   * calling `onVideo(done, total, name)` after each; without a disk cache it does nothing. Training otherwise builds
   * them on first touch, which in a shuffled epoch means all of them before the first batch.
   */
  async prepare(split: 'train' | 'validation' | 'test', onVideo?: (done: number, total: number, name: string) => void): Promise<void> {
    if (this.cache === null) return;
    const stores = split === 'train' ? this.train : split === 'test' ? this.test : this.validation;
    for (const [index, store] of stores.entries()) {
      if (store.video.frameCount > 0) await store.motion(0);
      onVideo?.(index + 1, stores.length, store.video.name);
    }
  }

  /** Closes the disk cache's open files. */
  async close(): Promise<void> {
    await this.cache?.close();
  }
}

/** One epoch of training batches of `source` (a pipeline is built unless `options.pipeline` gives one). */
export function trainingBatches(source: DatasetSource, plan: Plan, options: TrainingBatchOptions & { pipeline?: DataPipeline } & DataPipelineOptions): AsyncIterable<TrainingBatch> {
  return (options.pipeline ?? new DataPipeline(source, plan, options)).trainingBatches(options);
}

/** The test videos of `source` (a pipeline is built unless `options.pipeline` gives one). */
export function testVideos(source: DatasetSource, plan: Plan, options: { pipeline?: DataPipeline } & DataPipelineOptions = {}): TestVideo[] {
  return (options.pipeline ?? new DataPipeline(source, plan, options)).testVideos('test');
}
