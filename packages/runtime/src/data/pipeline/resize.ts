// Bilinear resizing of interleaved uint8 images with OpenCV's INTER_LINEAR geometry (pixel centres aligned:
// source = (destination + 0.5) * scale - 0.5, clamped at the borders), which is what the official code's
// cv2.resize does to frames and motion gradients. No antialiasing when shrinking, as in cv2.resize. Like OpenCV,
// it works in fixed point (11-bit weights per axis, rounded once at the end): integer arithmetic is several times
// faster here than floating point, and the results stay within one grey level of cv2's.

const BITS = 11;
const ONE = 1 << BITS;
const HALF = 1 << (2 * BITS - 1);

interface Axis {
  /** Lower and upper source index per destination index. */
  low: Int32Array;
  high: Int32Array;
  /** Weight of the upper index, in 1/ONE. */
  weight: Int32Array;
}

function axis(source: number, destination: number): Axis {
  const low = new Int32Array(destination);
  const high = new Int32Array(destination);
  const weight = new Int32Array(destination);
  const scale = source / destination;
  for (let index = 0; index < destination; index++) {
    let position = (index + 0.5) * scale - 0.5;
    if (position < 0) position = 0;
    let lower = Math.floor(position);
    if (lower >= source - 1) {
      lower = source - 1;
      position = lower;
    }
    low[index] = lower;
    high[index] = Math.min(lower + 1, source - 1);
    weight[index] = ONE - Math.round((1 - (position - lower)) * ONE);
  }
  return { low, high, weight };
}

/** A resizer from one size to another, with its sampling tables computed once and reused for every frame. */
export interface Resizer {
  readonly from: [number, number];
  readonly to: [number, number];
  /** Resizes an interleaved uint8 image (from[0] x from[1] x channels) to to[0] x to[1] x channels, rounded. */
  resize(image: Uint8Array): Uint8Array;
}

/** Builds a bilinear resizer for `channels`-channel images from [height, width] to [height, width]. */
export function createResizer(from: [number, number], to: [number, number], channels: number): Resizer {
  const [sourceHeight, sourceWidth] = from;
  const [height, width] = to;
  const rows = axis(sourceHeight, height);
  const columns = axis(sourceWidth, width);
  const identity = sourceHeight === height && sourceWidth === width;
  const span = width * channels;
  // Per destination value of a row: the two source offsets within a source row and the upper weight.
  const left = new Int32Array(span);
  const right = new Int32Array(span);
  const rightWeight = new Int32Array(span);
  for (let x = 0; x < width; x++) {
    for (let channel = 0; channel < channels; channel++) {
      left[x * channels + channel] = (columns.low[x] as number) * channels + channel;
      right[x * channels + channel] = (columns.high[x] as number) * channels + channel;
      rightWeight[x * channels + channel] = columns.weight[x] as number;
    }
  }
  // Horizontal pass of the two source rows a destination row reads (values scaled by ONE).
  let upper = new Int32Array(span);
  let lower = new Int32Array(span);
  const horizontal = (image: Uint8Array, row: number, out: Int32Array) => {
    const base = row * sourceWidth * channels;
    for (let index = 0; index < span; index++) {
      const a = image[base + (left[index] as number)] as number;
      const b = image[base + (right[index] as number)] as number;
      out[index] = a * ONE + (b - a) * (rightWeight[index] as number);
    }
  };
  return {
    from,
    to,
    resize(image: Uint8Array): Uint8Array {
      if (image.length !== sourceHeight * sourceWidth * channels) {
        throw new RangeError(`resize expects ${sourceHeight}x${sourceWidth}x${channels} values, got ${image.length}`);
      }
      if (identity) return image.slice();
      const out = new Uint8Array(height * span);
      let upperRow = -1;
      let lowerRow = -1;
      for (let y = 0; y < height; y++) {
        const top = rows.low[y] as number;
        const bottom = rows.high[y] as number;
        if (top !== upperRow) {
          if (top === lowerRow) {
            // The window slid by one row: the old lower row becomes the upper one.
            const swap = upper;
            upper = lower;
            lower = swap;
            lowerRow = -1;
          } else {
            horizontal(image, top, upper);
          }
          upperRow = top;
        }
        if (bottom !== lowerRow) {
          horizontal(image, bottom, lower);
          lowerRow = bottom;
        }
        const w = rows.weight[y] as number;
        const keep = ONE - w;
        const base = y * span;
        for (let index = 0; index < span; index++) {
          out[base + index] = ((upper[index] as number) * keep + (lower[index] as number) * w + HALF) >> (2 * BITS);
        }
      }
      return out;
    },
  };
}
