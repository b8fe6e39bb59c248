import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32, downscale, encodePng, heatColor, ImageSizeError, pngDataUri, toRgb } from './png.ts';

/** Splits PNG bytes into chunks, checking each chunk's CRC independently with node:zlib. */
function chunks(png: Uint8Array): Array<{ type: string; data: Uint8Array; crcOk: boolean }> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    out.push({ type, data, crcOk: crc === zlibCrc32(png.subarray(offset + 4, offset + 8 + length)) });
    offset += 12 + length;
  }
  return out;
}

/** A 3 x 2 image with distinct pixels: red, green, blue / white, black, grey. */
const tiny = { width: 3, height: 2, rgb: Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128) };

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('encodePng', () => {
  it('writes the signature, an RGB IHDR, IDAT and IEND with valid CRCs', () => {
    const png = encodePng(tiny);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const parts = chunks(png);
    expect(parts.map((part) => part.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((part) => part.crcOk)).toBe(true);
    // IHDR: width 3, height 2, bit depth 8, colour type 2, compression 0, filter 0, interlace 0.
    expect([...parts[0]!.data]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
    // Each scanline is filter byte 0 followed by the row's RGB bytes.
    expect([...inflateSync(parts[1]!.data)]).toEqual([0, ...tiny.rgb.subarray(0, 9), 0, ...tiny.rgb.subarray(9)]);
  });

  it('decodes back to the same pixels with sharp', async () => {
    const { data, info } = await sharp(encodePng(tiny)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([3, 2, 3]);
    expect([...data]).toEqual([...tiny.rgb]);
  });

  it('rejects a buffer that does not match the size, with a code', () => {
    expect(() => encodePng({ width: 3, height: 2, rgb: new Uint8Array(17) })).toThrow(ImageSizeError);
    let caught: unknown = null;
    try {
      encodePng({ width: 0, height: 2, rgb: new Uint8Array(0) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ImageSizeError);
    expect((caught as ImageSizeError).code).toBe('IMAGE_SIZE_MISMATCH');
  });
});

describe('other image kinds', () => {
  it('replicates gray into three channels', () => {
    expect([...toRgb({ width: 2, height: 1, gray: Uint8Array.of(7, 200) }).rgb]).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('maps heat values through the colour map from their min to their max', () => {
    expect(heatColor(0)).toEqual([0, 0, 4]);
    expect(heatColor(1)).toEqual([252, 255, 164]);
    expect(heatColor(0.5)).toEqual([188, 55, 84]);
    expect(heatColor(Number.NaN)).toEqual([0, 0, 4]);
    const rgb = toRgb({ width: 3, height: 1, values: [2, 4, 6] }).rgb;
    expect([...rgb]).toEqual([0, 0, 4, 188, 55, 84, 252, 255, 164]);
    const ranged = toRgb({ width: 1, height: 1, values: [10], range: [0, 20] }).rgb;
    expect([...ranged]).toEqual([188, 55, 84]);
  });

  it('makes a base64 PNG data URI that sharp can read', async () => {
    const uri = pngDataUri({ width: 2, height: 2, gray: Uint8Array.of(0, 64, 128, 255) });
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    const bytes = Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64');
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual([0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255]);
  });
});

describe('downscale', () => {
  it('averages whole blocks, with partial blocks at the edges', () => {
    // 3 x 1 gray-as-RGB image [0, 100, 200] shrunk by 2: [avg(0, 100), 200].
    const image = toRgb({ width: 3, height: 1, gray: Uint8Array.of(0, 100, 200) });
    const small = downscale(image, 2);
    expect([small.width, small.height]).toEqual([2, 1]);
    expect([...small.rgb]).toEqual([50, 50, 50, 200, 200, 200]);
    expect(downscale(image, 3)).toBe(image);
  });

  it('shrinks a data URI image to the width asked for', async () => {
    const uri = pngDataUri({ width: 640, height: 360, gray: new Uint8Array(640 * 360) }, 360);
    const { info } = await sharp(Buffer.from(uri.split(',')[1]!, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 180]);
  });
});
