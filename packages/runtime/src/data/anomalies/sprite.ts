// A sprite is a small RGB image with a coverage mask; generators make one and slide it along a path over the
// context frames. Compositing is `out = (1 - a) * frame + a * sprite` with a = opacity inside the object.
import type { Random } from '../../random.ts';
import { createResizer } from '../pipeline/resize.ts';
import type { PasteRequest } from './types.ts';

/** An object to paste: height x width x 3 RGB and a height x width 0/1 mask of its pixels. */
export interface Sprite {
  height: number;
  width: number;
  rgb: Uint8Array;
  mask: Uint8Array;
}

/** A straight path in frame coordinates: the sprite's centre at t and its velocity in pixels per frame. */
export interface SpritePath {
  centerX: number;
  centerY: number;
  velocityX: number;
  velocityY: number;
}

/** Resizes a sprite to [height, width] (bilinear colours, mask thresholded at one half). */
export function resizeSprite(sprite: Sprite, height: number, width: number): Sprite {
  const target: [number, number] = [Math.max(1, Math.round(height)), Math.max(1, Math.round(width))];
  if (target[0] === sprite.height && target[1] === sprite.width) return sprite;
  const rgb = createResizer([sprite.height, sprite.width], target, 3).resize(sprite.rgb);
  const scaledMask = new Uint8Array(sprite.mask.length);
  for (let index = 0; index < scaledMask.length; index++) scaledMask[index] = sprite.mask[index] === 1 ? 255 : 0;
  const resizedMask = createResizer([sprite.height, sprite.width], target, 1).resize(scaledMask);
  const mask = new Uint8Array(resizedMask.length);
  for (let index = 0; index < mask.length; index++) mask[index] = (resizedMask[index] as number) >= 128 ? 1 : 0;
  return { height: target[0], width: target[1], rgb, mask };
}

/** Whether every channel of every pixel is equal (a greyscale frame stored as replicated RGB). */
export function isGreyscale(frame: Uint8Array): boolean {
  for (let index = 0; index < frame.length; index += 3) {
    if (frame[index] !== frame[index + 1] || frame[index] !== frame[index + 2]) return false;
  }
  return true;
}

/** Converts a sprite to replicated grey (luma), for greyscale datasets. */
export function greySprite(sprite: Sprite): Sprite {
  const rgb = new Uint8Array(sprite.rgb.length);
  for (let index = 0; index < rgb.length; index += 3) {
    const luma = Math.round(0.299 * (sprite.rgb[index] as number) + 0.587 * (sprite.rgb[index + 1] as number) + 0.114 * (sprite.rgb[index + 2] as number));
    rgb[index] = luma;
    rgb[index + 1] = luma;
    rgb[index + 2] = luma;
  }
  return { ...sprite, rgb };
}

/**
 * A random path whose position at t keeps the sprite's centre inside the frame, moving at `speed` pixels per frame
 * in a random direction.
 */
export function randomPath(random: Random, height: number, width: number, speed: number): SpritePath {
  const angle = random.uniform(0, 2 * Math.PI);
  return {
    centerX: random.uniform(0.1, 0.9) * width,
    centerY: random.uniform(0.1, 0.9) * height,
    velocityX: Math.cos(angle) * speed,
    velocityY: Math.sin(angle) * speed,
  };
}

/**
 * Pastes `sprite` into a copy of `frame` (height x width x 3) centred at (centerX, centerY) with `opacity`;
 * marks the covered pixels in `mask` when given. Returns the new frame.
 */
export function pasteSprite(frame: Uint8Array, height: number, width: number, sprite: Sprite, centerX: number, centerY: number, opacity: number, mask?: Uint8Array): Uint8Array {
  const out = frame.slice();
  const left = Math.round(centerX - sprite.width / 2);
  const top = Math.round(centerY - sprite.height / 2);
  for (let y = 0; y < sprite.height; y++) {
    const row = top + y;
    if (row < 0 || row >= height) continue;
    for (let x = 0; x < sprite.width; x++) {
      const column = left + x;
      if (column < 0 || column >= width || sprite.mask[y * sprite.width + x] !== 1) continue;
      const target = (row * width + column) * 3;
      const source = (y * sprite.width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const background = out[target + channel] as number;
        out[target + channel] = Math.round(background + ((sprite.rgb[source + channel] as number) - background) * opacity);
      }
      if (mask !== undefined) mask[row * width + column] = 1;
    }
  }
  return out;
}

/** The frame a request's mask is taken at (offset maskOffset, default 0), or undefined when none has that offset. */
export function maskFrame(request: PasteRequest): Uint8Array | undefined {
  return request.frames[request.offsets.indexOf(request.maskOffset ?? 0)];
}

/**
 * Pastes one sprite per context frame along `path` (frame k gets sprite k at centre + velocity * offset k), and
 * returns the augmented frames with the mask at the frame whose offset is `maskOffset` (first such in context order).
 */
export function pasteAlongPath(frames: readonly Uint8Array[], offsets: readonly number[], height: number, width: number, sprites: readonly Sprite[], path: SpritePath, opacity: number, maskOffset = 0): { frames: Uint8Array[]; mask: Uint8Array } {
  const mask = new Uint8Array(height * width);
  const current = offsets.indexOf(maskOffset);
  const out = frames.map((frame, slot) => {
    const offset = offsets[slot] as number;
    const sprite = sprites[slot] as Sprite;
    const centerX = path.centerX + path.velocityX * offset;
    const centerY = path.centerY + path.velocityY * offset;
    return pasteSprite(frame, height, width, sprite, centerX, centerY, opacity, slot === current ? mask : undefined);
  });
  return { frames: out, mask };
}
