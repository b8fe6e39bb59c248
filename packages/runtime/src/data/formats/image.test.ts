import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodePng } from './png.ts';
import { encodeBmp } from './bmp.ts';
import { binaryMask, probeImageFile, readImageFile, readMaskFileSync } from './image.ts';

// A 5x4 RGB gradient (odd width exercises row padding and filters).
const width = 5, height = 4;
const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
const grey = Uint8Array.from({ length: width * height }, (_, i) => (i % 3 === 0 ? 0 : i * 11));
const raw = (data: Uint8Array, channels: 1 | 3) => sharp(Buffer.from(data), { raw: { width, height, channels } });

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'vadc-image-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('PNG (synchronous, for masks)', () => {
  it('decodes RGB, grey, palette and 16-bit grey PNGs exactly as written', async () => {
    expect(decodePng(await raw(rgb, 3).png().toBuffer()).data).toEqual(rgb);
    const greyRgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => grey[Math.floor(i / 3)]!);
    expect(decodePng(await raw(grey, 1).png().toBuffer()).data).toEqual(greyRgb);
    expect(decodePng(await raw(grey, 1).toColourspace('grey16').png().toBuffer()).data).toEqual(greyRgb);
    const twoColour = Uint8Array.from({ length: width * height }, (_, i) => (i % 2) * 255);
    const palette = await raw(twoColour, 1).png({ palette: true, colours: 2 }).toBuffer();
    expect(binaryMask(decodePng(palette))).toEqual(Uint8Array.from(twoColour, (v) => (v ? 1 : 0)));
  });

  it('rejects a cut PNG', async () => {
    const bytes = await raw(rgb, 3).png().toBuffer();
    expect(() => decodePng(bytes.subarray(0, bytes.length - 20))).toThrow(expect.objectContaining({ code: 'TRUNCATED_IMAGE' }));
  });
});

describe('image files', () => {
  it('decodes PNG, TIFF and BMP frames to the same RGB and grey to 3 channels', async () => {
    await raw(rgb, 3).png().toFile(join(folder, 'a.png'));
    await raw(rgb, 3).tiff({ compression: 'lzw' }).toFile(join(folder, 'a.tif'));
    await writeFile(join(folder, 'a.bmp'), encodeBmp({ width, height, data: rgb }, { bits: 24 }));
    await raw(grey, 1).png().toFile(join(folder, 'g.png'));
    for (const name of ['a.png', 'a.tif', 'a.bmp']) {
      expect(await readImageFile(join(folder, name))).toEqual({ width, height, data: rgb });
      expect(await probeImageFile(join(folder, name))).toEqual([height, width]);
    }
    const greyImage = await readImageFile(join(folder, 'g.png'));
    expect(greyImage.data.length).toBe(width * height * 3);
    expect(Array.from(greyImage.data.subarray(3, 6))).toEqual([grey[1], grey[1], grey[1]]);
  });

  it('decodes JPEG within a few levels and reads BMP / PNG masks synchronously', async () => {
    await raw(rgb, 3).jpeg({ quality: 100 }).toFile(join(folder, 'a.jpg'));
    const jpeg = await readImageFile(join(folder, 'a.jpg'));
    expect(jpeg.data.length).toBe(rgb.length);
    const greyRgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => grey[Math.floor(i / 3)]!);
    await writeFile(join(folder, 'm.bmp'), encodeBmp({ width, height, data: greyRgb }, { bits: 8 }));
    expect(binaryMask(readMaskFileSync(join(folder, 'm.bmp')))).toEqual(Uint8Array.from(grey, (v) => (v ? 1 : 0)));
  });

  it('finds truncated and unreadable frames, naming the file', async () => {
    const jpeg = await raw(rgb, 3).jpeg().toBuffer();
    await writeFile(join(folder, 'cut.jpg'), jpeg.subarray(0, jpeg.length - 10));
    await expect(probeImageFile(join(folder, 'cut.jpg'))).rejects.toMatchObject({ code: 'TRUNCATED_IMAGE', path: join(folder, 'cut.jpg') });
    await expect(readImageFile(join(folder, 'cut.jpg'))).rejects.toMatchObject({ code: 'TRUNCATED_IMAGE' });
    const png = await raw(rgb, 3).png().toBuffer();
    await writeFile(join(folder, 'cut.png'), png.subarray(0, png.length - 12));
    await expect(probeImageFile(join(folder, 'cut.png'))).rejects.toMatchObject({ code: 'TRUNCATED_IMAGE' });
    const bmp = encodeBmp({ width, height, data: rgb }, { bits: 24 });
    await writeFile(join(folder, 'cut.bmp'), bmp.subarray(0, bmp.length - 4));
    await expect(probeImageFile(join(folder, 'cut.bmp'))).rejects.toMatchObject({ code: 'TRUNCATED_IMAGE' });
    await writeFile(join(folder, 'junk.tif'), 'not an image');
    await expect(probeImageFile(join(folder, 'junk.tif'))).rejects.toMatchObject({ code: 'UNREADABLE_IMAGE', path: join(folder, 'junk.tif') });
  });
});
