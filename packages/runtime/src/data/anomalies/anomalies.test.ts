import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, it, expect } from 'vitest';
import { Random } from '../../random.ts';
import { tinyPlan } from '../../test-plan.ts';
import { PipelineError } from '../pipeline/pipeline-error.ts';
import { greyFrame } from '../pipeline/test-fixtures.ts';
import { cutForeground } from './foreground.ts';
import { listObjectSequences } from './objects.ts';
import { anomalyGenerators, createAnomalyGenerator } from './registry.ts';
import type { GeneratorContext, PasteResult } from './types.ts';

const height = 48;
const width = 64;
const options = { folder: null, scale: [0.15, 0.25] as [number, number], speed: [2, 3] as [number, number], opacity: [1, 1] as [number, number] };
const background = greyFrame(height, width, () => 128);

function request(seed: number) {
  return { frames: [background, background, background], offsets: [-3, 0, 3], height, width, random: new Random(seed), videoIndex: 0 };
}

/** Centroid of the pixels of `frame` that differ from the background. */
function changedCentroid(frame: Uint8Array): [number, number, number] {
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  for (let pixel = 0; pixel < height * width; pixel++) {
    if (frame[pixel * 3] !== 128 || frame[pixel * 3 + 1] !== 128 || frame[pixel * 3 + 2] !== 128) {
      count++;
      sumX += pixel % width;
      sumY += Math.floor(pixel / width);
    }
  }
  return [count, sumX / count, sumY / count];
}

function expectConsistent(result: PasteResult): void {
  const mask = result.mask;
  expect(mask.some((value) => value === 1)).toBe(true);
  const current = result.frames[1] as Uint8Array;
  for (let pixel = 0; pixel < height * width; pixel++) {
    const changed = current[pixel * 3] !== 128 || current[pixel * 3 + 1] !== 128 || current[pixel * 3 + 2] !== 128;
    if (changed) expect(mask[pixel]).toBe(1);
  }
}

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('procedural generator', () => {
  const generator = createAnomalyGenerator('procedural', { options, size: [height, width], donors: null });

  it('pastes an object whose mask at t covers every changed pixel, and leaves the input frames alone', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const result = (await generator.paste(request(seed))) as PasteResult;
      expectConsistent(result);
      expect(background.every((value) => value === 128)).toBe(true);
    }
  });

  it('moves the object along one straight path over t-3, t, t+3', async () => {
    let checked = 0;
    for (let seed = 1; seed <= 20 && checked < 3; seed++) {
      const result = (await generator.paste(request(seed))) as PasteResult;
      const [before, current, after] = result.frames.map(changedCentroid) as [[number, number, number], [number, number, number], [number, number, number]];
      // Only judge pastes that stay whole in all three frames (same pixel count), where centroids are exact.
      if (before[0] !== current[0] || after[0] !== current[0]) continue;
      checked++;
      // Equal steps up to the rounding of the paste position to whole pixels.
      expect(Math.abs(after[1] - current[1] - (current[1] - before[1]))).toBeLessThanOrEqual(1);
      expect(Math.abs(after[2] - current[2] - (current[2] - before[2]))).toBeLessThanOrEqual(1);
      expect(Math.hypot(after[1] - before[1], after[2] - before[2])).toBeGreaterThan(6);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('pastes grey objects into greyscale frames', async () => {
    const result = (await generator.paste(request(3))) as PasteResult;
    const frame = result.frames[1] as Uint8Array;
    for (let index = 0; index < frame.length; index += 3) expect(frame[index + 1]).toBe(frame[index]);
  });
});

describe('objects generator', () => {
  it('pastes object sequences from <folder>/<object>/ + <object>_mask/', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vadc-objects-'));
    folders.push(folder);
    mkdirSync(join(folder, 'ball'));
    mkdirSync(join(folder, 'ball_mask'));
    for (let index = 1; index <= 3; index++) {
      const rgb = Buffer.alloc(10 * 10 * 3, 30 * index);
      const mask = Buffer.alloc(10 * 10, 0);
      for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) mask[y * 10 + x] = 255;
      await sharp(rgb, { raw: { width: 10, height: 10, channels: 3 } }).png().toFile(join(folder, 'ball', `${index}.png`));
      await sharp(mask, { raw: { width: 10, height: 10, channels: 1 } }).png().toFile(join(folder, 'ball_mask', `${index}.png`));
    }
    // A linked object folder counts like a real one; a link that leads nowhere is named, not skipped.
    const linked = mkdtempSync(join(tmpdir(), 'vadc-objects-'));
    folders.push(linked);
    for (const name of ['ball', 'ball_mask']) symlinkSync(join(folder, name), join(linked, name));
    expect(listObjectSequences(linked).map((sequence) => sequence.name)).toEqual(['ball']);
    symlinkSync(join(folder, 'gone'), join(linked, 'kite'));
    expect(() => listObjectSequences(linked)).toThrow(expect.objectContaining({ code: 'OBJECTS_FOLDER_MISSING', message: expect.stringMatching(/leads nowhere/) }));
    const generator = createAnomalyGenerator('objects', { options: { ...options, folder }, size: [height, width], donors: null });
    for (let seed = 1; seed <= 5; seed++) {
      const result = (await generator.paste(request(seed))) as PasteResult;
      expectConsistent(result);
      // Opacity 1: pasted pixels carry the object's own grey levels (30, 60 or 90, one per sequence frame).
      const current = result.frames[1] as Uint8Array;
      const levels = new Set<number>();
      result.mask.forEach((value, pixel) => value === 1 && levels.add(current[pixel * 3] as number));
      expect([...levels].every((level) => [30, 60, 90].includes(level))).toBe(true);
    }
  });

  it('names the folder problem with a code', () => {
    const folder = mkdtempSync(join(tmpdir(), 'vadc-objects-'));
    folders.push(folder);
    const make = (name: string | null) => () => createAnomalyGenerator('objects', { options: { ...options, folder: name }, size: [height, width], donors: null });
    expect(make(null)).toThrow(expect.objectContaining({ code: 'OBJECTS_FOLDER_MISSING' }));
    expect(make(join(folder, 'nope'))).toThrow(expect.objectContaining({ code: 'OBJECTS_FOLDER_MISSING' }));
    expect(make(folder)).toThrow(expect.objectContaining({ code: 'OBJECTS_FOLDER_EMPTY' }));
    mkdirSync(join(folder, 'car'));
    expect(make(folder)).toThrow(expect.objectContaining({ code: 'OBJECT_MASKS_MISSING' }));
  });
});

describe('foreground generator', () => {
  // A donor frame with a dark 8x6 person-sized block whose motion marks it.
  const donorFrame = greyFrame(height, width, (y, x) => (y >= 20 && y < 28 && x >= 30 && x < 36 ? 20 : 150));
  const donorMotion = greyFrame(height, width, (y, x) => (y >= 20 && y < 28 && x >= 30 && x < 36 ? 130 : 3));

  it('cuts the moving blob out of a donor frame', () => {
    const sprite = cutForeground({ frame: donorFrame, motion: donorMotion }, height, width);
    // The motion blob is the block dilated by one pixel: 10 x 8.
    expect(sprite).not.toBeNull();
    expect([sprite!.height, sprite!.width]).toEqual([10, 8]);
    expect(sprite!.rgb[(1 * 8 + 1) * 3]).toBe(20);
  });

  it('pastes the cut-out into the sample, and nothing without donors', async () => {
    const context: GeneratorContext = { options, size: [height, width], donors: async () => ({ frame: donorFrame, motion: donorMotion }) };
    const generator = createAnomalyGenerator('foreground', context);
    expectConsistent((await generator.paste(request(4))) as PasteResult);
    const without = createAnomalyGenerator('foreground', { ...context, donors: null });
    expect(await without.paste(request(4))).toBeNull();
    const still = createAnomalyGenerator('foreground', { ...context, donors: async () => ({ frame: donorFrame, motion: greyFrame(height, width, () => 0) }) });
    expect(await still.paste(request(4))).toBeNull();
  });
});

describe('anomaly generator registry', () => {
  it('builds each registered generator under its own name and rejects unknown names', () => {
    const plan = tinyPlan();
    for (const name of Object.keys(anomalyGenerators)) {
      if (name === 'objects') continue; // needs a folder; covered above
      expect(createAnomalyGenerator(name, { options: plan.synthetic_anomalies.options, size: [8, 8], donors: null }).name).toBe(name);
    }
    expect(() => createAnomalyGenerator('glitter', { options, size: [8, 8], donors: null })).toThrow(PipelineError);
  });
});
