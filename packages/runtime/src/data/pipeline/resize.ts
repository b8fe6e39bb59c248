// Bilinear resizing of interleaved uint8 images, bit-exact with OpenCV's cv2.resize INTER_LINEAR, which is what the
// official code does to frames and motion gradients (checked against OpenCV 5.0 at 240x360 -> 160x320, 320x640,
// 120x180, 100x130, 256x256: no differing value). Geometry: source = (destination + 0.5) * scale - 0.5, no
// antialiasing when shrinking. Arithmetic as OpenCV's: 11-bit fixed-point weights, a horizontal pass in int32, and
// the vertical step of its vectorised uint8 path. Integer math is also several times faster here than float.

const BITS = 11;
const ONE = 1 << BITS;

/** What this resize is, as a model package's manifest states it (docs/model-package.md "resize" spells out the arithmetic). */
export const RESIZE_METHOD = { method: 'bilinear', exact_as: 'OpenCV cv2.resize INTER_LINEAR on uint8', fixed_point_bits: BITS } as const;

interface Axis {
  /** Lower and upper source index per destination index. */
  low: Int32Array;
  high: Int32Array;
  /** Weights of the lower and upper index, in 1/ONE, each rounded on its own (as OpenCV does). */
  lowWeight: Int32Array;
  highWeight: Int32Array;
}

/** Round half to even, as OpenCV's saturate_cast from float does. */
function roundEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Sampling table of one axis. OpenCV clamps out-of-range columns to the border pixel with weight 1, but for rows it
 * keeps the fraction and only clamps which rows it reads (`clampFraction` false), which rounds differently at the
 * first and last rows; both are reproduced so results match cv2.resize exactly.
 */
function axis(source: number, destination: number, clampFraction: boolean): Axis {
  const low = new Int32Array(destination);
  const high = new Int32Array(destination);
  const lowWeight = new Int32Array(destination);
  const highWeight = new Int32Array(destination);
  const scale = source / destination;
  for (let index = 0; index < destination; index++) {
    // OpenCV computes the position in float32.
    const position = Math.fround((index + 0.5) * scale - 0.5);
    let lower = Math.floor(position);
    let fraction = Math.fround(position - lower);
    if (clampFraction && lower < 0) {
      lower = 0;
      fraction = 0;
    }
    if (clampFraction && lower >= source - 1) {
      lower = source - 1;
      fraction = 0;
    }
    low[index] = Math.min(Math.max(lower, 0), source - 1);
    high[index] = Math.min(Math.max(lower + 1, 0), source - 1);
    lowWeight[index] = roundEven(Math.fround(1 - fraction) * ONE);
    highWeight[index] = roundEven(fraction * ONE);
  }
  return { low, high, lowWeight, highWeight };
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
  const rows = axis(sourceHeight, height, false);
  const columns = axis(sourceWidth, width, true);
  const identity = sourceHeight === height && sourceWidth === width;
  const span = width * channels;
  // Per destination value of a row: the two source offsets within a source row and the upper weight.
  const left = new Int32Array(span);
  const right = new Int32Array(span);
  const leftWeight = new Int32Array(span);
  const rightWeight = new Int32Array(span);
  for (let x = 0; x < width; x++) {
    for (let channel = 0; channel < channels; channel++) {
      left[x * channels + channel] = (columns.low[x] as number) * channels + channel;
      right[x * channels + channel] = (columns.high[x] as number) * channels + channel;
      leftWeight[x * channels + channel] = columns.lowWeight[x] as number;
      rightWeight[x * channels + channel] = columns.highWeight[x] as number;
    }
  }
  // Horizontal pass of the two source rows a destination row reads (values scaled by ONE).
  let upper = new Int32Array(span);
  let lower = new Int32Array(span);
  const horizontal = (image: Uint8Array, row: number, out: Int32Array) => {
    const base = row * sourceWidth * channels;
    for (let index = 0; index < span; index++) {
      out[index] = (image[base + (left[index] as number)] as number) * (leftWeight[index] as number) + (image[base + (right[index] as number)] as number) * (rightWeight[index] as number);
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
        const keep = rows.lowWeight[y] as number;
        const w = rows.highWeight[y] as number;
        const base = y * span;
        for (let index = 0; index < span; index++) {
          // OpenCV's vectorised vertical step (VResizeLinearVec_32s8u): drop 4 bits, 16-bit high products, round.
          const value = (((((upper[index] as number) >> 4) * keep) >> 16) + ((((lower[index] as number) >> 4) * w) >> 16) + 2) >> 2;
          out[base + index] = value > 255 ? 255 : value;
        }
      }
      return out;
    },
  };
}
