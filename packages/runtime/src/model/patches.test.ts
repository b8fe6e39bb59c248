import { describe, expect, it } from 'vitest';
import type { TrainingBatch } from '../data/types.ts';
import { joinPatchValues, patchify, patchGrid, reconstructionTarget } from './patches.ts';

function batchOf(size: number, height: number, width: number, target: (pixel: number, channel: number) => number, mask: (pixel: number) => number): TrainingBatch {
  const pixels = size * height * width;
  return {
    size, height, width,
    input: new Float32Array(pixels * 9),
    target: Float32Array.from({ length: pixels * 3 }, (_, i) => target(Math.floor(i / 3), i % 3)),
    motion: new Float32Array(pixels * 3),
    anomalyMask: Float32Array.from({ length: pixels }, (_, i) => mask(i)),
    hasAnomaly: new Float32Array(size),
  };
}

describe('reconstructionTarget', () => {
  it('writes each patch planar: its pixels row by row with channels innermost, then the mask scaled to [-1, 1]', () => {
    // One 2x4 frame, patch 2: patch 0 holds pixels 0, 1, 4, 5 and patch 1 pixels 2, 3, 6, 7; pixel 5 is anomalous.
    const batch = batchOf(1, 2, 4, (pixel, channel) => 10 * pixel + channel, (pixel) => (pixel === 5 ? 1 : 0));
    expect([...reconstructionTarget(batch, patchGrid(2, 4, 2), 3, 1)]).toEqual([
      0, 1, 2, 10, 11, 12, 40, 41, 42, 50, 51, 52, -1, -1, -1, 1,
      20, 21, 22, 30, 31, 32, 60, 61, 62, 70, 71, 72, -1, -1, -1, -1,
    ]);
  });

  it('equals patchify of the frame channels joined with patchify of the scaled mask', () => {
    const batch = batchOf(2, 8, 12, (pixel, channel) => Math.sin(pixel * 3 + channel), (pixel) => (pixel % 7 === 0 ? 1 : 0.25));
    const grid = patchGrid(8, 12, 4);
    const pixels = 2 * 8 * 12;
    const frame = Float32Array.from({ length: pixels }, (_, i) => batch.target[i * 3] as number); // F = 1
    const anomaly = Float32Array.from({ length: pixels * 2 }, (_, i) => 2 * (batch.anomalyMask[Math.floor(i / 2)] as number) - 1); // A = 2
    const expected = joinPatchValues(patchify(frame, 2, grid, 1), 16, patchify(anomaly, 2, grid, 2), 32);
    expect(reconstructionTarget(batch, grid, 1, 2)).toEqual(expected);
  });
});
