// Calibration's footage and threshold without a trained model: a stub detector whose "model" scores each frame by
// its mean brightness, the held-out path with a stubbed id list (issue 13 implements heldOutVideoIds), and the refusal
// that says what to pass.
import { describe, expect, it, vi } from 'vitest';
import { createMemoryReader, resolveRecipe, type Plan } from '@vadc/dsl';
import type { FrameOutputs } from '../model/inference.ts';
import type { TestBatch } from '../data/types.ts';
import { UsageError } from '../run-io.ts';
import { calibrate, normalFootage } from './calibrate-run.ts';
import type { Detector } from './detector.ts';

const held = vi.hoisted(() => ({ ids: [] as string[] }));
vi.mock('../data/held-out.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../data/held-out.ts')>()),
  heldOutVideoIds: (_plan: Plan, ids: readonly string[]) => ids.filter((id) => held.ids.includes(id)),
}));

function stubDetector(plan: Plan): Detector {
  // Every patch of a frame gets the frame's mean input value + 1 (teacher weight only, so the frame score is that).
  const infer = async (batch: TestBatch): Promise<FrameOutputs> => {
    const tokens = (plan.data.size[0] / plan.model.patch) * (plan.data.size[1] / plan.model.patch);
    const perFrame = batch.input.length / batch.size;
    const values = new Float32Array(batch.size * tokens);
    for (let frame = 0; frame < batch.size; frame++) {
      let sum = 0;
      for (let index = 0; index < perFrame; index++) sum += batch.input[frame * perFrame + index]!;
      values.fill(sum / perFrame + 1, frame * tokens, (frame + 1) * tokens);
    }
    const zeros = new Float32Array(values.length);
    return {
      size: batch.size, frames: batch.frames, rows: plan.data.size[0] / plan.model.patch, cols: plan.data.size[1] / plan.model.patch, hidden: zeros,
      teacherError: { l1: values, l2: values }, discrepancy: { l1: zeros, l2: zeros }, anomalyError: null, anomalyMap: null, classifier: null, teacher: null, student: null,
    };
  };
  return {
    kind: 'run', path: '/nowhere', run: null, plan, recipeHash: 'h', threshold: null, engine: 'tfjs', description: 'stub', cacheDir: '/tmp/vadc-calibrate-test-cache',
    infer, release: async () => {},
  };
}

const RECIPE = `vadc: 1
data:
  dataset: synthetic
  size: [16, 24]
  synthetic: { seed: 2, train_videos: 3, test_videos: 1, frames: 10, resolution: [16, 24], walkers: [1, 1], anomalies: [running] }
model: { patch: 8 }
scoring: { weights: { teacher: 1, discrepancy: 0, anomaly_map: 0 }, smoothing: { kind: none }, batch: 4 }
`;

describe('calibration footage and threshold', async () => {
  const resolved = await resolveRecipe('/p/recipes/a.yaml', { reader: createMemoryReader({ '/p/recipes/a.yaml': RECIPE, '/p/.git/HEAD': 'ref: x\n' }) });
  if (!resolved.ok) throw new Error(resolved.errors.map((error) => error.message).join('; '));
  const plan = resolved.plan;

  it('refuses with what to pass when the plan holds no training video out', async () => {
    held.ids = [];
    const error = await normalFootage(stubDetector(plan), [], '/').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/holds no training videos out.*--normal <video-or-folder>/);
  });

  it('calibrates on the held-out training videos only, never the test split', async () => {
    const detector = stubDetector(plan);
    const all = await normalFootage(detector, [], '/').catch(() => null);
    expect(all).toBeNull();
    held.ids = ['train-002'];
    const footage = await normalFootage(detector, [], '/');
    expect(footage.source).toBe('held-out');
    expect(footage.videos.map((video) => video.name)).toEqual(['train-002']);
    const record = await calibrate(detector, footage, { kind: 'percentile', value: 100 }, 25, () => undefined);
    expect(record).toMatchObject({ source: 'held-out', videos: [{ name: 'train-002', frames: 10 }], frames: 10, achieved: { abnormal_frames: 0, events: 0 } });
  });
});
