// `procedural`: generated objects, no external data. Each paste draws a new object (a union of one to three
// ellipses / rectangles with a striped, checkered, noisy or shaded texture) of random size, moving along a random
// straight path at a random speed and opacity, within the recipe's ranges.
import type { Random } from '../../random.ts';
import { forEachShapePixel, type Shape } from '../synthetic/shapes.ts';
import { greySprite, isGreyscale, maskFrame, pasteAlongPath, randomPath, type Sprite } from './sprite.ts';
import type { AnomalyGenerator, GeneratorContext, PasteRequest, PasteResult } from './types.ts';

type Texture = (x: number, y: number) => number;

function randomTexture(random: Random): Texture {
  const kind = random.integer(0, 3);
  const period = random.uniform(2.5, 8);
  const angle = random.uniform(0, Math.PI);
  const contrast = random.uniform(0.25, 0.6);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const noise = random.getState()[0];
  switch (kind) {
    case 0: // stripes
      return (x, y) => 1 + contrast * Math.sign(Math.sin((2 * Math.PI * (x * cos + y * sin)) / period));
    case 1: // checker
      return (x, y) => 1 + contrast * ((Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? 1 : -1);
    case 2: // hashed per-pixel noise, fixed for the object
      return (x, y) => 1 + contrast * (((Math.imul(x * 73856093 ^ y * 19349663 ^ noise, 0x9e3779b1) >>> 0) / 4294967296) * 2 - 1);
    default: // smooth shading across the object
      return (x, y) => 1 + contrast * Math.sin((x * cos + y * sin) / (period * 2));
  }
}

/** A random textured object fitting a box of [height, width] pixels. */
export function proceduralSprite(random: Random, height: number, width: number): Sprite {
  const h = Math.max(2, Math.round(height));
  const w = Math.max(2, Math.round(width));
  const mask = new Uint8Array(h * w);
  const parts = random.integer(1, 3);
  for (let index = 0; index < parts; index++) {
    // The first part is large and central so the object is one connected piece; the others attach to it.
    const main = index === 0;
    const shape: Shape = {
      kind: random.next() < 0.5 ? 'ellipse' : 'rect',
      centerX: main ? w / 2 : random.uniform(0.25, 0.75) * w,
      centerY: main ? h / 2 : random.uniform(0.25, 0.75) * h,
      halfWidth: (main ? random.uniform(0.35, 0.5) : random.uniform(0.15, 0.35)) * w,
      halfHeight: (main ? random.uniform(0.35, 0.5) : random.uniform(0.15, 0.35)) * h,
      angle: main ? 0 : random.uniform(0, Math.PI),
      value: 1,
    };
    forEachShapePixel(shape, h, w, (offset) => (mask[offset] = 1));
  }
  const texture = randomTexture(random);
  const base = [random.uniform(20, 235), random.uniform(20, 235), random.uniform(20, 235)];
  const rgb = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const factor = texture(x, y);
      for (let channel = 0; channel < 3; channel++) {
        rgb[(y * w + x) * 3 + channel] = Math.max(0, Math.min(255, Math.round((base[channel] as number) * factor)));
      }
    }
  }
  return { height: h, width: w, rgb, mask };
}

/** The `procedural` generator. */
export function proceduralGenerator(context: GeneratorContext): AnomalyGenerator {
  const { scale, speed, opacity } = context.options;
  return {
    name: 'procedural',
    async paste(request: PasteRequest): Promise<PasteResult> {
      const { random, height, width } = request;
      const side = Math.min(height, width) * random.uniform(scale[0], scale[1]);
      const aspect = Math.exp(random.uniform(Math.log(0.5), Math.log(2)));
      let sprite = proceduralSprite(random, side * Math.sqrt(aspect), side / Math.sqrt(aspect));
      const current = maskFrame(request);
      if (current !== undefined && isGreyscale(current)) sprite = greySprite(sprite);
      const path = randomPath(random, height, width, random.uniform(speed[0], speed[1]));
      const sprites = request.frames.map(() => sprite);
      return pasteAlongPath(request.frames, request.offsets, height, width, sprites, path, random.uniform(opacity[0], opacity[1]), request.maskOffset);
    },
  };
}
