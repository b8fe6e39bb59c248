// Access to one video's frames as the model needs them: decoded native frames (through a shared LRU), frames
// resized to the model size, and motion gradients computed at native resolution and then resized (as the official
// code computes them on the original frames and cv2.resize's the result). With a disk cache, the resized frames and
// the motion gradients of the whole video are produced once in one pass and read back from disk afterwards.
import type { VideoSource } from '../types.ts';
import { DiskCache, videoIdentity } from './disk-cache.ts';
import { absoluteDifference, motionNeighbours } from './frames.ts';
import { LruCache } from './lru-cache.ts';
import { PipelineError } from './pipeline-error.ts';
import { createResizer, type Resizer } from './resize.ts';

/** What the frame stores of one pipeline share. */
export interface FrameStoreShared {
  /** Model input size [height, width]. */
  size: [number, number];
  /** Motion step s of |f(t - s) - f(t + s)|. */
  step: number;
  /** Disk cache of resized frames and motion, or null to compute everything on demand. */
  cache: DiskCache | null;
  /** Whether the disk cache also keeps resized frames (it always keeps motion). */
  cacheFrames: boolean;
  /** Decoded native frames, over all videos (key `<store>/<index>`). */
  native: LruCache<string, Promise<Uint8Array>>;
  /** Model-size frames and motion, over all videos (key `<store>/<kind>/<index>`). */
  resized: LruCache<string, Promise<Uint8Array>>;
}

/** Counts of work done, for tests and benchmarks. */
export interface FrameStoreCounters {
  decoded: number;
  motionComputed: number;
}

/** What scoring reads of a video: its frames and motion at model size (VideoFrames, or a held-out video with pasted anomalies). */
export interface FrameStore {
  readonly video: { readonly name: string; readonly frameCount: number };
  resized(index: number): Promise<Uint8Array>;
  motion(index: number): Promise<Uint8Array>;
}

/** One video's frames at model size. */
export class VideoFrames implements FrameStore {
  readonly counters: FrameStoreCounters = { decoded: 0, motionComputed: 0 };
  private readonly resizer: Resizer;
  private entries: Promise<{ frames: string | null; motion: string }> | null = null;
  private readonly frameBytes: number;

  constructor(readonly video: VideoSource, readonly key: string, private readonly shared: FrameStoreShared) {
    this.resizer = createResizer(video.resolution, shared.size, 3);
    this.frameBytes = shared.size[0] * shared.size[1] * 3;
  }

  /** Frame `index` decoded at native resolution (height x width x 3 uint8). */
  native(index: number): Promise<Uint8Array> {
    return this.shared.native.getOrCreate(`${this.key}/${index}`, async () => {
      const frame = await this.video.readFrame(index);
      const [height, width] = this.video.resolution;
      if (frame.length !== height * width * 3) {
        throw new PipelineError('FRAME_SIZE', `frame ${index} of ${this.video.name} has ${frame.length} values, expected ${height}x${width}x3`);
      }
      this.counters.decoded++;
      return frame;
    });
  }

  /** Frame `index` resized to the model size (height x width x 3 uint8, values 0..255). */
  resized(index: number): Promise<Uint8Array> {
    return this.shared.resized.getOrCreate(`${this.key}/frame/${index}`, async () => {
      const entries = await this.cacheEntries();
      if (entries?.frames != null) return this.shared.cache!.read(entries.frames, index, this.frameBytes);
      return this.resizer.resize(await this.native(index));
    });
  }

  /** Motion gradients of frame `index`, |f(t - step) - f(t + step)| at native size, resized (uint8, 0..255). */
  motion(index: number): Promise<Uint8Array> {
    return this.shared.resized.getOrCreate(`${this.key}/motion/${index}`, async () => {
      const entries = await this.cacheEntries();
      if (entries !== null) return this.shared.cache!.read(entries.motion, index, this.frameBytes);
      return this.computeMotion(index);
    });
  }

  private async computeMotion(index: number): Promise<Uint8Array> {
    const [previous, next] = motionNeighbours(index, this.shared.step, this.video.frameCount);
    const [before, after] = await Promise.all([this.native(previous), this.native(next)]);
    this.counters.motionComputed++;
    return this.resizer.resize(absoluteDifference(before, after));
  }

  /** The disk entries of this video (built on first use), or null without a disk cache. */
  private cacheEntries(): Promise<{ frames: string | null; motion: string }> | null {
    const cache = this.shared.cache;
    if (cache === null) return null;
    this.entries ??= (async () => {
      const identity = await videoIdentity(this.video);
      const parameters = { size: this.shared.size, step: this.shared.step };
      const names = [cache.entryName(identity, 'motion', parameters)];
      if (this.shared.cacheFrames) names.push(cache.entryName(identity, 'frames', { size: this.shared.size }));
      const paths = await cache.ensure(names, this.video.frameCount, names.map(() => this.frameBytes), async (index) => {
        const motion = await this.computeMotion(index);
        return this.shared.cacheFrames ? [motion, this.resizer.resize(await this.native(index))] : [motion];
      });
      return { motion: paths[0] as string, frames: paths[1] ?? null };
    })();
    return this.entries;
  }
}
