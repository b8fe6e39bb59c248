import { describe, it, expect } from 'vitest';
import { bmpSize, decodeBmp, encodeBmp } from './bmp.ts';

// A 3x2 RGB image with distinct values per pixel and channel.
const image = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 13) };

describe('BMP', () => {
  it.each([24, 32] as const)('round-trips %i-bit bottom-up and top-down', (bits) => {
    for (const topDown of [false, true]) {
      const bytes = encodeBmp(image, { bits, topDown });
      expect(bmpSize(bytes)).toEqual({ width: 3, height: 2 });
      expect(decodeBmp(bytes)).toEqual(image);
    }
  });

  it('decodes an 8-bit grey palette to replicated RGB, rows padded to 4 bytes', () => {
    const grey = { width: 3, height: 2, data: Uint8Array.from([0, 0, 0, 255, 255, 255, 7, 7, 7, 1, 1, 1, 2, 2, 2, 3, 3, 3]) };
    const bytes = encodeBmp(grey, { bits: 8 });
    expect(bytes.length).toBe(14 + 40 + 1024 + 4 * 2); // stride of 3 pixels -> 4 bytes
    expect(decodeBmp(bytes).data).toEqual(grey.data);
  });

  it('reads a hand-made 1-bit palette image with bottom-up rows', () => {
    // 2x2, palette [black, red]; bottom row stored first: bottom = 10, top = 01.
    const bytes = new Uint8Array(14 + 40 + 8 + 8);
    const view = new DataView(bytes.buffer);
    bytes.set([0x42, 0x4d]);
    view.setUint32(10, 62, true);
    view.setUint32(14, 40, true);
    view.setInt32(18, 2, true);
    view.setInt32(22, 2, true);
    view.setUint16(28, 1, true);
    view.setUint32(46, 2, true);
    bytes.set([0, 0, 0, 0, 0, 0, 255, 0], 54);
    bytes[62] = 0b10000000; // bottom row: red, black
    bytes[66] = 0b01000000; // top row: black, red
    expect(Array.from(decodeBmp(bytes).data)).toEqual([0, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 0]);
  });

  it('rejects truncated, non-BMP and RLE files with codes', () => {
    const bytes = encodeBmp(image, { bits: 24 });
    expect(() => decodeBmp(bytes.subarray(0, bytes.length - 3))).toThrow(expect.objectContaining({ code: 'TRUNCATED_IMAGE' }));
    expect(() => decodeBmp(new Uint8Array(100))).toThrow(expect.objectContaining({ code: 'UNREADABLE_IMAGE' }));
    const rle = bytes.slice();
    new DataView(rle.buffer).setUint32(30, 1, true);
    expect(() => decodeBmp(rle)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_IMAGE' }));
  });
});
