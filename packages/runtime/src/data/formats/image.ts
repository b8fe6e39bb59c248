// Image files as frames and masks. Frames decode through sharp (JPEG, PNG, TIFF, WebP) or the BMP reader, always to
// interleaved RGB uint8 (grey replicated to 3 channels, alpha dropped, 16-bit reduced to 8). Opening a dataset only
// probes each frame (size from the header, plus a cheap check that the file is not cut short); masks are read
// synchronously (BMP, PNG) because they are loaded inside the lazy `VideoSource.truth`.
import { open, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import sharp from 'sharp';
import { DatasetError, parsing } from '../readers/dataset-error.ts';
import { bmpSize, decodeBmp, type RgbImage } from './bmp.ts';
import { decodePng } from './png.ts';

/** Frame file extensions the readers accept, lower case. */
export const IMAGE_EXTENSIONS = ['.tif', '.tiff', '.jpg', '.jpeg', '.png', '.bmp', '.webp'];

/** Whether `name` has one of IMAGE_EXTENSIONS. */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

function toRgb(data: Uint8Array, width: number, height: number, channels: number, path: string): Uint8Array {
  if (channels === 3) return data;
  if (![1, 2, 4].includes(channels)) throw new DatasetError('UNSUPPORTED_IMAGE', `${channels}-channel image`, path);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    if (channels <= 2) rgb.fill(data[i * channels]!, i * 3, i * 3 + 3);
    else rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
  }
  return rgb;
}

/** Decodes an image file to RGB [H, W, 3]. Throws DatasetError UNREADABLE_IMAGE / TRUNCATED_IMAGE naming the file. */
export async function readImageFile(path: string): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DatasetError('UNREADABLE_IMAGE', `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  if (extname(path).toLowerCase() === '.bmp') return parsing(path, () => decodeBmp(bytes));
  try {
    const { data, info } = await sharp(bytes).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { width: info.width, height: info.height, data: toRgb(pixels, info.width, info.height, info.channels, path) };
  } catch (error) {
    const message = (error as Error).message;
    const truncated = /premature end|truncated|cut short|end of file/i.test(message);
    throw new DatasetError(truncated ? 'TRUNCATED_IMAGE' : 'UNREADABLE_IMAGE', `cannot decode image (${message.split('\n')[0]})`, path);
  }
}

async function readTail(path: string, size: number): Promise<{ tail: Uint8Array; fileSize: number }> {
  const handle = await open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const length = Math.min(size, fileSize);
    const tail = new Uint8Array(length);
    await handle.read(tail, 0, length, fileSize - length);
    return { tail, fileSize };
  } finally {
    await handle.close();
  }
}

function endsWithMarker(tail: Uint8Array, marker: number[]): boolean {
  for (let i = tail.length - marker.length; i >= 0; i--) {
    if (marker.every((byte, j) => tail[i + j] === byte)) return true;
  }
  return false;
}

/**
 * Reads an image's [height, width] from its header without decoding the pixels, and checks that a JPEG ends with
 * its end-of-image marker, a PNG with IEND and a BMP holds all its rows (TIFF and WebP are only checked on decode).
 */
export async function probeImageFile(path: string): Promise<[number, number]> {
  const extension = extname(path).toLowerCase();
  let fileSize: number;
  let tail: Uint8Array;
  try {
    ({ tail, fileSize } = await readTail(path, 64));
  } catch (error) {
    throw new DatasetError('UNREADABLE_IMAGE', `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  if (fileSize === 0) throw new DatasetError('TRUNCATED_IMAGE', 'empty file', path);
  if (extension === '.bmp') {
    const handle = await open(path, 'r');
    const head = new Uint8Array(Math.min(54, fileSize));
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    const { width, height } = parsing(path, () => bmpSize(head));
    const view = new DataView(head.buffer);
    const stride = Math.ceil((width * view.getUint16(28, true)) / 32) * 4;
    if (view.getUint32(10, true) + stride * height > fileSize) throw new DatasetError('TRUNCATED_IMAGE', 'BMP pixel data is cut short', path);
    return [height, width];
  }
  if ((extension === '.jpg' || extension === '.jpeg') && !endsWithMarker(tail, [0xff, 0xd9])) {
    throw new DatasetError('TRUNCATED_IMAGE', 'JPEG is cut short (no end-of-image marker)', path);
  }
  if (extension === '.png' && !endsWithMarker(tail, [0x49, 0x45, 0x4e, 0x44])) {
    throw new DatasetError('TRUNCATED_IMAGE', 'PNG is cut short (no IEND chunk)', path);
  }
  try {
    const metadata = await sharp(path).metadata();
    if (!metadata.width || !metadata.height) throw new Error('no size in header');
    return [metadata.height, metadata.width];
  } catch (error) {
    throw new DatasetError('UNREADABLE_IMAGE', `not a readable image (${(error as Error).message.split('\n')[0]})`, path);
  }
}

/** Reads a BMP or PNG mask synchronously as RGB; callers threshold or read track ids from the red channel. */
export function readMaskFileSync(path: string): RgbImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DatasetError('UNREADABLE_IMAGE', `cannot read mask (${(error as NodeJS.ErrnoException).code ?? 'error'})`, path);
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.bmp') return parsing(path, () => decodeBmp(bytes));
  if (extension === '.png') return parsing(path, () => decodePng(bytes));
  throw new DatasetError('UNSUPPORTED_IMAGE', 'masks must be .png or .bmp files', path);
}

/** Row-major 0/1 mask from an RGB mask image: 1 where any channel is non-zero. */
export function binaryMask(image: RgbImage): Uint8Array {
  const mask = new Uint8Array(image.width * image.height);
  for (let i = 0; i < mask.length; i++) {
    mask[i] = image.data[i * 3]! | image.data[i * 3 + 1]! | image.data[i * 3 + 2]! ? 1 : 0;
  }
  return mask;
}
