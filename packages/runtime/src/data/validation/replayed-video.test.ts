// `validation.generator: replay` and the held-out layouts (issue 24): the video's own walkers replayed with a wrong
// motion, nothing pasted from elsewhere; videos abnormal throughout beside videos left normal.
import { describe, expect, it } from 'vitest';
import type { ValidationPlan } from '@vadc/dsl';
import { tinyPlan } from '../../test-plan.ts';
import { DataPipeline } from '../pipeline/data-pipeline.ts';
import { syntheticDataset } from '../synthetic/synthetic-dataset.ts';
import type { TestVideo } from '../types.ts';
import { anomalyStretches, heldOutLayout } from './pasted-video.ts';

const synthetic = { seed: 2, train_videos: 5, test_videos: 1, frames: 48, resolution: [48, 72] as [number, number], walkers: [2, 3] as [number, number], anomalies: ['running' as const] };
const validation = (overrides: Partial<ValidationPlan> = {}): ValidationPlan => ({
  hold_out: 3, seed: 4, every: 1, metric: 'micro_auc', selection: 'last', anomalies: { intervals: 2, length: [0.25, 0.35], whole: 0, normal: 0 }, generator: 'replay', ...overrides,
});
const plan = (overrides: Partial<ValidationPlan> = {}) => tinyPlan({ data: { size: [48, 72], synthetic }, validation: validation(overrides) });

/** Whether two float arrays hold the same values (vitest's deep equality is slow on millions of floats). */
const same = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((value, at) => value === b[at]);

async function framesOf(video: TestVideo): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const batch of video.batches(48)) parts.push(batch.input.slice());
  return parts[0]!;
}

describe('replayed held-out videos', () => {
  it('moves the video\'s own objects in the stretches and leaves every other frame untouched, with honest labels', async () => {
    const replayed = await new DataPipeline(syntheticDataset(synthetic), plan()).heldOutVideos();
    // The same held-out videos left normal: the first two of three (the layout keeps stretches in the last).
    const clean = new DataPipeline(syntheticDataset(synthetic), plan({ anomalies: { intervals: 2, length: [0.25, 0.35], whole: 0, normal: 2 } }));
    const normal = await clean.heldOutVideos();
    let labelled = 0;
    for (const [index, video] of replayed.slice(0, 2).entries()) {
      const reference = normal[index]!;
      expect(reference.truth!.labels.every((label) => label === 0)).toBe(true);
      const [frames, cleanFrames] = [await framesOf(video), await framesOf(reference)];
      const perFrame = frames.length / video.frameCount;
      const stretches = anomalyStretches(video.frameCount, validation().anomalies, 4, video.name);
      const inStretch = (frame: number) => stretches.some((stretch) => frame >= stretch.first && frame <= stretch.last);
      for (let frame = 0; frame < video.frameCount; frame++) {
        const [a, b] = [frames.subarray(frame * perFrame, (frame + 1) * perFrame), cleanFrames.subarray(frame * perFrame, (frame + 1) * perFrame)];
        const label = video.truth!.labels[frame]!;
        // Labels only inside stretches; a labelled frame has a mask, and its pixels differ from the clean frame.
        if (!inStretch(frame)) expect(label, `${video.name} frame ${frame}`).toBe(0);
        expect(video.truth!.masks!.has(frame)).toBe(label === 1);
        if (label === 1) {
          labelled++;
          expect(same(a, b)).toBe(false);
        }
        // Frames far from any stretch (beyond the context and motion reach) are the clean ones.
        if (!stretches.some((stretch) => frame >= stretch.first - 4 && frame <= stretch.last + 4)) expect(same(a, b), `${video.name} frame ${frame}`).toBe(true);
      }
    }
    expect(labelled).toBeGreaterThan(5);
  });

  it('gives the same frames and labels for the same seed', async () => {
    const [first, second] = [await new DataPipeline(syntheticDataset(synthetic), plan()).heldOutVideos(), await new DataPipeline(syntheticDataset(synthetic), plan()).heldOutVideos()];
    for (const [index, video] of first.entries()) {
      expect(second[index]!.truth!.labels).toEqual(video.truth!.labels);
      expect(same(await framesOf(second[index]!), await framesOf(video))).toBe(true);
    }
  });

  it('makes the first `whole` held-out videos abnormal throughout and the next `normal` ones normal', async () => {
    const videos = await new DataPipeline(syntheticDataset(synthetic), plan({ generator: 'procedural', anomalies: { intervals: 2, length: [0.25, 0.35], whole: 1, normal: 1 } })).heldOutVideos();
    const abnormal = (video: TestVideo) => video.truth!.labels.filter((label) => label === 1).length / video.frameCount;
    expect(abnormal(videos[0]!)).toBeGreaterThan(0.8);
    expect(abnormal(videos[1]!)).toBe(0);
    expect(abnormal(videos[2]!)).toBeGreaterThan(0);
    expect(abnormal(videos[2]!)).toBeLessThan(0.8);
    const layouts = (count: number, whole: number, normal: number) => Array.from({ length: count }, (_, position) => heldOutLayout(position, count, { intervals: 1, length: [0.1, 0.2], whole, normal }));
    expect(layouts(4, 1, 2)).toEqual(['whole', 'normal', 'normal', 'stretches']);
    expect(layouts(2, 1, 1)).toEqual(['whole', 'normal']);
    // One held-out video cannot carry both classes as a whole video; nor can a set of normal videos.
    expect(layouts(1, 1, 1)).toEqual(['stretches']);
    expect(layouts(2, 0, 5)).toEqual(['normal', 'stretches']);
    const tiles = anomalyStretches(100, { intervals: 2, length: [0.1, 0.3] }, 1, 'v', 'whole');
    expect(tiles.map((stretch) => [stretch.first, stretch.last])).toEqual([[0, 29], [30, 59], [60, 89], [90, 99]]);
  });
});
