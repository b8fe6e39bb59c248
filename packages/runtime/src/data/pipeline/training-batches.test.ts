import { describe, it, expect } from 'vitest';
import { tinyPlan } from '../../test-plan.ts';
import type { TrainingBatch } from '../types.ts';
import { DataPipeline } from './data-pipeline.ts';
import { epochOrder } from './training-batches.ts';
import { rampDataset } from './test-fixtures.ts';

async function collect(batches: AsyncIterable<TrainingBatch>): Promise<TrainingBatch[]> {
  const out: TrainingBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

const plan = tinyPlan({ data: { size: [8, 8], context: [-3, 0, 3] }, synthetic_anomalies: { probability: 0.5, generator: 'procedural' } });

describe('epochOrder', () => {
  it('is a permutation of all samples, fixed per (seed, epoch), different across epochs and seeds', () => {
    const order = epochOrder([3, 2], 1, 0);
    expect([...order].sort().map(String)).toEqual(['0,0', '0,1', '0,2', '1,0', '1,1']);
    expect(epochOrder([3, 2], 1, 0)).toEqual(order);
    const big = epochOrder([50, 50], 1, 0).map(String).join();
    expect(epochOrder([50, 50], 1, 1).map(String).join()).not.toBe(big);
    expect(epochOrder([50, 50], 2, 0).map(String).join()).not.toBe(big);
  });
});

describe('trainingBatches', () => {
  it('yields every sample once per epoch with the contract shapes and ranges', async () => {
    const pipeline = new DataPipeline(rampDataset(2, 10, 8, 8), plan);
    const batches = await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 3 }));
    expect(batches.map((batch) => batch.size)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    const batch = batches[0] as TrainingBatch;
    expect(batch.input.length).toBe(3 * 8 * 8 * 9);
    expect(batch.target.length).toBe(3 * 8 * 8 * 3);
    expect(batch.motion.length).toBe(3 * 8 * 8 * 3);
    expect(batch.anomalyMask.length).toBe(3 * 8 * 8);
    for (const b of batches) {
      expect(Math.min(...b.input)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...b.input)).toBeLessThanOrEqual(1);
    }
    expect(batches.reduce((sum, b) => sum + b.hasAnomaly.reduce((s, v) => s + v, 0), 0)).toBeGreaterThan(0);
  });

  it('stacks the context frames in order and keeps the clean frame as target', async () => {
    // Ramp frames: pixel (y, x) of frame i of video v is 10v + i + y + x, so every slot is recognisable.
    const clean = tinyPlan({ data: { size: [8, 8], context: [-3, 0, 3] }, synthetic_anomalies: { probability: 0 } });
    const pipeline = new DataPipeline(rampDataset(1, 10, 8, 8), clean);
    const order = epochOrder([10], clean.runtime.seed, 0);
    const [batch] = await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 10, maxBatches: 1 }));
    const scaled = (value: number) => (value - 127.5) / 127.5;
    order.forEach(([, frame], slot) => {
      const base = slot * 64 * 9;
      // Pixel (0, 0), channel 0 of each slot: frames max(t-3 | t), t, min(t+3 | t).
      const expected = [frame - 3 < 0 ? frame : frame - 3, frame, frame + 3 > 9 ? frame : frame + 3];
      expect([0, 3, 6].map((channel) => batch!.input[base + channel])).toEqual(expected.map((value) => Math.fround(scaled(value))));
      expect(batch!.target[slot * 64 * 3]).toBe(Math.fround(scaled(frame)));
      // Motion of a ramp: |f(t-1) - f(t+1)| = 2 inside, 1 at the ends.
      expect(batch!.motion[slot * 64 * 3]).toBe(frame === 0 || frame === 9 ? 1 : 2);
    });
  });

  it('is the same for a seed whatever the prefetch depth, and different for another seed', async () => {
    const source = rampDataset(2, 12, 8, 8);
    const run = (seed: number, prefetch: number) => collect(new DataPipeline(source, plan).trainingBatches({ epoch: 1, batchSize: 4, seed, prefetch }));
    const [a, b, c] = await Promise.all([run(5, 1), run(5, 4), run(6, 2)]);
    expect(b.map((batch) => [...batch.input])).toEqual(a.map((batch) => [...batch.input]));
    expect(b.map((batch) => [...batch.anomalyMask])).toEqual(a.map((batch) => [...batch.anomalyMask]));
    expect(c.map((batch) => [...batch.input])).not.toEqual(a.map((batch) => [...batch.input]));
  });

  it('marks anomalous samples: mask non-empty, and input differs from target only inside the mask', async () => {
    const pipeline = new DataPipeline(rampDataset(2, 10, 8, 8), tinyPlan({ data: { size: [8, 8] }, synthetic_anomalies: { probability: 1 } }));
    const batches = await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 5 }));
    for (const batch of batches) {
      for (let slot = 0; slot < batch.size; slot++) {
        const mask = batch.anomalyMask.subarray(slot * 64, slot * 64 + 64);
        expect(batch.hasAnomaly[slot]).toBe(1);
        expect(mask.some((value) => value === 1)).toBe(true);
        for (let pixel = 0; pixel < 64; pixel++) {
          for (let channel = 0; channel < 3; channel++) {
            const input = batch.input[(slot * 64 + pixel) * 9 + 3 + channel];
            const target = batch.target[(slot * 64 + pixel) * 3 + channel];
            if (input !== target) expect(mask[pixel]).toBe(1);
          }
        }
      }
    }
  });

  it('holds a bounded number of frames however long the epoch', async () => {
    const pipeline = new DataPipeline(rampDataset(3, 40, 8, 8), plan, { nativeFrames: 4, resizedFrames: 6 });
    let most = 0;
    for await (const batch of pipeline.trainingBatches({ epoch: 0, batchSize: 4, prefetch: 2 })) {
      expect(batch.size).toBe(4);
      most = Math.max(most, pipeline.heldFrames());
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(10);
  });

  it('stops after maxBatches and can drop a short last batch', async () => {
    const pipeline = new DataPipeline(rampDataset(1, 10, 8, 8), plan);
    expect((await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 3, maxBatches: 2 }))).length).toBe(2);
    expect((await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 3, dropLast: true }))).map((b) => b.size)).toEqual([3, 3, 3]);
  });
});

describe('testVideos', () => {
  it('streams consecutive frames in batches, inputs built like training inputs', async () => {
    const clean = tinyPlan({ data: { size: [8, 8], context: [-3, 0, 3] }, synthetic_anomalies: { probability: 0 } });
    const [video] = new DataPipeline(rampDataset(1, 7, 8, 8), clean).testVideos();
    const frames: number[] = [];
    const centre: number[] = [];
    for await (const batch of video!.batches(3)) {
      frames.push(...batch.frames);
      for (let slot = 0; slot < batch.size; slot++) centre.push(Math.round(batch.input[slot * 64 * 9 + 3]! * 127.5 + 127.5));
      expect(batch.motion.length).toBe(batch.size * 64 * 3);
    }
    expect(frames).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(centre).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('DataPipeline on the synthetic benchmark', () => {
  it('feeds tinyPlan-sized batches and passes the truth of the test videos through', async () => {
    const { syntheticDataset } = await import('../synthetic/synthetic-dataset.ts');
    const tiny = tinyPlan();
    const source = syntheticDataset(tiny.data.synthetic!);
    const pipeline = new DataPipeline(source, tiny);
    const [batch] = await collect(pipeline.trainingBatches({ epoch: 0, batchSize: 4, maxBatches: 1 }));
    expect([batch!.size, batch!.height, batch!.width, batch!.input.length]).toEqual([4, 32, 32, 4 * 32 * 32 * 9]);
    const videos = pipeline.testVideos();
    expect(videos.map((video) => video.name)).toEqual(['test-001', 'test-002']);
    expect(videos[0]!.truth!.labels).toEqual(source.test[0]!.truth!.labels);
    expect(videos[0]!.frameCount).toBe(24);
  });

  it('reports a bad generator setup when the epoch is requested, with its code', () => {
    const objects = tinyPlan({ synthetic_anomalies: { generator: 'objects', options: { folder: '/nonexistent/objects' } } });
    const pipeline = new DataPipeline(rampDataset(1, 4, 8, 8), objects);
    expect(() => pipeline.trainingBatches({ epoch: 0, batchSize: 2 })).toThrow(expect.objectContaining({ code: 'OBJECTS_FOLDER_MISSING' }));
    const empty = new DataPipeline({ train: [], validation: [], test: [] }, plan);
    expect(() => empty.trainingBatches({ epoch: 0, batchSize: 2 })).toThrow(expect.objectContaining({ code: 'NO_TRAINING_VIDEOS' }));
    expect(() => new DataPipeline(rampDataset(1, 4, 8, 8), tinyPlan({ data: { context: [-1, 1] } }))).toThrow(expect.objectContaining({ code: 'CONTEXT' }));
    expect(() => new DataPipeline(rampDataset(1, 4, 8, 8), plan).trainingBatches({ epoch: 0, batchSize: 0 })).toThrow(RangeError);
  });
});
