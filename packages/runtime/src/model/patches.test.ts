import { describe, expect, it } from 'vitest';
import type { TrainingBatch } from '../data/types.ts';
import { joinPatchValues, PATCH_AXES, patchify, patchGrid, patchSplit, reconstructionTarget, unpatchify, type PatchGrid } from './patches.ts';

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

describe('the patch layout', () => {
  // The declaration read generically: [B, ...patchSplit] reordered by PATCH_AXES (a plain N-D transpose).
  function transposeByLayout(images: Float32Array, batch: number, grid: PatchGrid, channels: number): Float32Array {
    const dims = [batch, ...patchSplit(grid, channels)];
    const strides = dims.map((_, axis) => dims.slice(axis + 1).reduce((a, b) => a * b, 1));
    const outDims = PATCH_AXES.map((axis) => dims[axis]!);
    const out = new Float32Array(images.length);
    const index = new Array<number>(6).fill(0);
    for (let o = 0; o < out.length; o++) {
      let rest = o;
      for (let axis = 5; axis >= 0; axis--) {
        index[axis] = rest % outDims[axis]!;
        rest = Math.floor(rest / outDims[axis]!);
      }
      out[o] = images[PATCH_AXES.reduce<number>((at, from, axis) => at + index[axis]! * strides[from]!, 0)] as number;
    }
    return out;
  }

  it('patchify walks the declared layout, and unpatchify undoes it', () => {
    const grid = patchGrid(8, 12, 4);
    const images = Float32Array.from({ length: 2 * 8 * 12 * 3 }, (_, i) => i);
    const patches = patchify(images, 2, grid, 3);
    expect(patches).toEqual(transposeByLayout(images, 2, grid, 3));
    expect(unpatchify(patches, 2, grid, 3)).toEqual(images);
  });
});
