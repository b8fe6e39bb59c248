// Frame arithmetic shared by training and test inputs: which frames a sample stacks, motion gradients, and the
// official value scaling. All index rules follow the official AED-MAE code (data/train_dataset.py,
// extract_gradients.py).

/**
 * The frame indices stacked for frame `index`: index + offset for each context offset, and frame `index` itself
 * where index + offset falls outside the video (read_prev_next_frame_if_exists falls back to the current frame).
 */
export function contextIndices(index: number, context: readonly number[], frameCount: number): number[] {
  return context.map((offset) => {
    const other = index + offset;
    return other < 0 || other >= frameCount ? index : other;
  });
}

/**
 * The two frames whose difference is the motion gradient of frame `index`: [index - step, index + step], each
 * replaced by `index` itself when it is outside the video (extract_gradients.py's edge rule).
 */
export function motionNeighbours(index: number, step: number, frameCount: number): [number, number] {
  const previous = index - step < 0 ? index : index - step;
  const next = index + step >= frameCount ? index : index + step;
  return [previous, next];
}

/** |previous - next| per byte (uint8 images of equal size): the motion gradient in raw [0, 255] units. */
export function absoluteDifference(previous: Uint8Array, next: Uint8Array): Uint8Array {
  if (previous.length !== next.length) {
    throw new RangeError(`motion needs frames of equal size, got ${previous.length} and ${next.length} values`);
  }
  const out = new Uint8Array(previous.length);
  for (let index = 0; index < out.length; index++) {
    const difference = (previous[index] as number) - (next[index] as number);
    out[index] = difference < 0 ? -difference : difference;
  }
  return out;
}

/** The official value scaling of frames: (v - offset) / divisor, uint8 to [-1, 1] (a model package states it). */
export const PIXEL_SCALING = { offset: 127.5, divisor: 127.5 } as const;

/**
 * What contextIndices and motionNeighbours do with a frame outside the video: take the current frame instead (a
 * model package states it).
 */
export const OUTSIDE_VIDEO = 'current-frame';

/** Writes uint8 values scaled to [-1, 1] by PIXEL_SCALING into `out` at `offset` (the official scaling). */
export function writeScaled(values: Uint8Array, out: Float32Array, offset: number): void {
  const { offset: centre, divisor } = PIXEL_SCALING;
  for (let index = 0; index < values.length; index++) out[offset + index] = ((values[index] as number) - centre) / divisor;
}

/**
 * Interleaves `frames` (each H x W x 3 uint8) channel-wise into `out` at `offset` as one [H, W, 3 * frames.length]
 * sample scaled to [-1, 1] (PIXEL_SCALING): the model's input stack in context order.
 */
export function writeStack(frames: readonly Uint8Array[], pixels: number, out: Float32Array, offset: number): void {
  const channels = frames.length * 3;
  const { offset: centre, divisor } = PIXEL_SCALING;
  frames.forEach((frame, slot) => {
    for (let pixel = 0; pixel < pixels; pixel++) {
      const target = offset + pixel * channels + slot * 3;
      const source = pixel * 3;
      out[target] = ((frame[source] as number) - centre) / divisor;
      out[target + 1] = ((frame[source + 1] as number) - centre) / divisor;
      out[target + 2] = ((frame[source + 2] as number) - centre) / divisor;
    }
  });
}

/** Copies uint8 values unchanged into a float array at `offset` (motion gradients stay in [0, 255]). */
export function writeRaw(values: Uint8Array, out: Float32Array, offset: number): void {
  for (let index = 0; index < values.length; index++) out[offset + index] = values[index] as number;
}
