import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../../test-plan.ts';
import { encodeVideo } from '../formats/video.ts';
import { writeNpy } from '../formats/npy.ts';
import { readShanghaitech } from './shanghaitech.ts';
import { boxMask, temporaryFolder, testFrame, testVideoBytes, writeFrames } from './test-fixtures.ts';

const [H, W] = [8, 12];
let root = '';

/** (T, H, W) uint8 masks with a box in frames 2..3. */
function pixelMasks(count: number, height = H, width = W): Uint8Array {
  const volume = new Uint8Array(count * height * width);
  for (let t = 2; t <= 3 && t < count; t++) volume.set(boxMask(height, width, [4, 1, 7, 3]), t * height * width);
  return volume;
}

async function build(folder: string): Promise<void> {
  await mkdir(join(folder, 'training', 'videos'), { recursive: true });
  await encodeVideo(join(folder, 'training', 'videos', '01_001.avi'), testVideoBytes(5, H, W), 5, [H, W]);
  await writeFrames(join(folder, 'testing', 'frames', '01_0014'), 5, H, W, (t) => `${String(t).padStart(3, '0')}.png`);
  await mkdir(join(folder, 'testing', 'test_frame_mask'));
  await mkdir(join(folder, 'testing', 'test_pixel_mask'));
  await writeFile(join(folder, 'testing', 'test_frame_mask', '01_0014.npy'), writeNpy({ shape: [5], dtype: 'f4', data: [0, 0, 1, 1, 0] }));
  await writeFile(join(folder, 'testing', 'test_pixel_mask', '01_0014.npy'), writeNpy({ shape: [5, H, W], dtype: 'u1', data: pixelMasks(5) }));
}

beforeAll(async () => {
  root = await temporaryFolder();
  await build(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (folder: string) => tinyPlan({ data: { dataset: 'shanghaitech', root: folder, cache_dir: join(folder, 'cache') } });

describe('ShanghaiTech reader', () => {
  it('reads training videos, test frames, labels, masks and regions', async () => {
    const source = await readShanghaitech(plan(root));
    expect(source.train.map((video) => [video.name, video.frameCount, video.resolution])).toEqual([['01_001', 5, [H, W]]]);
    expect((await source.train[0]!.readFrame(4)).length).toBe(H * W * 3);
    const [test] = source.test;
    expect([test!.name, test!.frameCount]).toEqual(['01_0014', 5]);
    expect(await test!.readFrame(3)).toEqual(testFrame(3, H, W));
    expect(test!.truth!.labels).toEqual([0, 0, 1, 1, 0]);
    expect(test!.truth!.masks!.get(2)![1 * W + 4]).toBe(1);
    expect([...test!.truth!.regions!]).toEqual([[2, [{ trackId: 0, box: [4, 1, 7, 3] }]], [3, [{ trackId: 0, box: [4, 1, 7, 3] }]]]);
  });

  it.each([
    ['label length', (folder: string) => writeFile(join(folder, 'testing', 'test_frame_mask', '01_0014.npy'), writeNpy({ shape: [2], dtype: 'u1', data: [0, 1] })), 'LABEL_LENGTH', 'test_frame_mask/01_0014.npy', false],
    ['missing labels', (folder: string) => rm(join(folder, 'testing', 'test_frame_mask', '01_0014.npy')), 'MISSING_FILE', 'test_frame_mask/01_0014.npy', false],
    ['mask count', (folder: string) => writeFile(join(folder, 'testing', 'test_pixel_mask', '01_0014.npy'), writeNpy({ shape: [4, H, W], dtype: 'u1', data: pixelMasks(4) })), 'MASK_COUNT', 'test_pixel_mask/01_0014.npy', true],
    ['corrupt .npy', (folder: string) => writeFile(join(folder, 'testing', 'test_frame_mask', '01_0014.npy'), 'not numpy'), 'BAD_NPY', 'test_frame_mask/01_0014.npy', false],
    ['mask size', (folder: string) => writeFile(join(folder, 'testing', 'test_pixel_mask', '01_0014.npy'), writeNpy({ shape: [5, H, W + 1], dtype: 'u1', data: pixelMasks(5, H, W + 1) })), 'MASK_SIZE', 'test_pixel_mask/01_0014.npy', true],
  ])('%s is an error naming the file', async (_, edit, code, path, onTruth) => {
    const folder = await temporaryFolder();
    await build(folder);
    await edit(folder);
    const caught = onTruth
      ? await readShanghaitech(plan(folder), { splits: ['test'] }).then((source) => { try { void source.test[0]!.truth; return null; } catch (error) { return error; } })
      : await readShanghaitech(plan(folder), { splits: ['test'] }).then(() => null, (error: unknown) => error);
    expect(caught).toMatchObject({ code });
    expect((caught as { path: string }).path.endsWith(path)).toBe(true);
    await rm(folder, { recursive: true, force: true });
  });
});
