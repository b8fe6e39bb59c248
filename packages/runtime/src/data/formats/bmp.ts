// Windows BMP, read and written by hand because sharp does not take BMP input. Covers what datasets ship:
// palette images (1, 4, 8 bits; UCSD's masks are 8-bit grey palettes), 24-bit BGR and 32-bit BGRX / BGRA,
// rows stored bottom-up (positive height) or top-down (negative height). Compressed (RLE) files are rejected.
import { DatasetError } from '../readers/dataset-error.ts';

/** A decoded image: interleaved RGB bytes, height x width x 3. */
export interface RgbImage {
  width: number;
  height: number;
  /** [H, W, 3] uint8. */
  data: Uint8Array;
}

const FILE_HEADER = 14;
const BI_RGB = 0;
const BI_BITFIELDS = 3;

/** Reads a BMP file's size without decoding its pixels. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } {
  const view = header(bytes);
  return { width: view.getInt32(FILE_HEADER + 4, true), height: Math.abs(view.getInt32(FILE_HEADER + 8, true)) };
}

function header(bytes: Uint8Array): DataView {
  if (bytes.length < FILE_HEADER + 40 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw new DatasetError(bytes.length < FILE_HEADER + 40 && bytes[0] === 0x42 ? 'TRUNCATED_IMAGE' : 'UNREADABLE_IMAGE', 'not a BMP file (no "BM" header)');
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a BMP file to RGB. Throws DatasetError UNREADABLE_IMAGE / TRUNCATED_IMAGE / UNSUPPORTED_IMAGE. */
export function decodeBmp(bytes: Uint8Array): RgbImage {
  const view = header(bytes);
  const pixelOffset = view.getUint32(10, true);
  const infoSize = view.getUint32(FILE_HEADER, true);
  const width = view.getInt32(FILE_HEADER + 4, true);
  const signedHeight = view.getInt32(FILE_HEADER + 8, true);
  const bits = view.getUint16(FILE_HEADER + 14, true);
  const compression = view.getUint32(FILE_HEADER + 16, true);
  const height = Math.abs(signedHeight);
  const topDown = signedHeight < 0;
  if (width <= 0 || height === 0) throw new DatasetError('UNREADABLE_IMAGE', `bad BMP size ${width}x${signedHeight}`);
  if (![1, 4, 8, 24, 32].includes(bits)) throw new DatasetError('UNSUPPORTED_IMAGE', `${bits}-bit BMP is not supported`);
  if (!(compression === BI_RGB || (compression === BI_BITFIELDS && bits === 32))) {
    throw new DatasetError('UNSUPPORTED_IMAGE', `compressed BMP (compression ${compression}) is not supported`);
  }

  // Palette: 4 bytes (B, G, R, 0) per entry right after the info header.
  let palette: Uint8Array | null = null;
  if (bits <= 8) {
    const declared = view.getUint32(FILE_HEADER + 32, true);
    const entries = declared === 0 ? 1 << bits : declared;
    const start = FILE_HEADER + infoSize;
    if (start + entries * 4 > bytes.length) throw new DatasetError('TRUNCATED_IMAGE', 'BMP palette is cut short');
    palette = bytes.subarray(start, start + entries * 4);
  }

  const stride = Math.ceil((width * bits) / 32) * 4; // rows are padded to 4 bytes
  if (pixelOffset + stride * height > bytes.length) {
    throw new DatasetError('TRUNCATED_IMAGE', `BMP pixel data is cut short (${bytes.length} bytes, needs ${pixelOffset + stride * height})`);
  }
  const data = new Uint8Array(width * height * 3);
  const bytesPerPixel = bits >> 3;
  const mask = (1 << bits) - 1;
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let out = y * width * 3;
    if (palette !== null) {
      // Palette entries are (B, G, R, 0); an index past the palette is a corrupt file.
      for (let x = 0; x < width; x++, out += 3) {
        const bitOffset = x * bits;
        const index = bits === 8 ? bytes[row + x]! : (bytes[row + (bitOffset >> 3)]! >> (8 - bits - (bitOffset & 7))) & mask;
        const entry = index * 4;
        if (entry + 2 >= palette.length) throw new DatasetError('UNREADABLE_IMAGE', `BMP palette index ${index} out of range`);
        data[out] = palette[entry + 2]!;
        data[out + 1] = palette[entry + 1]!;
        data[out + 2] = palette[entry]!;
      }
    } else {
      for (let x = 0, source = row; x < width; x++, out += 3, source += bytesPerPixel) {
        data[out] = bytes[source + 2]!;
        data[out + 1] = bytes[source + 1]!;
        data[out + 2] = bytes[source]!;
      }
    }
  }
  return { width, height, data };
}

/** Options of encodeBmp (used to build test fixtures). */
export interface BmpEncodeOptions {
  /** 8 = grey palette (from the red channel), 24 = BGR, 32 = BGRX. */
  bits: 8 | 24 | 32;
  /** Store rows top-down (negative height) instead of the usual bottom-up. */
  topDown?: boolean;
}

/** Encodes RGB bytes [H, W, 3] as an uncompressed BMP. */
export function encodeBmp(image: RgbImage, options: BmpEncodeOptions): Uint8Array {
  const { width, height, data } = image;
  const { bits } = options;
  const paletteBytes = bits === 8 ? 256 * 4 : 0;
  const stride = Math.ceil((width * bits) / 32) * 4;
  const pixelOffset = FILE_HEADER + 40 + paletteBytes;
  const bytes = new Uint8Array(pixelOffset + stride * height);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42;
  bytes[1] = 0x4d;
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, pixelOffset, true);
  view.setUint32(FILE_HEADER, 40, true);
  view.setInt32(FILE_HEADER + 4, width, true);
  view.setInt32(FILE_HEADER + 8, options.topDown ? -height : height, true);
  view.setUint16(FILE_HEADER + 12, 1, true);
  view.setUint16(FILE_HEADER + 14, bits, true);
  view.setUint32(FILE_HEADER + 20, stride * height, true);
  if (bits === 8) {
    for (let i = 0; i < 256; i++) bytes.fill(i, FILE_HEADER + 40 + i * 4, FILE_HEADER + 40 + i * 4 + 3);
  }
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (options.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const source = (y * width + x) * 3;
      if (bits === 8) {
        bytes[row + x] = data[source]!;
      } else {
        const target = row + x * (bits >> 3);
        bytes[target] = data[source + 2]!;
        bytes[target + 1] = data[source + 1]!;
        bytes[target + 2] = data[source]!;
      }
    }
  }
  return bytes;
}
