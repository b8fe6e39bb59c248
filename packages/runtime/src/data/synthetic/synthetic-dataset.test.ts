import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import type { SyntheticDataPlan } from '@vadc/dsl';
import { frameDifferenceAuc } from './frame-difference-baseline.ts';
import { maskBox, syntheticDataset } from './synthetic-dataset.ts';

const allKinds: SyntheticDataPlan['anomalies'] = ['running', 'wrong-direction', 'loitering', 'vehicle', 'thrown-object'];
const plan: SyntheticDataPlan = { seed: 7, train_videos: 2, test_videos: 5, frames: 60, resolution: [48, 64], walkers: [1, 3], anomalies: allKinds };

describe('syntheticDataset', () => {
  it('has the planned splits, sizes and names', () => {
    const source = syntheticDataset(plan);
    expect(source.train.map((video) => video.name)).toEqual(['train-001', 'train-002']);
    expect(source.test.length).toBe(5);
    expect(source.validation).toEqual([]);
    expect(source.train[0]!.truth).toBeNull();
    expect(source.test[0]!.resolution).toEqual([48, 64]);
  });

  it('renders frames deterministically per (seed, video, frame), in any order', async () => {
    const video = syntheticDataset(plan).test[1]!;
    const late = await video.readFrame(40);
    await video.readFrame(3);
    expect(await syntheticDataset(plan).test[1]!.readFrame(40)).toEqual(late);
    expect(await video.readFrame(41)).not.toEqual(late);
    expect(await syntheticDataset({ ...plan, seed: 8 }).test[1]!.readFrame(40)).not.toEqual(late);
    // Greyscale stored as replicated RGB.
    for (let index = 0; index < late.length; index += 3) expect(late[index + 2]).toBe(late[index]);
    await expect(video.readFrame(60)).rejects.toThrow(RangeError);
  });

  it('has exact truth: labels = any mask pixel, one box per track = its mask bounds, tracks contiguous', () => {
    const source = syntheticDataset(plan);
    let anomalous = 0;
    for (const video of source.test) {
      const truth = video.truth!;
      expect(truth.labels.length).toBe(video.frameCount);
      const framesOfTrack = new Map<number, number[]>();
      truth.labels.forEach((label, frame) => {
        const mask = truth.masks!.get(frame)!;
        expect(mask.length).toBe(48 * 64);
        expect(label).toBe(mask.some((value) => value === 1) ? 1 : 0);
        const regions = truth.regions!.get(frame)!;
        expect(regions.length > 0).toBe(label === 1);
        if (regions.length === 1) expect(regions[0]!.box).toEqual(maskBox(mask, 48, 64));
        for (const region of regions) {
          const [x1, y1, x2, y2] = region.box;
          expect(0 <= x1 && x1 <= x2 && x2 < 64 && 0 <= y1 && y1 <= y2 && y2 < 48).toBe(true);
          framesOfTrack.set(region.trackId, [...(framesOfTrack.get(region.trackId) ?? []), frame]);
        }
      });
      for (const frames of framesOfTrack.values()) expect(frames[frames.length - 1]! - frames[0]! + 1).toBe(frames.length);
      anomalous += truth.labels.reduce((sum, label) => sum + label, 0);
    }
    const total = source.test.length * plan.frames;
    expect(anomalous / total).toBeGreaterThan(0.1);
    expect(anomalous / total).toBeLessThan(0.9);
  });

  it('draws anomalies where their masks are: masked pixels differ from the empty scene', async () => {
    const source = syntheticDataset(plan);
    const empty = syntheticDataset({ ...plan, walkers: [0, 0], anomalies: [] });
    const video = source.test[3]!;
    const frame = video.truth!.labels.indexOf(1);
    const [drawn, scene] = await Promise.all([video.readFrame(frame), empty.test[3]!.readFrame(frame)]);
    const mask = video.truth!.masks!.get(frame)!;
    let differing = 0;
    let masked = 0;
    mask.forEach((value, pixel) => {
      if (value !== 1) return;
      masked++;
      if (Math.abs(drawn[pixel * 3]! - scene[pixel * 3]!) > 0) differing++;
    });
    expect(masked).toBeGreaterThan(0);
    expect(differing / masked).toBeGreaterThan(0.8);
  });

  it('leaves the frame-difference baseline well short of a perfect AUC', async () => {
    const auc = await frameDifferenceAuc(syntheticDataset({ ...plan, test_videos: 6, frames: 100, resolution: [60, 90], walkers: [2, 6] }));
    expect(auc).toBeGreaterThan(0.55);
    expect(auc).toBeLessThan(0.95);
  });
});

describe('the benchmark\'s structure: scenes, videos abnormal throughout, brief anomalies', () => {
  async function digest(source: ReturnType<typeof syntheticDataset>): Promise<string> {
    const hash = createHash('sha256');
    for (const video of [...source.train, ...source.test]) {
      for (const frame of [0, 17, 40, 59]) hash.update(await video.readFrame(frame));
      if (video.truth !== null) hash.update(JSON.stringify(video.truth.labels));
    }
    return hash.digest('hex').slice(0, 16);
  }

  it('generates the same frames and labels as before these options existed when they keep their defaults', async () => {
    // The digest was taken on the generator before scenes / abnormal_throughout / brief were added.
    expect(await digest(syntheticDataset(plan))).toBe('3e6803935f028bc2');
    expect(await digest(syntheticDataset({ ...plan, scenes: 1, abnormal_throughout: 0, brief: 0 }))).toBe('3e6803935f028bc2');
  });

  it('films video i in scene i mod scenes: scene 0 unchanged, another scene another background', async () => {
    const empty = { ...plan, walkers: [0, 0] as [number, number] };
    const one = syntheticDataset(empty);
    const two = syntheticDataset({ ...empty, scenes: 2 });
    expect(await two.train[0]!.readFrame(5)).toEqual(await one.train[0]!.readFrame(5));
    const [a, b] = [await one.train[1]!.readFrame(5), await two.train[1]!.readFrame(5)];
    let difference = 0;
    for (let index = 0; index < a.length; index += 3) difference += Math.abs(a[index]! - b[index]!);
    expect(difference / (a.length / 3)).toBeGreaterThan(10);
  });

  it('makes the last abnormal_throughout test videos abnormal in every frame, with several tracks', () => {
    for (const anomalies of [allKinds, ['thrown-object'], ['loitering', 'vehicle']] as Array<SyntheticDataPlan['anomalies']>) {
      const source = syntheticDataset({ ...plan, anomalies, test_videos: 4, abnormal_throughout: 2 });
      for (const video of source.test.slice(2)) {
        const truth = video.truth!;
        expect(truth.labels.every((label) => label === 1), `${anomalies.join('+')} ${video.name}`).toBe(true);
        const tracks = new Set([...truth.regions!.values()].flat().map((region) => region.trackId));
        expect(tracks.size).toBeGreaterThan(1);
      }
      // The videos before them keep the ordinary layout: normal frames at their start.
      expect(source.test[0]!.truth!.labels[0]).toBe(0);
    }
  });

  it('gives brief videos one small anomaly of at most 18 frames', () => {
    for (const anomalies of [allKinds, ['running', 'vehicle']] as Array<SyntheticDataPlan['anomalies']>) {
      const source = syntheticDataset({ ...plan, anomalies, test_videos: 3, brief: 1, abnormal_throughout: 1 });
      const truth = source.test[1]!.truth!;
      const abnormal = truth.labels.flatMap((label, frame) => (label === 1 ? [frame] : []));
      expect(abnormal.length, anomalies.join('+')).toBeGreaterThan(0);
      expect(abnormal.length).toBeLessThanOrEqual(18);
      expect(abnormal[abnormal.length - 1]! - abnormal[0]! + 1).toBe(abnormal.length);
      const tracks = new Set(abnormal.flatMap((frame) => truth.regions!.get(frame)!.map((region) => region.trackId)));
      expect([...tracks]).toEqual([1]);
      for (const frame of abnormal) {
        const area = truth.masks!.get(frame)!.reduce((sum, value) => sum + value, 0);
        expect(area / (48 * 64)).toBeLessThan(0.03);
      }
      expect(source.test[2]!.truth!.labels.every((label) => label === 1)).toBe(true);
    }
  });
});

describe('readSynthetic (the dataset registry entry)', () => {
  it('opens the plan\'s benchmark, only the splits asked for, and names a missing options block', async () => {
    const { readSynthetic } = await import('./read-synthetic.ts');
    const { tinyPlan } = await import('../../test-plan.ts');
    const plan = tinyPlan();
    const all = await readSynthetic(plan);
    expect([all.train.length, all.test.length]).toEqual([2, 2]);
    const trainOnly = await readSynthetic(plan, { splits: ['train'] });
    expect([trainOnly.train.length, trainOnly.test.length]).toEqual([2, 0]);
    await expect(readSynthetic({ ...plan, data: { ...plan.data, synthetic: null } })).rejects.toMatchObject({ code: 'SYNTHETIC_OPTIONS' });
  });
});
