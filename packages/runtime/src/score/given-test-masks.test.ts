import { describe, expect, it } from 'vitest';
import type { TestBatch } from '../data/types.ts';
import { testTimeMask } from '../model/test-mask.ts';
import { givenMaskPasses, parseGivenTestMasks, TestMasksError } from './given-test-masks.ts';

const grid = { rows: 2, cols: 4, patch: 2 };
const model = { grid, masking: { strategy: 'random' as const, ratio: 0.5 } };
const shape = { rows: 2, cols: 4, keep: 4 };
const batchOf = (frames: number[]): TestBatch => ({ size: frames.length, frames, height: 4, width: 8, input: new Float32Array(0), motion: new Float32Array(0) }) as unknown as TestBatch;
const file = (videos: unknown, more: Record<string, unknown> = {}) => JSON.stringify({ vadc_test_masks: 1, grid: [2, 4], videos, ...more });

describe('test-time masks given instead of drawn', () => {
  it('keep exactly the listed patches, in the listed order, for the frames of the batch (whatever the seed)', () => {
    const masks = parseGivenTestMasks(file({ clip: [[7, 0, 5, 2], [1, 3, 4, 6], [0, 1, 2, 3]] }), 'masks.json', shape);
    const [pass] = givenMaskPasses(masks, 'clip', 3);
    const mask = testTimeMask(model, batchOf([1, 2]), 99, 0.5, pass);
    expect(Array.from(mask.keepIndex)).toEqual([1, 3, 4, 6, 8 + 0, 8 + 1, 8 + 2, 8 + 3]);
    expect(Array.from(mask.hidden)).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(testTimeMask(model, batchOf([0]), 1, 0.5, pass).keepIndex)).toEqual([7, 0, 5, 2]);
  });

  it('name the file, the video, the frame and what was expected when they do not fit', () => {
    const problem = (text: string, frames = 1): string => {
      try {
        givenMaskPasses(parseGivenTestMasks(text, 'm.json', shape), 'clip', frames);
      } catch (error) {
        expect(error).toBeInstanceOf(TestMasksError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problem(file({ clip: [[0, 1, 2, 3]] }))).toBe('accepted');
    expect(problem(file({ clip: [[0, 1, 2]] }))).toBe('m.json, video clip, frame 0: expected a list of the 4 patches the encoder sees (the model keeps 4 of 8), got 3 values');
    expect(problem(file({ clip: [[0, 1, 2, 2]] }))).toBe('m.json, video clip, frame 0: patch 2 is listed twice');
    expect(problem(file({ clip: [[0, 1, 2, 8]] }))).toBe('m.json, video clip, frame 0: 8 is not a patch index 0..7');
    expect(problem(file({ clip: [[0, 1, 2, 3]] }, { grid: [4, 2] }))).toBe('m.json, key grid: expected the model\'s patch grid [2, 4] (rows, cols), got [4,2]');
    expect(problem(file({ clip: [[0, 1, 2, 3]] }), 2)).toBe('m.json, video clip: 1 masks for 2 frames (expected one mask per frame of clip)');
    expect(problem(file({ a: [[0, 1, 2, 3]], b: [[0, 1, 2, 3]] }))).toBe('m.json: no masks for video clip (the file lists a, b)');
    expect(problem('{')).toMatch(/^m\.json: not JSON/);
  });
});
