// The held-out validation split: whole training videos, drawn from validation.seed, never read by training, and
// the same pasted anomalies (frames, masks, labels) for the same seed.
import { describe, expect, it } from 'vitest';
import type { ValidationPlan } from '@vadc/dsl';
import { tinyPlan } from '../../test-plan.ts';
import { heldOutCount, heldOutProblem, heldOutVideoIds } from '../held-out.ts';
import { DataPipeline } from '../pipeline/data-pipeline.ts';
import { rampDataset } from '../pipeline/test-fixtures.ts';
import type { TestVideo } from '../types.ts';
import { anomalyStretches } from './pasted-video.ts';

const validation = (overrides: Partial<ValidationPlan> = {}): ValidationPlan => ({
  hold_out: 2, seed: 3, every: 1, metric: 'micro_auc', selection: 'last', anomalies: { intervals: 2, length: [0.2, 0.3] }, generator: null, ...overrides,
});
const ids = Array.from({ length: 10 }, (_, index) => `video-${index}`);

async function frames(video: TestVideo): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for await (const batch of video.batches(8)) out.push(batch.input);
  return out;
}

describe('heldOutVideoIds', () => {
  it('holds out nothing without a validation section', () => {
    expect(heldOutVideoIds(tinyPlan(), ids)).toEqual([]);
  });

  it('draws a count or a share from validation.seed, in the dataset order, and the same seed gives the same set', () => {
    const plan = tinyPlan({ validation: validation() });
    const drawn = heldOutVideoIds(plan, ids);
    expect(drawn).toHaveLength(2);
    expect(drawn).toEqual(ids.filter((id) => drawn.includes(id)));
    expect(heldOutVideoIds(tinyPlan({ validation: validation() }), ids)).toEqual(drawn);
    // Training seeds do not move the split; validation seeds do (for some seed among a few).
    expect(heldOutVideoIds(tinyPlan({ validation: validation(), runtime: { seed: 99 } }), ids)).toEqual(drawn);
    const others = [4, 5, 6, 7].map((seed) => heldOutVideoIds(tinyPlan({ validation: validation({ seed }) }), ids).join());
    expect(others.some((other) => other !== drawn.join())).toBe(true);
    expect(heldOutVideoIds(tinyPlan({ validation: validation({ hold_out: 0.25 }) }), ids)).toHaveLength(3);
  });

  it('takes named videos, and reports unknown names and splits that leave nothing to train on', () => {
    const named = tinyPlan({ validation: validation({ hold_out: ['video-7', 'video-2'] }) });
    expect(heldOutVideoIds(named, ids)).toEqual(['video-2', 'video-7']);
    expect(heldOutProblem(named, ids)).toBeNull();
    expect(heldOutProblem(tinyPlan({ validation: validation({ hold_out: ['nope'] }) }), ids)).toMatchObject({ code: 'UNKNOWN_VIDEO' });
    expect(heldOutProblem(tinyPlan({ validation: validation({ hold_out: 0.5 }) }), ['only'])).toMatchObject({ code: 'NOTHING_LEFT' });
    expect([heldOutCount(0.01, 10), heldOutCount(0.5, 10), heldOutCount(5, 3)]).toEqual([1, 5, 2]);
  });
});

describe('the validation split of a DataPipeline', () => {
  const plan = tinyPlan({ data: { size: [8, 8] }, validation: validation({ hold_out: 2 }) });

  it('opens a scoring-only pipeline (no training videos) of a plan with validation: vadc score and calibrate build those', () => {
    const { test } = rampDataset(5, 12, 8, 8);
    const pipeline = new DataPipeline({ train: [], validation: [], test }, plan);
    expect(pipeline.heldOut).toHaveLength(0);
    expect(pipeline.testVideos('test')).toHaveLength(test.length);
    // With training videos, a split that leaves nothing to train on is still an error.
    expect(() => new DataPipeline({ ...rampDataset(1, 12, 8, 8), validation: [] }, plan)).toThrow(/training videos out/);
  });

  it('never overlaps the training frames: training reads no frame of a held-out video', async () => {
    const source = rampDataset(5, 12, 8, 8);
    const pipeline = new DataPipeline(source, plan);
    const held = new Set(pipeline.heldOut.map((store) => store.video.name));
    expect(held.size).toBe(2);
    expect(pipeline.train.map((store) => store.video.name).filter((name) => held.has(name))).toEqual([]);
    expect(pipeline.trainingSampleCount()).toBe(3 * 12);
    for (let epoch = 0; epoch < 2; epoch++) for await (const batch of pipeline.trainingBatches({ epoch, batchSize: 5 })) void batch;
    const reads = (name: string) => (source.train.find((video) => video.name === name) as unknown as { reads: number }).reads;
    for (const name of held) expect(reads(name), name).toBe(0);
    for (const store of pipeline.train) expect(reads(store.video.name)).toBeGreaterThan(0);
    // Validation reads them (and only then).
    const videos = await pipeline.heldOutVideos();
    expect(videos.map((video) => video.name).sort()).toEqual([...held].sort());
  });

  it('pastes the same anomalies, masks and labels for the same seed, with both classes in every video', async () => {
    const first = await new DataPipeline(rampDataset(5, 12, 8, 8), plan).heldOutVideos();
    const second = await new DataPipeline(rampDataset(5, 12, 8, 8), plan).heldOutVideos();
    for (const [index, video] of first.entries()) {
      const again = second[index]!;
      expect(again.truth!.labels).toEqual(video.truth!.labels);
      expect([...again.truth!.masks!.entries()]).toEqual([...video.truth!.masks!.entries()]);
      expect(await frames(again)).toEqual(await frames(video));
      expect(new Set(video.truth!.labels)).toEqual(new Set([0, 1]));
      // Labelled frames have a non-empty mask, the others none.
      video.truth!.labels.forEach((label, frame) => expect(video.truth!.masks!.has(frame)).toBe(label === 1));
    }
    const clean = new DataPipeline(rampDataset(5, 12, 8, 8), tinyPlan({ data: { size: [8, 8] } }));
    expect(await clean.heldOutVideos()).toEqual([]);
  });

  it('pastes with validation.generator when set, whatever the training generator', async () => {
    const own = await new DataPipeline(rampDataset(5, 12, 8, 8), plan).heldOutVideos();
    const objects = tinyPlan({ data: { size: [8, 8] }, synthetic_anomalies: { generator: 'objects', options: { folder: '/nonexistent/objects' } }, validation: validation({ hold_out: 2, generator: 'procedural' }) });
    const fixed = await new DataPipeline(rampDataset(5, 12, 8, 8), objects).heldOutVideos();
    expect(fixed.map((video) => video.truth!.labels)).toEqual(own.map((video) => video.truth!.labels));
    expect(await frames(fixed[0]!)).toEqual(await frames(own[0]!));
  });

  it('places disjoint stretches of the asked length inside the video', () => {
    const stretches = anomalyStretches(100, { intervals: 3, length: [0.1, 0.2] }, 1, 'v');
    expect(stretches).toHaveLength(3);
    for (const [index, stretch] of stretches.entries()) {
      expect(stretch.last - stretch.first + 1).toBeGreaterThanOrEqual(10);
      expect(stretch.last - stretch.first + 1).toBeLessThanOrEqual(20);
      if (index > 0) expect(stretch.first).toBeGreaterThan(stretches[index - 1]!.last);
      expect(stretch.last).toBeLessThan(100);
    }
    expect(anomalyStretches(100, { intervals: 3, length: [0.1, 0.2] }, 1, 'v')).toEqual(stretches);
  });
});
