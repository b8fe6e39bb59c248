import { describe, expect, it } from 'vitest';
import type { TestBatch } from '../data/types.ts';
import type { FrameOutputs } from './inference.ts';
import { keptTokenCount } from './masking.ts';
import { foldPasses, inferWithTestMasks } from '../score/test-mask-passes.ts';
import { FIRST_PASS, testMaskPasses, testTimeMask } from './test-mask.ts';

const grid = { rows: 4, cols: 6, patch: 2 };
const model = { grid, masking: { strategy: 'random' as const, ratio: 0.5 } };
const batchOf = (frames: number[]): TestBatch => ({ size: frames.length, frames, height: 8, width: 12, input: new Float32Array(0), motion: new Float32Array(0) }) as unknown as TestBatch;
const hiddenOf = (mask: { hidden: Float32Array }, sample: number, tokens: number) => [...mask.hidden.subarray(sample * tokens, (sample + 1) * tokens)];

describe('test-time masks', () => {
  it('are drawn from the frame position and the seed: batching changes nothing, the seed and the position do', () => {
    const together = testTimeMask(model, batchOf([3, 4, 5]), 7, 0.5);
    const alone = testTimeMask(model, batchOf([4]), 7, 0.5);
    expect(hiddenOf(alone, 0, 24)).toEqual(hiddenOf(together, 1, 24));
    expect(hiddenOf(testTimeMask(model, batchOf([4]), 8, 0.5), 0, 24)).not.toEqual(hiddenOf(alone, 0, 24));
    expect(hiddenOf(together, 0, 24)).not.toEqual(hiddenOf(together, 1, 24));
  });

  it('complementary passes hide every token exactly once when the hidden share divides the tokens', () => {
    const hidden = 24 - keptTokenCount(grid, 0.5);
    expect(hidden).toBe(12);
    const passes = testMaskPasses({ count: 2, complementary: true });
    const masks = passes.map((pass) => testTimeMask(model, batchOf([9, 10]), 3, 0.5, pass));
    for (const sample of [0, 1]) {
      const times = hiddenOf(masks[0]!, sample, 24).map((value, token) => value + hiddenOf(masks[1]!, sample, 24)[token]!);
      expect(times).toEqual(new Array(24).fill(1));
    }
    // The first complementary pass is the one-mask draw, so count 1 scores as before.
    expect([...masks[0]!.hidden]).toEqual([...testTimeMask(model, batchOf([9, 10]), 3, 0.5, FIRST_PASS).hidden]);
  });

  it('independent passes draw other masks than the first', () => {
    const [first, second] = testMaskPasses({ count: 2, complementary: false }).map((pass) => testTimeMask(model, batchOf([9]), 3, 0.5, pass));
    expect([...second!.hidden]).not.toEqual([...first!.hidden]);
    expect(second!.hidden.reduce((sum, value) => sum + value, 0)).toBe(12);
  });
});

const outputs = (hidden: number[], teacher: number[], classifier: number | null = null): FrameOutputs => {
  const values = Float32Array.from(teacher);
  return {
    size: 1, frames: [0], rows: 1, cols: hidden.length, hidden: Float32Array.from(hidden),
    teacherError: { l1: values, l2: values.map((value) => value * 2) }, anomalyError: null,
    discrepancy: { l1: values.map((value) => value + 1), l2: values }, anomalyMap: values.map((value) => value / 10),
    classifier: classifier === null ? null : Float32Array.of(classifier), teacher: null, student: null,
  };
};

describe('folding test-time mask passes', () => {
  it('takes each patch from the passes that hid it, and the mean of all where none did', () => {
    const folded = foldPasses([outputs([1, 0, 0, 1], [1, 2, 3, 4], 0.2), outputs([0, 1, 0, 1], [10, 20, 30, 40], 0.6)]);
    // Patch 0: hidden in pass 0 only; 1: pass 1 only; 2: in neither (mean); 3: in both (mean).
    expect([...folded.teacherError.l1]).toEqual([1, 20, 16.5, 22]);
    expect([...folded.teacherError.l2]).toEqual([2, 40, 33, 44]);
    expect([...folded.discrepancy.l1]).toEqual([2, 21, 17.5, 23]);
    expect([...folded.anomalyMap!].map((value) => Number(value.toFixed(5)))).toEqual([0.1, 2, 1.65, 2.2]);
    expect([...folded.hidden]).toEqual([1, 1, 0, 1]);
    expect(folded.classifier![0]).toBeCloseTo(0.4, 6);
    expect(folded.anomalyError).toBeNull();
  });

  it('one mask returns the engine\'s outputs untouched; K masks call the engine K times with passes 0..K-1', async () => {
    const calls: number[] = [];
    const single = outputs([1, 0], [1, 2]);
    const infer = async (_batch: TestBatch, pass: { index: number }) => {
      calls.push(pass.index);
      return pass.index === 0 ? single : outputs([0, 1], [5, 6]);
    };
    expect(await inferWithTestMasks(infer, batchOf([0]), {})).toBe(single);
    expect(calls).toEqual([0]);
    const folded = await inferWithTestMasks(infer, batchOf([0]), { test_masks: { count: 3, complementary: false } });
    expect(calls).toEqual([0, 0, 1, 2]);
    // Patch 0 hidden only in pass 0 (value 1); patch 1 hidden in passes 1 and 2 (value 6).
    expect([...folded.teacherError.l1]).toEqual([1, 6]);
  });
});
