import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../../test-plan.ts';
import { readUcsd } from './ucsd.ts';
import { boxMask, temporaryFolder, testFrame, writeFrames, writeImage, writeMask } from './test-fixtures.ts';

const [H, W] = [12, 16];
const pad = (t: number) => String(t + 1).padStart(3, '0');
let root = '';

async function buildPed2(folder: string): Promise<void> {
  const ped = join(folder, 'UCSDped2');
  await writeFrames(join(ped, 'Train', 'Train001'), 4, H, W, (t) => `${pad(t)}.tif`);
  await writeFrames(join(ped, 'Train', 'Train002'), 3, H, W, (t) => `${pad(t)}.png`);
  await writeFrames(join(ped, 'Test', 'Test001'), 6, H, W, (t) => `${pad(t)}.bmp`);
  await writeFrames(join(ped, 'Test', 'Test002'), 5, H, W, (t) => `${pad(t)}.jpg`);
  // Test001: an object at x 2..5, y 3..6 in frames 3..5 (1-based), moving one pixel right per frame.
  for (let t = 0; t < 6; t++) {
    const box: [number, number, number, number] | null = t >= 2 && t <= 4 ? [2 + t, 3, 5 + t, 6] : null;
    await writeMask(join(ped, 'Test', 'Test001_gt', `${pad(t)}.bmp`), boxMask(H, W, box), H, W);
  }
  await writeFile(join(ped, 'Test', 'UCSDped2.m'), 'TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [3:5];\nTestVideoFile{end+1}.gt_frame = [2, 4];\n');
}

beforeAll(async () => {
  root = await temporaryFolder();
  await buildPed2(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (path: string) => tinyPlan({ data: { dataset: 'ucsd-ped2', root: path } });

describe('UCSD Ped2 reader', () => {
  it('finds the videos from the parent folder or the UCSDped2 folder', async () => {
    for (const path of [root, join(root, 'UCSDped2')]) {
      const source = await readUcsd(plan(path));
      expect(source.train.map((video) => [video.name, video.frameCount])).toEqual([['Train001', 4], ['Train002', 3]]);
      expect(source.test.map((video) => [video.name, video.frameCount])).toEqual([['Test001', 6], ['Test002', 5]]);
      expect(source.train[0]!.truth).toBeNull();
    }
  });

  it('reads frames at native size, exactly for lossless formats', async () => {
    const source = await readUcsd(plan(root));
    expect(source.train[0]!.resolution).toEqual([H, W]);
    expect(await source.train[0]!.readFrame(2)).toEqual(testFrame(2, H, W));
    expect(await source.test[0]!.readFrame(5)).toEqual(testFrame(5, H, W));
    const jpeg = await source.test[1]!.readFrame(1);
    expect(Math.abs(jpeg[3 * (5 * W + 8)]! - 30)).toBeLessThanOrEqual(3);
    await expect(source.test[1]!.readFrame(5)).rejects.toMatchObject({ code: 'FRAME_INDEX' });
  });

  it('takes frame labels from the .m file, masks aligned by frame number, regions as one track', async () => {
    const [first, second] = (await readUcsd(plan(root))).test;
    expect(first!.truth!.labels).toEqual([0, 0, 1, 1, 1, 0]);
    expect(second!.truth!.labels).toEqual([0, 1, 0, 1, 0]);
    expect(second!.truth!.masks).toBeNull();
    const masks = first!.truth!.masks!;
    expect(masks.size).toBe(6);
    expect(masks.get(2)![3 * W + 4]).toBe(1);
    expect(masks.get(2)![3 * W + 1]).toBe(0);
    expect([...first!.truth!.regions!.entries()]).toEqual([
      [2, [{ trackId: 0, box: [4, 3, 7, 6] }]],
      [3, [{ trackId: 0, box: [5, 3, 8, 6] }]],
      [4, [{ trackId: 0, box: [6, 3, 9, 6] }]],
    ]);
  });

  it('only opens the splits asked for', async () => {
    const source = await readUcsd(plan(root), { splits: ['test'] });
    expect(source.train).toEqual([]);
    expect(source.test).toHaveLength(2);
  });
});

// Issue 26: data.splits was silently ignored by the UCSD readers (the run used every video).
describe('UCSD reader and data.splits', () => {
  const withSplits = (splits: { train: string | null; validation: string | null; test: string | null }) =>
    tinyPlan({ data: { dataset: 'ucsd-ped2', root, splits } });

  it('reads only the listed videos, in the list\'s order', async () => {
    await writeFile(join(root, 'train-list.txt'), 'Train002\n');
    await writeFile(join(root, 'test-list.txt'), '# one video\nTest002\nTest001\n');
    const source = await readUcsd(withSplits({ train: join(root, 'train-list.txt'), validation: null, test: join(root, 'test-list.txt') }));
    expect(source.train.map((video) => video.name)).toEqual(['Train002']);
    expect(source.test.map((video) => video.name)).toEqual(['Test002', 'Test001']);
  });

  it('names a listed video that is not there, and refuses a validation list it has no videos for', async () => {
    await writeFile(join(root, 'missing-list.txt'), 'Test009\n');
    await expect(readUcsd(withSplits({ train: null, validation: null, test: join(root, 'missing-list.txt') }))).rejects.toMatchObject({
      code: 'MISSING_FOLDER', message: expect.stringContaining('video Test009 of the test split list is not here'), path: join(root, 'UCSDped2', 'Test', 'Test009'),
    });
    await expect(readUcsd(withSplits({ train: null, validation: join(root, 'train-list.txt'), test: null }))).rejects.toMatchObject({
      code: 'BAD_SPLIT_LIST', message: expect.stringContaining('UCSDped2 has no validation videos for data.splits.validation to choose from'),
    });
  });
});

// Issue 26: a video folder whose name is not UTF-8 was silently dropped by data inspect, and run then failed with ENOENT.
describe('UCSD reader and names that are not UTF-8', () => {
  it('names the folder with its bytes instead of dropping it', async () => {
    const folder = await temporaryFolder();
    try {
      await buildPed2(folder);
      const train = join(folder, 'UCSDped2', 'Train');
      await mkdir(Buffer.concat([Buffer.from(`${train}/Train00`), Buffer.from([0xe9])]));
      await expect(readUcsd(plan(folder))).rejects.toMatchObject({
        code: 'BAD_NAME', path: join(train, 'Train00\\xe9'), message: expect.stringContaining('the name "Train00\\xe9" is not UTF-8'),
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('UCSD reader errors name the file', () => {
  async function broken(edit: (ped: string) => Promise<void>): Promise<string> {
    const folder = await temporaryFolder();
    await buildPed2(folder);
    await edit(join(folder, 'UCSDped2'));
    return folder;
  }

  it.each([
    ['missing root', async () => '/nonexistent/vadc', 'MISSING_ROOT', '/nonexistent/vadc'],
    ['missing .m file', () => broken((ped) => rm(join(ped, 'Test', 'UCSDped2.m'))), 'MISSING_FILE', 'Test/UCSDped2.m'],
    ['.m frame beyond the video', () => broken((ped) => writeFile(join(ped, 'Test', 'UCSDped2.m'), 'TestVideoFile{end+1}.gt_frame = [3:9];\nTestVideoFile{end+1}.gt_frame = [1];')), 'LABEL_LENGTH', 'Test/UCSDped2.m'],
    ['.m entry missing', () => broken((ped) => writeFile(join(ped, 'Test', 'UCSDped2.m'), 'TestVideoFile{end+1}.gt_frame = [3:4];')), 'BAD_LABELS', 'Test/UCSDped2.m'],
    ['mask count', () => broken((ped) => rm(join(ped, 'Test', 'Test001_gt', '006.bmp'))), 'MASK_COUNT', 'Test/Test001_gt'],
    ['mixed resolution', () => broken((ped) => writeImage(join(ped, 'Train', 'Train002', '002.png'), testFrame(1, H, W + 2), H, W + 2)), 'MIXED_RESOLUTION', 'Train/Train002/002.png'],
    ['truncated JPEG', () => broken(async (ped) => {
      const file = join(ped, 'Test', 'Test002', '003.jpg');
      const bytes = await readFile(file);
      await writeFile(file, bytes.subarray(0, bytes.length - 30));
    }), 'TRUNCATED_IMAGE', 'Test/Test002/003.jpg'],
    ['empty train split', () => broken(async (ped) => {
      await rm(join(ped, 'Train'), { recursive: true });
      await mkdir(join(ped, 'Train'));
    }), 'EMPTY_SPLIT', 'UCSDped2/Train'],
  ])('%s', async (_, make, code, path) => {
    const folder = await make();
    const error = await readUcsd(plan(folder)).then(() => null, (caught: unknown) => caught);
    expect(error).toMatchObject({ code });
    expect((error as { path: string }).path.endsWith(path)).toBe(true);
    if (folder.startsWith('/tmp')) await rm(folder, { recursive: true, force: true });
  });

  it('a mask of the wrong size is found when the truth is loaded', async () => {
    const folder = await broken((ped) => writeMask(join(ped, 'Test', 'Test001_gt', '002.bmp'), new Uint8Array(4 * 4), 4, 4));
    const source = await readUcsd(plan(folder));
    expect(() => source.test[0]!.truth).toThrow(expect.objectContaining({ code: 'MASK_SIZE', path: join(folder, 'UCSDped2', 'Test', 'Test001_gt', '002.bmp') }));
    await rm(folder, { recursive: true, force: true });
  });

  it('reports every broken video through onProblem and keeps the others', async () => {
    const folder = await broken((ped) => writeImage(join(ped, 'Train', 'Train001', '002.tif'), testFrame(1, H + 1, W), H + 1, W));
    const problems: string[] = [];
    const source = await readUcsd(plan(folder), { onProblem: (problem) => problems.push(problem.code) });
    expect(problems).toEqual(['MIXED_RESOLUTION']);
    expect(source.train.map((video) => video.name)).toEqual(['Train002']);
    await rm(folder, { recursive: true, force: true });
  });
});
