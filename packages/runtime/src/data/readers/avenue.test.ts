import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../../test-plan.ts';
import { encodeVideo } from '../formats/video.ts';
import { maskToMat, writeMat, type MatValue } from '../formats/mat.ts';
import { readAvenue } from './avenue.ts';
import { boxMask, temporaryFolder, testVideoBytes } from './test-fixtures.ts';

const [H, W] = [16, 24];
let root = '';
let cacheDir = '';

/** volLabel for a video of `count` frames with two objects in frames 1..2 and one in frame 3. */
function volLabel(count: number, height = H, width = W): MatValue {
  const cells = Array.from({ length: count }, (_, t) => {
    const mask = boxMask(height, width, t >= 1 && t <= 3 ? [2, 2, 5, 4] : null);
    if (t === 1 || t === 2) mask.fill(1, 10 * width + 15, 10 * width + 18); // a second object, row 10, x 15..17
    return maskToMat(mask, height, width);
  });
  return { kind: 'cell', dims: [1, count], cells };
}

beforeAll(async () => {
  root = await temporaryFolder();
  cacheDir = join(root, 'cache');
  await mkdir(join(root, 'training_videos'), { recursive: true });
  await mkdir(join(root, 'testing_videos'));
  await mkdir(join(root, 'ground_truth_demo', 'testing_label_mask'), { recursive: true });
  await encodeVideo(join(root, 'training_videos', '01.avi'), testVideoBytes(5, H, W), 5, [H, W]);
  await encodeVideo(join(root, 'training_videos', '02.avi'), testVideoBytes(3, H, W), 3, [H, W]);
  await encodeVideo(join(root, 'testing_videos', '01.avi'), testVideoBytes(6, H, W), 6, [H, W]);
  await writeFile(join(root, 'ground_truth_demo', 'testing_label_mask', '1_label.mat'), writeMat({ volLabel: volLabel(6) }, { compress: true }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (path: string, cache: string | null = null) => tinyPlan({ data: { dataset: 'avenue', root: path, cache_dir: cache } });

describe('Avenue reader', () => {
  it('probes videos and decodes each once into the cache', async () => {
    const source = await readAvenue(plan(root, cacheDir));
    expect(source.train.map((video) => [video.name, video.frameCount, video.resolution])).toEqual([['01', 5, [H, W]], ['02', 3, [H, W]]]);
    const frame = await source.train[0]!.readFrame(4);
    expect(frame.length).toBe(H * W * 3);
    expect(Math.abs(frame[3 * (8 * W + 12)]! - 60)).toBeLessThanOrEqual(3); // testFrame(4): flat grey 60
    await source.train[0]!.readFrame(0);
    expect((await readdir(join(cacheDir, 'frames'))).filter((name) => name.startsWith('01.avi'))).toHaveLength(1);
    await expect(source.train[0]!.readFrame(5)).rejects.toMatchObject({ code: 'FRAME_INDEX' });
  });

  it('takes masks from volLabel, labels from the masks and regions with tracks', async () => {
    const [video] = (await readAvenue(plan(root, cacheDir), { splits: ['test'] })).test;
    const truth = video!.truth!;
    expect(truth.labels).toEqual([0, 1, 1, 1, 0, 0]);
    expect(truth.masks!.size).toBe(6);
    expect(truth.masks!.get(1)![2 * W + 2]).toBe(1);
    expect(truth.masks!.get(1)![2 * W + 6]).toBe(0);
    expect(truth.regions!.get(1)).toEqual([{ trackId: 0, box: [2, 2, 5, 4] }, { trackId: 1, box: [15, 10, 17, 10] }]);
    expect(truth.regions!.get(3)).toEqual([{ trackId: 0, box: [2, 2, 5, 4] }]);
  });

  it('uses <root>/.vadc-cache when the plan names no cache folder', async () => {
    const [video] = (await readAvenue(plan(root), { splits: ['train'] })).train;
    await video!.readFrame(1);
    expect((await readdir(join(root, '.vadc-cache', 'frames'))).length).toBe(1);
  });

  it.each([
    ['no volLabel', () => writeMat({ other: volLabel(6) }), 'MISSING_VARIABLE'],
    ['mask count', () => writeMat({ volLabel: volLabel(5) }), 'MASK_COUNT'],
    ['mask size', () => writeMat({ volLabel: volLabel(6, H, W + 1) }), 'MASK_SIZE'],
    ['corrupt .mat', () => new Uint8Array(300), 'BAD_MAT'],
  ])('names the .mat file: %s', async (_, bytes, code) => {
    const folder = await temporaryFolder();
    await mkdir(join(folder, 'testing_videos'));
    await mkdir(join(folder, 'testing_label_mask'));
    await encodeVideo(join(folder, 'testing_videos', '01.avi'), testVideoBytes(6, H, W), 6, [H, W]);
    const matFile = join(folder, 'testing_label_mask', '1_label.mat');
    await writeFile(matFile, bytes());
    const [video] = (await readAvenue(plan(folder), { splits: ['test'] })).test;
    expect(() => video!.truth).toThrow(expect.objectContaining({ code, path: expect.stringContaining(matFile) }));
    await rm(folder, { recursive: true, force: true });
  });

  it('a test video without its .mat file, and a broken video, are errors naming the file', async () => {
    const folder = await temporaryFolder();
    await mkdir(join(folder, 'testing_videos'));
    await mkdir(join(folder, 'testing_label_mask'));
    await encodeVideo(join(folder, 'testing_videos', '02.avi'), testVideoBytes(3, H, W), 3, [H, W]);
    await expect(readAvenue(plan(folder), { splits: ['test'] })).rejects.toMatchObject({ code: 'MISSING_FILE', path: join(folder, 'testing_label_mask', '2_label.mat') });
    await writeFile(join(folder, 'testing_videos', '01.avi'), 'garbage');
    await writeFile(join(folder, 'testing_label_mask', '1_label.mat'), writeMat({ volLabel: volLabel(3) }));
    const problems: Array<{ code: string; path: string }> = [];
    await expect(readAvenue(plan(folder), { splits: ['test'], onProblem: (problem) => problems.push(problem) })).rejects.toMatchObject({ code: 'EMPTY_SPLIT' });
    expect(problems).toMatchObject([{ code: 'VIDEO_PROBE', path: join(folder, 'testing_videos', '01.avi') }, { code: 'MISSING_FILE' }]);
    await expect(readAvenue(plan(folder), { splits: ['train'] })).rejects.toMatchObject({ code: 'MISSING_FOLDER', path: join(folder, 'training_videos') });
    await rm(folder, { recursive: true, force: true });
  });
});
