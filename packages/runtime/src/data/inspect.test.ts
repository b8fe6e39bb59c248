import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../test-plan.ts';
import { datasetReaders, openDataset } from './datasets.ts';
import { formatDatasetReport, inspectDataset } from './inspect.ts';
import { temporaryFolder, testFrame, writeFrames, writeImage } from './readers/test-fixtures.ts';

const [H, W] = [8, 10];
let root = '';

beforeAll(async () => {
  // frames layout: train/a fine, train/b mixed sizes, train/c a PNG whose pixel data is corrupt (header and IEND
  // intact, so only decoding finds it); test/d fine but its label file is one line short.
  root = await temporaryFolder();
  await writeFrames(join(root, 'train', 'a'), 3, H, W, (t) => `${t}.png`);
  await writeFrames(join(root, 'train', 'b'), 2, H, W, (t) => `${t}.png`);
  await writeImage(join(root, 'train', 'b', '2.png'), testFrame(2, H + 2, W), H + 2, W);
  await writeFrames(join(root, 'train', 'c'), 2, H, W, (t) => `${t}.png`);
  const png = await readFile(join(root, 'train', 'c', '1.png'));
  const idat = png.indexOf('IDAT');
  png.fill(0x55, idat + 6, idat + 14);
  await writeFile(join(root, 'train', 'c', '1.png'), png);
  await writeFrames(join(root, 'test', 'd'), 4, H, W, (t) => `${t}.png`);
  await mkdir(join(root, 'labels'));
  await writeFile(join(root, 'labels', 'd.txt'), '0\n1\n1\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = () => tinyPlan({ data: { dataset: 'frames', root } });

describe('dataset registry', () => {
  it('names a reader for every real dataset layout and rejects unknown names', async () => {
    for (const name of ['ucsd-ped1', 'ucsd-ped2', 'avenue', 'shanghaitech', 'ubnormal', 'frames'] as const) expect(datasetReaders.has(name)).toBe(true);
    const source = await openDataset(plan(), { splits: ['train'], onProblem: () => undefined });
    expect(source.train.map((video) => video.name)).toEqual(['a', 'c']);
    const unknown = tinyPlan({ data: { dataset: 'nonsense' as 'frames', root } });
    await expect(openDataset(unknown)).rejects.toMatchObject({ code: 'UNKNOWN_DATASET' });
  });
});

describe('inspectDataset', () => {
  it('lists every problem with its file; decoding finds what header checks cannot', async () => {
    const quick = await inspectDataset(plan());
    expect(quick.ok).toBe(false);
    const [train, test] = quick.splits;
    expect(train).toMatchObject({ split: 'train', videos: 2, frames: 5, decoded: false });
    expect(train!.problems).toEqual([{ code: 'MIXED_RESOLUTION', path: join(root, 'train', 'b', '2.png'), message: expect.any(String) }]);
    expect(test).toMatchObject({ split: 'test', videos: 0 });
    expect(test!.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['LABEL_LENGTH', join(root, 'labels', 'd.txt')],
      ['EMPTY_SPLIT', join(root, 'test')],
    ]);
    const deep = await inspectDataset(plan(), { decode: true });
    expect(deep.splits[0]!.problems.map((problem) => [problem.code, problem.path])).toEqual([
      ['MIXED_RESOLUTION', join(root, 'train', 'b', '2.png')],
      ['UNREADABLE_IMAGE', join(root, 'train', 'c', '1.png')],
    ]);
    const text = formatDatasetReport(deep);
    expect(text).toContain('train: 2 videos, 5 frames, 10x8');
    expect(text).toContain(`problem [LABEL_LENGTH] ${join(root, 'labels', 'd.txt')}: 3 frame labels for a video of 4 frames`);
    expect(text).toContain('4 problem(s) found');
  });
});
