// Test helper: the parity fixtures written by the official aed-mae code (bench/pytorch/parity-fixtures.py; the
// committed small ones, or VADC_PARITY_FIXTURES=<dir> for others such as the Avenue-sized ones) and the conversions
// from the official layouts to vadc's, shared by the in-process parity test and the one through the built CLI.
// Colour order: the official code reads frames as OpenCV does (blue, green, red), vadc as red, green, blue; the import
// reverses the colour channels in the weights (runtime/import/official-checkpoint.ts), so official arrays (BGR) are
// reversed on the way in (frames, motion) and on the way back (the predictions' frame channels).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseNpy } from '@vadc/runtime';

export const FIXTURES = process.env.VADC_PARITY_FIXTURES ?? resolve(import.meta.dirname, '../../../../test/fixtures/aed-mae/small');
export const TOLERANCE = 1e-4;

/** manifest.json of the fixtures. */
export interface Manifest {
  size: [number, number];
  patch: number;
  encoder: { heads: number };
  decoder: { heads: number };
  mask_ratio: number;
  batch: number;
  avenue_frame_score: number[];
  avenue_filtered_score: number[];
  /** The short video scored by the official test path (fixtures written since the video was added). */
  video?: { name: string; frames: number; labels: number[]; batch: number; frame_score: number[]; filtered_score: number[] };
}

export const npy = (name: string) => parseNpy(new Uint8Array(readFileSync(join(FIXTURES, `${name}.npy`))));
export const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;

/** The other colour order's channel of `channel` in a stack of colour frames (BGR <-> RGB). */
const otherColourOrder = (channel: number) => channel - (channel % 3) + 2 - (channel % 3);

/** Official NCHW (BGR frames) -> vadc's NHWC (RGB frames). */
export function channelsLast(values: ArrayLike<number>, [batch, channels, height, width]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let b = 0; b < batch!; b++) for (let c = 0; c < channels!; c++) for (let y = 0; y < height!; y++) for (let x = 0; x < width!; x++) {
    out[((b * height! + y) * width! + x) * channels! + otherColourOrder(c)] = values[((b * channels! + c) * height! + y) * width! + x]!;
  }
  return out;
}

/** Official predictions [B, L, p*p*4] (channel innermost, BGR) -> vadc's planar [B, L, p*p*3 (RGB) | p*p*1]. */
export function planar(values: ArrayLike<number>, pixels: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let patch = 0; patch < values.length / (pixels * 4); patch++) {
    const base = patch * pixels * 4;
    for (let pixel = 0; pixel < pixels; pixel++) {
      for (let c = 0; c < 3; c++) out[base + pixel * 3 + otherColourOrder(c)] = values[base + pixel * 4 + c]!;
      out[base + pixels * 3 + pixel] = values[base + pixel * 4 + 3]!;
    }
  }
  return out;
}

/** The largest absolute difference of two arrays of one length. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`arrays of ${a.length} and ${b.length} values`);
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}

/** Per-frame means of per-patch values. */
export function perFrame(values: ArrayLike<number>, frames: number): number[] {
  const tokens = values.length / frames;
  return Array.from({ length: frames }, (_, frame) => {
    let sum = 0;
    for (let index = frame * tokens; index < (frame + 1) * tokens; index++) sum += values[index]!;
    return sum / tokens;
  });
}

/** The official anomaly map of planar predictions: per patch, the anomaly channel mapped to [0, 1] ((v + 1) / 2), mean over pixels. */
export function officialAnomalyMap(predictions: Float32Array, pixels: number): Float32Array {
  return Float32Array.from({ length: predictions.length / (pixels * 4) }, (_, patch) => {
    let sum = 0;
    for (let pixel = 0; pixel < pixels; pixel++) sum += (predictions[patch * pixels * 4 + pixels * 3 + pixel]! + 1) / 2;
    return sum / pixels;
  });
}
