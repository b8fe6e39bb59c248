// A minimal PNG encoder (8-bit RGB, no interlace, filter 0 on every row) so callers can hand the report raw pixels.
// Frames in a report are small (a few hundred pixels a side); deflate does the compression, row filters are not worth
// their code here.
import { deflateSync } from 'node:zlib';
import type { ReportGrayImage, ReportHeatMap, ReportImage, ReportRgbImage } from './types.ts';

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** CRC-32 (ISO 3309, polynomial 0xEDB88320) lookup table, as the PNG specification defines it. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes`, as used by PNG chunks (over the chunk type and data). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An image whose buffer does not match its size. */
export class ImageSizeError extends Error {
  override name = 'ImageSizeError';
  readonly code = 'IMAGE_SIZE_MISMATCH';
}

function checkSize({ width, height, rgb }: ReportRgbImage): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageSizeError(`image size ${width}x${height} is not a positive integer size`);
  }
  if (rgb.length !== width * height * 3) {
    throw new ImageSizeError(`image ${width}x${height} needs ${width * height * 3} RGB bytes, got ${rgb.length}`);
  }
}

/** Encodes an 8-bit RGB image as PNG bytes. Throws ImageSizeError when `rgb.length !== width * height * 3`. */
export function encodePng(image: ReportRgbImage): Uint8Array {
  checkSize(image);
  const { width, height, rgb } = image;
  // Each scanline: one filter-type byte (0 = none) then width * 3 bytes.
  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour (RGB)
  // compression 0 (deflate), filter method 0, interlace 0 (none): bytes 10..12 stay zero.
  const parts = [PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Colour map stops (approximately matplotlib's "inferno"): dark for low values, bright yellow for high. */
const HEAT_STOPS: Array<[number, number, number]> = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** Maps t in [0, 1] to an RGB colour of the heat colour map (values outside are clamped, NaN maps to 0). */
export function heatColor(t: number): [number, number, number] {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const position = clamped * (HEAT_STOPS.length - 1);
  const index = Math.min(HEAT_STOPS.length - 2, Math.floor(position));
  const fraction = position - index;
  const low = HEAT_STOPS[index]!;
  const high = HEAT_STOPS[index + 1]!;
  return [0, 1, 2].map((c) => Math.round(low[c]! + (high[c]! - low[c]!) * fraction)) as [number, number, number];
}

function grayToRgb(image: ReportGrayImage): ReportRgbImage {
  const { width, height, gray } = image;
  if (gray.length !== width * height) {
    throw new ImageSizeError(`image ${width}x${height} needs ${width * height} gray bytes, got ${gray.length}`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < gray.length; i++) rgb.fill(gray[i]!, i * 3, i * 3 + 3);
  return { width, height, rgb };
}

function heatMapToRgb(image: ReportHeatMap): ReportRgbImage {
  const { width, height, values } = image;
  if (values.length !== width * height) {
    throw new ImageSizeError(`map ${width}x${height} needs ${width * height} values, got ${values.length}`);
  }
  let [low, high] = image.range ?? [Infinity, -Infinity];
  if (!image.range) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (Number.isFinite(value)) {
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
    }
  }
  const span = high > low ? high - low : 1;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) rgb.set(heatColor((values[i]! - low) / span), i * 3);
  return { width, height, rgb };
}

/** Converts any ReportImage to RGB (gray replicated, heat maps through the colour map). */
export function toRgb(image: ReportImage): ReportRgbImage {
  if ('rgb' in image) return image;
  if ('gray' in image) return grayToRgb(image);
  return heatMapToRgb(image);
}

/**
 * Shrinks an image by the smallest whole factor that brings its width to at most `maxWidth`, averaging each
 * factor x factor block (partial blocks at the right and bottom edges average what they have).
 */
export function downscale(image: ReportRgbImage, maxWidth: number): ReportRgbImage {
  checkSize(image);
  const factor = Math.ceil(image.width / maxWidth);
  if (factor <= 1) return image;
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sums = [0, 0, 0];
      let count = 0;
      for (let sy = y * factor; sy < Math.min(image.height, (y + 1) * factor); sy++) {
        for (let sx = x * factor; sx < Math.min(image.width, (x + 1) * factor); sx++) {
          const source = (sy * image.width + sx) * 3;
          for (let c = 0; c < 3; c++) sums[c]! += image.rgb[source + c]!;
          count++;
        }
      }
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.round(sums[c]! / count);
    }
  }
  return { width, height, rgb };
}

/**
 * Encodes any ReportImage as a `data:image/png;base64,...` URI, first shrunk to at most `maxWidth` pixels across
 * (a report panel is shown about 180 px wide: full-size 640 x 360 frames would make the file tens of MB).
 * Throws ImageSizeError on a size mismatch.
 */
export function pngDataUri(image: ReportImage, maxWidth = Infinity): string {
  return `data:image/png;base64,${Buffer.from(encodePng(downscale(toRgb(image), maxWidth))).toString('base64')}`;
}
