// Builders of tiny on-disk datasets for the readers' tests: frames with known content, masks with known boxes.
// Test support only (imported by *.test.ts files).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { encodeBmp } from '../formats/bmp.ts';

/** A fresh temporary folder. */
export function temporaryFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vadc-readers-'));
}

/** Frame `t` of a test video: flat grey level 20 + 10 t with a brighter 2x2 square in the top-left corner. [H, W, 3]. */
export function testFrame(t: number, height: number, width: number): Uint8Array {
  const frame = new Uint8Array(height * width * 3).fill(20 + 10 * t);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) frame.fill(200, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return frame;
}

/** A 0/1 mask [H, W] with the inclusive box [x1, y1, x2, y2] set (or empty when box is null). */
export function boxMask(height: number, width: number, box: [number, number, number, number] | null): Uint8Array {
  const mask = new Uint8Array(height * width);
  if (box) for (let y = box[1]; y <= box[3]; y++) mask.fill(1, y * width + box[0], y * width + box[2] + 1);
  return mask;
}

/** Writes an RGB image [H, W, 3] to `path`, the format chosen by the extension (.bmp by hand, others via sharp). */
export async function writeImage(path: string, data: Uint8Array, height: number, width: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (path.endsWith('.bmp')) return writeFile(path, encodeBmp({ width, height, data }, { bits: 24 }));
  const image = sharp(Buffer.from(data), { raw: { width, height, channels: 3 } });
  if (path.endsWith('.tif')) await image.tiff({ compression: 'lzw' }).toFile(path);
  else await image.toFile(path);
}

/** Writes a grey mask (values 0 / `value`) as PNG (via sharp) or 8-bit palette BMP. */
export async function writeMask(path: string, mask: Uint8Array, height: number, width: number, value = 255): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const grey = Uint8Array.from(mask, (bit) => (bit ? value : 0));
  if (path.endsWith('.bmp')) {
    const rgb = Uint8Array.from({ length: grey.length * 3 }, (_, i) => grey[Math.floor(i / 3)]!);
    return writeFile(path, encodeBmp({ width, height, data: rgb }, { bits: 8 }));
  }
  await sharp(Buffer.from(grey), { raw: { width, height, channels: 1 } }).png().toFile(path);
}

/** Writes frames 0..count-1 of testFrame into `folder` as `<name(t)>`. */
export async function writeFrames(folder: string, count: number, height: number, width: number, name: (t: number) => string): Promise<void> {
  for (let t = 0; t < count; t++) await writeImage(join(folder, name(t)), testFrame(t, height, width), height, width);
}

/** Frames 0..count-1 of testFrame as one raw RGB24 buffer [T, H, W, 3] (input of encodeVideo). */
export function testVideoBytes(count: number, height: number, width: number): Uint8Array {
  const bytes = new Uint8Array(count * height * width * 3);
  for (let t = 0; t < count; t++) bytes.set(testFrame(t, height, width), t * height * width * 3);
  return bytes;
}
