// `objects`: object sequences from a folder (e.g. cut from UBnormal, as the paper does), pasted moving across
// the frame. Folder layout (`synthetic_anomalies.options.folder`):
//
//   <folder>/<object>/<n>.png        the object's frames (RGB or grey; any image sharp reads), natural order
//   <folder>/<object>_mask/<n>.png   one mask per frame, same names: non-zero = object pixel
//
// Frames of one object may be any size; each paste scales the whole sequence so its larger side is `scale` of the
// frame's shorter side, picks a start frame, and plays the sequence along a straight path at `speed`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { LruCache } from '../pipeline/lru-cache.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { greySprite, isGreyscale, maskFrame, pasteAlongPath, randomPath, resizeSprite, type Sprite } from './sprite.ts';
import type { AnomalyGenerator, GeneratorContext, PasteRequest, PasteResult } from './types.ts';

const IMAGE = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);

/** One object of the folder: its frame files and mask files, in order. */
export interface ObjectSequenceFiles {
  name: string;
  frames: string[];
  masks: string[];
}

const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

function imageFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => IMAGE.has(extname(name).toLowerCase()))
    .sort(naturalOrder);
}

// A symbolic link among the object folders is followed like a real folder (an object set assembled from links is
// common); one that leads nowhere is an error naming it, never an object silently left out.
function linkedFolder(path: string): boolean {
  let target;
  try {
    target = statSync(path);
  } catch (error) {
    throw new PipelineError('OBJECTS_FOLDER_MISSING', `symbolic link leads nowhere (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  return target.isDirectory();
}

/** Lists the object sequences of a folder, checking the layout; throws a PipelineError naming the culprit. */
export function listObjectSequences(folder: string | null): ObjectSequenceFiles[] {
  if (folder === null || !existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new PipelineError('OBJECTS_FOLDER_MISSING', 'synthetic_anomalies.options.folder must name a folder of object sequences', folder ?? '');
  }
  const objects = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.endsWith('_mask') && (entry.isDirectory() || (entry.isSymbolicLink() && linkedFolder(join(folder, entry.name)))))
    .map((entry) => entry.name)
    .sort(naturalOrder);
  const sequences = objects.map((name) => {
    const maskFolder = join(folder, `${name}_mask`);
    if (!existsSync(maskFolder)) throw new PipelineError('OBJECT_MASKS_MISSING', `object ${name} has no mask folder ${name}_mask`, maskFolder);
    const frames = imageFiles(join(folder, name));
    const masks = imageFiles(maskFolder);
    if (frames.length === 0 || frames.length !== masks.length) {
      throw new PipelineError('OBJECT_FRAME_MISMATCH', `object ${name} has ${frames.length} frames and ${masks.length} masks`, join(folder, name));
    }
    return { name, frames: frames.map((file) => join(folder, name, file)), masks: masks.map((file) => join(maskFolder, file)) };
  });
  if (sequences.length === 0) throw new PipelineError('OBJECTS_FOLDER_EMPTY', 'no object sequences (<object>/ + <object>_mask/)', folder);
  return sequences;
}

async function readSprite(framePath: string, maskPath: string): Promise<Sprite> {
  const frame = await sharp(framePath).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const mask = await sharp(maskPath).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = frame.info;
  if (mask.info.width !== width || mask.info.height !== height) {
    throw new PipelineError('OBJECT_FRAME_MISMATCH', `mask is ${mask.info.width}x${mask.info.height}, frame is ${width}x${height}`, maskPath);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < 3; channel++) rgb[pixel * 3 + channel] = frame.data[pixel * channels + Math.min(channel, channels - 1)] as number;
  }
  const bits = new Uint8Array(width * height);
  for (let pixel = 0; pixel < bits.length; pixel++) bits[pixel] = (mask.data[pixel * mask.info.channels] as number) > 0 ? 1 : 0;
  return { height, width, rgb, mask: bits };
}

/** The `objects` generator; throws a PipelineError at creation when the folder's layout is wrong. */
export function objectsGenerator(context: GeneratorContext): AnomalyGenerator {
  const sequences = listObjectSequences(context.options.folder);
  const { scale, speed, opacity } = context.options;
  // Decoded sequences of the most recently used objects (each a few dozen small crops).
  const loaded = new LruCache<string, Promise<Sprite[]>>(8);
  const load = (files: ObjectSequenceFiles) =>
    loaded.getOrCreate(files.name, () => Promise.all(files.frames.map((frame, index) => readSprite(frame, files.masks[index] as string))));
  return {
    name: 'objects',
    async paste(request: PasteRequest): Promise<PasteResult> {
      const { random, height, width, offsets } = request;
      const files = sequences[random.integer(0, sequences.length - 1)] as ObjectSequenceFiles;
      const sequence = await load(files);
      const first = sequence[0] as Sprite;
      const factor = (Math.min(height, width) * random.uniform(scale[0], scale[1])) / Math.max(first.height, first.width);
      const greyscale = isGreyscale(maskFrame(request) ?? new Uint8Array(0));
      const start = random.integer(0, sequence.length - 1);
      const sprites = offsets.map((offset) => {
        // Play the sequence forward from `start`, bouncing at its ends so any start works for any context.
        const period = Math.max(1, 2 * (sequence.length - 1));
        const phase = (((start + offset) % period) + period) % period;
        const frame = sequence[phase < sequence.length ? phase : period - phase] as Sprite;
        const sprite = resizeSprite(frame, frame.height * factor, frame.width * factor);
        return greyscale ? greySprite(sprite) : sprite;
      });
      const path = randomPath(random, height, width, random.uniform(speed[0], speed[1]));
      return pasteAlongPath(request.frames, offsets, height, width, sprites, path, random.uniform(opacity[0], opacity[1]), request.maskOffset);
    },
  };
}
