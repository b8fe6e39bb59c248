import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { DiskCache } from './disk-cache.ts';
import { LruCache } from './lru-cache.ts';
import { greyFrame, memoryVideo } from './test-fixtures.ts';
import { VideoFrames, type FrameStoreShared } from './video-frames.ts';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'vadc-motion-'));
  folders.push(folder);
  return folder;
}

function shared(size: [number, number], step: number, cache: DiskCache | null): FrameStoreShared {
  return { size, step, cache, cacheFrames: true, native: new LruCache(8), resized: new LruCache(16) };
}

// Five 2x2 frames; pixel (y, x) of frame i is 10 * i + 5 * x * i + y (so motion differs per pixel and frame).
const frames = Array.from({ length: 5 }, (_, index) => greyFrame(2, 2, (y, x) => 10 * index + 5 * x * index + y));
const red = (image: Uint8Array) => [...image].filter((_, offset) => offset % 3 === 0);

describe('VideoFrames motion gradients', () => {
  it('is |f(t - 1) - f(t + 1)| in raw units, with frame t itself beyond the ends', async () => {
    const store = new VideoFrames(memoryVideo('v', frames, 2, 2), 'v', shared([2, 2], 1, null));
    // Frame 2: |f1 - f3| = |10 + 5x - 30 - 15x| = 20 + 10x -> [20, 30, 20, 30].
    expect(red(await store.motion(2))).toEqual([20, 30, 20, 30]);
    // Frame 0: |f0 - f1| = 10 + 5x -> [10, 15, 10, 15].
    expect(red(await store.motion(0))).toEqual([10, 15, 10, 15]);
    // Frame 4: |f3 - f4| = 10 + 5x.
    expect(red(await store.motion(4))).toEqual([10, 15, 10, 15]);
  });

  it('computes at native size and then resizes the gradient (not the frames)', async () => {
    const store = new VideoFrames(memoryVideo('v', frames, 2, 2), 'v', shared([1, 1], 1, null));
    // Frame 2's native gradient [20, 30, 20, 30] shrinks to its mean 25.
    expect([...(await store.motion(2))]).toEqual([25, 25, 25]);
    expect([...(await store.resized(1))]).toEqual([13, 13, 13]);
  });
});

describe('motion disk cache', () => {
  it('computes once, and a second pipeline on the same folder reads the cache without recomputing', async () => {
    const folder = temporaryFolder();
    const first = new DiskCache(folder);
    const video = memoryVideo('v', frames, 2, 2);
    const store = new VideoFrames(video, 'v', shared([2, 2], 1, first));
    expect(red(await store.motion(2))).toEqual([20, 30, 20, 30]);
    expect(first.stats).toEqual({ computedFrames: 5, entryHits: 0, entryWrites: 2 });
    await first.close();

    const second = new DiskCache(folder);
    const again = memoryVideo('v', frames, 2, 2);
    const cached = new VideoFrames(again, 'v', shared([2, 2], 1, second));
    expect(red(await cached.motion(2))).toEqual([20, 30, 20, 30]);
    expect(red(await cached.resized(3))).toEqual(red(frames[3] as Uint8Array));
    expect(second.stats).toEqual({ computedFrames: 0, entryHits: 2, entryWrites: 0 });
    expect(cached.counters.motionComputed).toBe(0);
    // Only the identity's content sample (first, middle, last frame) was decoded.
    expect(again.reads).toBe(3);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await second.close();
  });

  it('keys entries by parameters and content: another step or other pixels make new entries', async () => {
    const folder = temporaryFolder();
    const cache = new DiskCache(folder);
    await new VideoFrames(memoryVideo('v', frames, 2, 2), 'a', shared([2, 2], 1, cache)).motion(0);
    const stepTwo = new VideoFrames(memoryVideo('v', frames, 2, 2), 'b', shared([2, 2], 2, cache));
    // Step 2 at frame 2: |f0 - f4| = 40 + 20x.
    expect(red(await stepTwo.motion(2))).toEqual([40, 60, 40, 60]);
    const changed = frames.map((frame) => frame.map((value) => value + 1));
    await new VideoFrames(memoryVideo('v', changed, 2, 2), 'c', shared([2, 2], 1, cache)).motion(0);
    expect(cache.stats.entryWrites).toBe(6);
    expect(cache.stats.entryHits).toBe(0);
    await cache.close();
  });
});

describe('LruCache', () => {
  it('never holds more than its capacity and evicts the least recently used', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    cache.get(1);
    cache.set(3, 'c');
    expect(cache.size).toBe(2);
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toBe('a');
  });
});

describe('DataPipeline.prepare', () => {
  it('builds the cache entries of every video up front, reporting progress, so batches compute nothing', async () => {
    const { DataPipeline } = await import('./data-pipeline.ts');
    const { tinyPlan } = await import('../../test-plan.ts');
    const { rampDataset } = await import('./test-fixtures.ts');
    const plan = tinyPlan({ data: { size: [4, 4], cache_dir: temporaryFolder() }, synthetic_anomalies: { probability: 0 } });
    const pipeline = new DataPipeline(rampDataset(3, 6, 4, 4), plan);
    const progress: string[] = [];
    await pipeline.prepare('train', (done, total, name) => progress.push(`${done}/${total} ${name}`));
    expect(progress).toEqual(['1/3 v0', '2/3 v1', '3/3 v2']);
    expect(pipeline.cache!.stats.computedFrames).toBe(18);
    for await (const batch of pipeline.trainingBatches({ epoch: 0, batchSize: 6 })) expect(batch.size).toBe(6);
    expect(pipeline.cache!.stats.computedFrames).toBe(18);
    await pipeline.close();
  });
});
