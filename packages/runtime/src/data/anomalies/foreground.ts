// `foreground`: realistic anomalies from the user's own data. A moving blob (a person, a bike) is cut out of
// another training clip where its motion gradients are strong, then pasted at a wrong scale, speed and direction.
// The blob is rigid over the context frames (one cut-out slid along the path), which is what makes it move wrong.
import type { Random } from '../../random.ts';
import { greySprite, isGreyscale, maskFrame, pasteAlongPath, randomPath, resizeSprite, type Sprite } from './sprite.ts';
import type { AnomalyGenerator, DonorFrame, GeneratorContext, PasteRequest, PasteResult } from './types.ts';

/** Donor draws per paste before giving up (a donor frame may have no moving blob). */
const ATTEMPTS = 4;

/** The moving pixels of a motion image: per-pixel channel maximum above a threshold, dilated by one pixel. */
export function motionForeground(motion: Uint8Array, height: number, width: number): Uint8Array {
  const strength = new Uint8Array(height * width);
  let peak = 0;
  for (let pixel = 0; pixel < strength.length; pixel++) {
    const value = Math.max(motion[pixel * 3] as number, motion[pixel * 3 + 1] as number, motion[pixel * 3 + 2] as number);
    strength[pixel] = value;
    if (value > peak) peak = value;
  }
  const threshold = Math.max(20, 0.3 * peak);
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((strength[y * width + x] as number) < threshold) continue;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const row = y + dy;
          const column = x + dx;
          if (row >= 0 && row < height && column >= 0 && column < width) out[row * width + column] = 1;
        }
      }
    }
  }
  return out;
}

/** 4-connected components of a 0/1 mask: the pixel offsets of each, largest first. */
export function components(mask: Uint8Array, height: number, width: number): number[][] {
  const seen = new Uint8Array(mask.length);
  const found: number[][] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1 || seen[start] === 1) continue;
    const pixels: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const offset = stack.pop() as number;
      pixels.push(offset);
      const x = offset % width;
      const neighbours = [x > 0 ? offset - 1 : -1, x < width - 1 ? offset + 1 : -1, offset - width, offset + width];
      for (const next of neighbours) {
        if (next >= 0 && next < mask.length && mask[next] === 1 && seen[next] === 0) {
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
    found.push(pixels);
  }
  return found.sort((a, b) => b.length - a.length);
}

/**
 * Cuts the largest moving blob out of a donor frame as a sprite (each row of the blob filled between its leftmost
 * and rightmost pixel, since frame differences mark an object's edges more than its inside), or null when the donor
 * has no blob of a useful size.
 */
export function cutForeground(donor: DonorFrame, height: number, width: number): Sprite | null {
  const blobs = components(motionForeground(donor.motion, height, width), height, width);
  const minimum = Math.max(12, 0.001 * height * width);
  const blob = blobs.find((pixels) => pixels.length >= minimum && pixels.length <= 0.25 * height * width);
  if (blob === undefined) return null;
  const rowLeft = new Map<number, number>();
  const rowRight = new Map<number, number>();
  for (const offset of blob) {
    const y = Math.floor(offset / width);
    const x = offset % width;
    rowLeft.set(y, Math.min(rowLeft.get(y) ?? x, x));
    rowRight.set(y, Math.max(rowRight.get(y) ?? x, x));
  }
  const rows = [...rowLeft.keys()];
  const top = Math.min(...rows);
  const bottom = Math.max(...rows);
  const left = Math.min(...rowLeft.values());
  const right = Math.max(...rowRight.values());
  const spriteHeight = bottom - top + 1;
  const spriteWidth = right - left + 1;
  const rgb = new Uint8Array(spriteHeight * spriteWidth * 3);
  const mask = new Uint8Array(spriteHeight * spriteWidth);
  for (let y = top; y <= bottom; y++) {
    const from = rowLeft.get(y);
    const to = rowRight.get(y);
    if (from === undefined || to === undefined) continue;
    for (let x = from; x <= to; x++) {
      const local = (y - top) * spriteWidth + (x - left);
      mask[local] = 1;
      rgb.set(donor.frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), local * 3);
    }
  }
  return { height: spriteHeight, width: spriteWidth, rgb, mask };
}

/** A wrong scale for a cut-out: shrunk to 0.5-0.8 or grown to 1.25-2 times, kept under 60% of the frame. */
function wrongScale(random: Random, sprite: Sprite, height: number, width: number): number {
  const factor = random.next() < 0.5 ? random.uniform(0.5, 0.8) : random.uniform(1.25, 2);
  const limit = (0.6 * Math.min(height, width)) / Math.max(sprite.height, sprite.width);
  return Math.min(factor, limit);
}

/** The `foreground` generator; pastes nothing (null) when the dataset offers no donor clips or blobs. */
export function foregroundGenerator(context: GeneratorContext): AnomalyGenerator {
  const { speed, opacity } = context.options;
  return {
    name: 'foreground',
    async paste(request: PasteRequest): Promise<PasteResult | null> {
      const { random, height, width } = request;
      if (context.donors === null) return null;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const donor = await context.donors(random, request.videoIndex);
        if (donor === null) return null;
        const cut = cutForeground(donor, height, width);
        if (cut === null) continue;
        const factor = wrongScale(random, cut, height, width);
        let sprite = resizeSprite(cut, cut.height * factor, cut.width * factor);
        if (isGreyscale(maskFrame(request) ?? new Uint8Array(0))) sprite = greySprite(sprite);
        const path = randomPath(random, height, width, random.uniform(speed[0], speed[1]));
        const sprites = request.frames.map(() => sprite);
        return pasteAlongPath(request.frames, request.offsets, height, width, sprites, path, random.uniform(opacity[0], opacity[1]), request.maskOffset);
      }
      return null;
    },
  };
}
