import { describe, it, expect } from 'vitest';
import { absoluteDifference, contextIndices, motionNeighbours, writeStack } from './frames.ts';

describe('contextIndices', () => {
  it('stacks t-3, t, t+3 and falls back to t where a neighbour is outside the video', () => {
    expect(contextIndices(5, [-3, 0, 3], 10)).toEqual([2, 5, 8]);
    expect(contextIndices(1, [-3, 0, 3], 10)).toEqual([1, 1, 4]);
    expect(contextIndices(8, [-3, 0, 3], 10)).toEqual([5, 8, 8]);
    expect(contextIndices(0, [-2, -1, 0], 3)).toEqual([0, 0, 0]);
  });
});

describe('motionNeighbours', () => {
  it('uses frame t itself for an out-of-range neighbour (extract_gradients.py)', () => {
    expect(motionNeighbours(3, 1, 5)).toEqual([2, 4]);
    expect(motionNeighbours(0, 1, 5)).toEqual([0, 1]);
    expect(motionNeighbours(4, 1, 5)).toEqual([3, 4]);
    expect(motionNeighbours(1, 2, 5)).toEqual([1, 3]);
  });
});

describe('absoluteDifference', () => {
  it('is |a - b| per byte in raw units', () => {
    expect([...absoluteDifference(new Uint8Array([0, 255, 10]), new Uint8Array([255, 0, 30]))]).toEqual([255, 255, 20]);
  });
});

describe('writeStack', () => {
  it('interleaves frames channel-wise and scales (v - 127.5) / 127.5', () => {
    // Two frames of one pixel: [0, 255, 51] and [255, 0, 204].
    const out = new Float32Array(6);
    writeStack([new Uint8Array([0, 255, 51]), new Uint8Array([255, 0, 204])], 1, out, 0);
    expect([...out].map((v) => +v.toFixed(4))).toEqual([-1, 1, -0.6, 1, -1, 0.6]);
  });
});
