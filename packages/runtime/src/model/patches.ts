// Data-layout helpers on typed arrays (not tensors): cutting NHWC images into patch rows, the reconstruction target,
// and per-patch motion. They run once per batch on the JS side, which keeps 6-D transposes and max-pools out of the
// TF.js graph (and off wasm's slow paths); none of them needs a gradient.
import { planPatchGrid, type PatchGrid } from '@vadc/dsl';
import type { TrainingBatch } from '../data/types.ts';

/** Patch grid of an H x W image (the one definition is @vadc/dsl's planPatchGrid). */
export type { PatchGrid };

/** The grid for a frame size; errors when the patch does not divide both sides. */
export function patchGrid(height: number, width: number, patch: number): PatchGrid {
  if (height % patch !== 0 || width % patch !== 0) throw new Error(`patch ${patch} does not divide ${height}x${width}`);
  return planPatchGrid({ data: { size: [height, width] }, model: { patch } });
}

/**
 * The patch layout, declared once (the official patchify): a batch [B, H, W, C] seen as [B, rows, p, cols, p, C]
 * (`patchSplit`), its axes reordered by PATCH_AXES to [B, rows, cols, p, p, C], read as [B, L, p * p * C]: each patch's
 * pixels row by row, channels innermost. `patchify` / `unpatchify` below walk it with loops (a generic transpose is
 * slower where a training step spends milliseconds); onnx/scoring-graph.ts `framesInput` writes it as
 * Reshape / Transpose / Reshape; patches.test.ts holds the loops to the declaration.
 */
export const PATCH_AXES = [0, 1, 3, 2, 4, 5] as const;

/** The 6-D view [rows, p, cols, p, C] of an image batch (after its batch axis) that PATCH_AXES reorders. */
export function patchSplit(grid: PatchGrid, channels: number): [number, number, number, number, number] {
  return [grid.rows, grid.patch, grid.cols, grid.patch, channels];
}

/**
 * [B, H, W, C] -> [B, L, p * p * C] in the patch layout above; into `out` when given (as many values as `images`).
 */
export function patchify(images: Float32Array, batch: number, grid: PatchGrid, channels: number, out: Float32Array = new Float32Array(images.length)): Float32Array {
  // Element loops, not out.set(images.subarray(...)): a subarray per patch row made the paper's 160x320 batch of 8
  // cost ~28 ms per training step (allocation and garbage), the loop 6-9 ms.
  const { patch, rows, cols } = grid;
  const width = cols * patch;
  const run = patch * channels;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < patch; y++) {
          let i = ((b * rows * patch + r * patch + y) * width + c * patch) * channels;
          for (const end = i + run; i < end;) out[o++] = images[i++] as number;
        }
      }
    }
  }
  return out;
}

/** The inverse of patchify: [B, L, p * p * C] -> [B, H, W, C]. */
export function unpatchify(patches: Float32Array, batch: number, grid: PatchGrid, channels: number): Float32Array {
  const { patch, rows, cols } = grid;
  const width = cols * patch;
  const run = patch * channels;
  const out = new Float32Array(patches.length);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < patch; y++) {
          let i = ((b * rows * patch + r * patch + y) * width + c * patch) * channels;
          for (const end = i + run; i < end;) out[i++] = patches[o++] as number;
        }
      }
    }
  }
  return out;
}

/** Joins per-patch blocks: [B*L, x] and [B*L, y] -> [B*L, x + y] (the planar prediction layout: frame, then anomaly). */
export function joinPatchValues(first: Float32Array, firstSize: number, second: Float32Array, secondSize: number): Float32Array {
  const patches = first.length / firstSize;
  const out = new Float32Array(patches * (firstSize + secondSize));
  for (let patch = 0; patch < patches; patch++) {
    out.set(first.subarray(patch * firstSize, (patch + 1) * firstSize), patch * (firstSize + secondSize));
    out.set(second.subarray(patch * secondSize, (patch + 1) * secondSize), patch * (firstSize + secondSize) + firstSize);
  }
  return out;
}

/** Planar predictions [B, L, p*p*F | p*p*A] -> images [B, H, W, F + A] (channels interleaved per pixel). */
export function unpatchifyPlanar(values: Float32Array, batch: number, grid: PatchGrid, frameChannels: number, anomalyChannels: number): Float32Array {
  const pixels = grid.patch * grid.patch;
  const channels = frameChannels + anomalyChannels;
  const interleaved = new Float32Array(values.length);
  for (let patch = 0; patch < values.length / (pixels * channels); patch++) {
    const base = patch * pixels * channels;
    for (let pixel = 0; pixel < pixels; pixel++) {
      for (let c = 0; c < frameChannels; c++) interleaved[base + pixel * channels + c] = values[base + pixel * frameChannels + c] ?? 0;
      for (let c = 0; c < anomalyChannels; c++) interleaved[base + pixel * channels + frameChannels + c] = values[base + pixels * frameChannels + pixel * anomalyChannels + c] ?? 0;
    }
  }
  return unpatchify(interleaved, batch, grid, channels);
}

/**
 * The reconstruction target [B, L, p*p*F | p*p*A] (planar, as the heads predict): the F clean frame channels, then A
 * anomaly-map channels holding the synthetic anomaly's mask scaled to [-1, 1] (the official dataset reads the mask as
 * a uint8 image and scales it like a frame: (m * 255 - 127.5) / 127.5 = 2m - 1; no anomaly -> -1).
 */
export function reconstructionTarget(batch: TrainingBatch, grid: PatchGrid, frameChannels: number, anomalyChannels: number, out?: Float32Array): Float32Array {
  // One pass, writing each patch's planar values in place (the frame channels of the target, then the anomaly
  // channels from the mask): a step of the paper's model spent ~20 ms here when it went through patchify twice.
  const { patch, rows, cols } = grid;
  const width = cols * patch;
  const square = patch * patch;
  const values = square * (frameChannels + anomalyChannels);
  const length = batch.size * rows * cols * values;
  if (out !== undefined && out.length !== length) throw new Error(`reconstructionTarget: out holds ${out.length} values, the target ${length}`);
  out ??= new Float32Array(length);
  const { target, anomalyMask } = batch;
  let base = 0;
  for (let b = 0; b < batch.size; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        for (let y = 0; y < patch; y++) {
          let pixel = (b * rows * patch + r * patch + y) * width + c * patch;
          let frame = base + y * patch * frameChannels;
          let anomaly = base + square * frameChannels + y * patch * anomalyChannels;
          for (let x = 0; x < patch; x++, pixel++) {
            for (let ch = 0; ch < frameChannels; ch++) out[frame++] = target[pixel * 3 + ch] as number;
            const scaled = 2 * (anomalyMask[pixel] as number) - 1;
            for (let a = 0; a < anomalyChannels; a++) out[anomaly++] = scaled;
          }
        }
        base += values;
      }
    }
  }
  return out;
}

/**
 * Per-patch motion [B, L]: each channel max-pooled over the patch (plus `boost` [B, H, W], added to every channel
 * before pooling, as the official loss adds the anomaly map to the gradients), then the channels reduced by
 * `max` (motion-guided masking) or `mean` (loss weights).
 */
export function patchMotion(
  motion: Float32Array, batch: number, grid: PatchGrid, reduce: 'max' | 'mean', boost: Float32Array | null = null,
): Float32Array {
  const { patch, rows, cols } = grid;
  const width = cols * patch;
  const out = new Float32Array(batch * rows * cols);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // The three channels' maxima in locals (an array and Math.max per value cost ~7 ms per 160x320 batch of 8).
        let a = -Infinity;
        let g = -Infinity;
        let h = -Infinity;
        for (let y = 0; y < patch; y++) {
          let pixel = (b * rows * patch + r * patch + y) * width + c * patch;
          for (const end = pixel + patch; pixel < end; pixel++) {
            const extra = boost === null ? 0 : (boost[pixel] as number);
            const m0 = (motion[pixel * 3] as number) + extra;
            const m1 = (motion[pixel * 3 + 1] as number) + extra;
            const m2 = (motion[pixel * 3 + 2] as number) + extra;
            if (m0 > a) a = m0;
            if (m1 > g) g = m1;
            if (m2 > h) h = m2;
          }
        }
        out[(b * rows + r) * cols + c] = reduce === 'max' ? Math.max(a, g, h) : (a + g + h) / 3;
      }
    }
  }
  return out;
}
