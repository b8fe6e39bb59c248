import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../../test-plan.ts';
import { parseLabelText, readFrames } from './frames.ts';
import { boxMask, temporaryFolder, testFrame, writeFrames, writeMask } from './test-fixtures.ts';

const [H, W] = [10, 12];
let root = '';

async function build(folder: string): Promise<void> {
  // Names 1..11 without padding: natural order puts 10 and 11 last (string order would not).
  await writeFrames(join(folder, 'train', 'walk'), 11, H, W, (t) => `${t + 1}.png`);
  await writeFrames(join(folder, 'test', 'v02'), 4, H, W, (t) => `${t}.jpg`);
  await writeFrames(join(folder, 'test', 'v10'), 3, H, W, (t) => `${t}.png`);
  await mkdir(join(folder, 'labels'));
  await writeFile(join(folder, 'labels', 'v02.txt'), '0\n1\n1\n0\n');
  await writeFile(join(folder, 'labels', 'v10.txt'), '0.000000000000000000e+00\n1.000000000000000000e+00\n0.000000000000000000e+00\n');
  for (let t = 0; t < 3; t++) await writeMask(join(folder, 'masks', 'v10', `${t}.png`), boxMask(H, W, t === 1 ? [3, 4, 6, 8] : null), H, W);
}

beforeAll(async () => {
  root = await temporaryFolder();
  await build(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (path: string, splits = { train: null, validation: null, test: null } as { train: string | null; validation: string | null; test: string | null }) =>
  tinyPlan({ data: { dataset: 'frames', root: path, splits } });

describe('frames layout reader', () => {
  it('orders frames naturally and reads them', async () => {
    const source = await readFrames(plan(root));
    const walk = source.train[0]!;
    expect([walk.name, walk.frameCount, walk.resolution]).toEqual(['walk', 11, [H, W]]);
    expect(await walk.readFrame(9)).toEqual(testFrame(9, H, W)); // 10.png, not 2.png
    expect(source.test.map((video) => video.name)).toEqual(['v02', 'v10']);
    expect(source.validation).toEqual([]);
  });

  it('reads labels (numpy float text too), optional masks and regions', async () => {
    const [v02, v10] = (await readFrames(plan(root))).test;
    expect(v02!.truth).toMatchObject({ labels: [0, 1, 1, 0], masks: null, regions: null });
    expect(v10!.truth!.labels).toEqual([0, 1, 0]);
    expect(v10!.truth!.masks!.get(1)![4 * W + 3]).toBe(1);
    expect([...v10!.truth!.regions!]).toEqual([[1, [{ trackId: 0, box: [3, 4, 6, 8] }]]]);
  });

  it('selects videos with a split list', async () => {
    await writeFile(join(root, 'test-list.txt'), '# dev split\nv10\n');
    const source = await readFrames(plan(root, { train: null, validation: null, test: join(root, 'test-list.txt') }), { splits: ['test'] });
    expect(source.test.map((video) => video.name)).toEqual(['v10']);
    await writeFile(join(root, 'bad-list.txt'), 'v10\nv99\n');
    await expect(readFrames(plan(root, { train: null, validation: null, test: join(root, 'bad-list.txt') }), { splits: ['test'] }))
      .rejects.toMatchObject({ code: 'MISSING_FOLDER', path: join(root, 'test', 'v99') });
  });

  it('parses label text strictly', () => {
    expect(parseLabelText('1\n\n0 \n')).toEqual([1, 0]);
    expect(() => parseLabelText('0\n2\n', 'x.txt')).toThrow(expect.objectContaining({ code: 'BAD_LABELS', message: expect.stringContaining('line 2') }));
  });

  it.each([
    ['label length', (folder: string) => writeFile(join(folder, 'labels', 'v02.txt'), '0\n1\n'), 'LABEL_LENGTH', 'labels/v02.txt'],
    ['missing labels', (folder: string) => rm(join(folder, 'labels', 'v10.txt')), 'MISSING_FILE', 'labels/v10.txt'],
    ['mask count', (folder: string) => rm(join(folder, 'masks', 'v10', '2.png')), 'MASK_COUNT', 'masks/v10'],
    ['missing test folder', (folder: string) => rm(join(folder, 'test'), { recursive: true }), 'MISSING_FOLDER', '/test'],
    ['video without frames', (folder: string) => mkdir(join(folder, 'train', 'empty')), 'EMPTY_VIDEO', 'train/empty'],
  ])('%s is an error naming the file', async (_, edit, code, path) => {
    const folder = await temporaryFolder();
    await build(folder);
    await edit(folder);
    const error = await readFrames(plan(folder)).then(() => null, (caught: unknown) => caught);
    expect(error).toMatchObject({ code });
    expect((error as { path: string }).path.endsWith(path)).toBe(true);
    await rm(folder, { recursive: true, force: true });
  });
});
