// A small synchronous PNG decoder for ground-truth masks. Frames go through sharp (async, fast, every format);
// masks are read inside the synchronous, lazily loaded `VideoSource.truth`, and UBnormal's masks are PNGs whose
// grey value is the object's track id, so they need an exact, synchronous read. Non-interlaced PNG of every colour
// type and bit depth; 16-bit samples keep their high byte.
import { inflateSync } from 'node:zlib';
import { DatasetError } from '../readers/dataset-error.ts';
import type { RgbImage } from './bmp.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((byte, i) => bytes[i] === byte);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG to RGB (grey replicated to 3 channels, alpha dropped). Throws DatasetError on bad input. */
export function decodePng(bytes: Uint8Array): RgbImage {
  if (!isPng(bytes)) throw new DatasetError('UNREADABLE_IMAGE', 'not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, colorType = 0;
  let palette: Uint8Array | null = null;
  const compressed: Uint8Array[] = [];
  let ended = false;
  for (let offset = 8; offset + 8 <= bytes.length && !ended;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (body.length < length) break;
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      depth = body[8]!;
      colorType = body[9]!;
      if (body[12] !== 0) throw new DatasetError('UNSUPPORTED_IMAGE', 'interlaced PNG masks are not supported');
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') compressed.push(body);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ended) throw new DatasetError('TRUNCATED_IMAGE', 'PNG is cut short (no IEND chunk)');
  const channels = CHANNELS[colorType];
  if (width === 0 || channels === undefined) throw new DatasetError('UNREADABLE_IMAGE', 'PNG has no valid IHDR');
  if (colorType === 3 && palette === null) throw new DatasetError('UNREADABLE_IMAGE', 'palette PNG without PLTE');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(compressed));
  } catch {
    throw new DatasetError('TRUNCATED_IMAGE', 'PNG image data does not inflate');
  }
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const step = Math.max(1, bitsPerPixel >> 3); // bytes to the same sample of the previous pixel
  if (raw.length < (stride + 1) * height) throw new DatasetError('TRUNCATED_IMAGE', 'PNG image data is cut short');
  // Undo the per-row filters in place into `rows` (without the filter bytes).
  const rows = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= step ? rows[row + i - step]! : 0;
      const up = y > 0 ? rows[row - stride + i]! : 0;
      const upLeft = y > 0 && i >= step ? rows[row - stride + i - step]! : 0;
      const value = raw[source + i]!;
      const predicted = filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : -1;
      if (predicted < 0) throw new DatasetError('UNREADABLE_IMAGE', `PNG row ${y} has unknown filter ${filter}`);
      rows[row + i] = (value + predicted) & 0xff;
    }
  }
  const sample = (y: number, x: number, channel: number): number => {
    const row = y * stride;
    if (depth === 8) return rows[row + x * channels + channel]!;
    if (depth === 16) return rows[row + (x * channels + channel) * 2]!;
    const bit = (x * channels + channel) * depth;
    const value = (rows[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    return colorType === 3 ? value : Math.round((value * 255) / ((1 << depth) - 1)); // scale grey to 0..255
  };
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 3;
      if (colorType === 3) {
        const index = sample(y, x, 0);
        data[out] = palette![index * 3] ?? 0;
        data[out + 1] = palette![index * 3 + 1] ?? 0;
        data[out + 2] = palette![index * 3 + 2] ?? 0;
      } else if (channels <= 2) {
        data.fill(sample(y, x, 0), out, out + 3);
      } else {
        for (let c = 0; c < 3; c++) data[out + c] = sample(y, x, c);
      }
    }
  }
  return { width, height, data };
}
