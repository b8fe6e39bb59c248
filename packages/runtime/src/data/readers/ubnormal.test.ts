import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tinyPlan } from '../../test-plan.ts';
import { encodeVideo } from '../formats/video.ts';
import { parseUbnormalTracks, readUbnormal, ubnormalMaskName } from './ubnormal.ts';
import sharp from 'sharp';
import { boxMask, temporaryFolder, testVideoBytes } from './test-fixtures.ts';

const [H, W] = [16, 24];
const abnormal = 'abnormal_scene_1_scenario_2';
const normal = 'normal_scene_1_scenario_1';
let root = '';

async function build(folder: string): Promise<void> {
  const scene = join(folder, 'Scene1');
  const annotations = join(scene, `${abnormal}_annotations`);
  await mkdir(annotations, { recursive: true });
  await encodeVideo(join(scene, `${normal}.mp4`), testVideoBytes(4, H, W), 4, [H, W], 'libx264');
  await encodeVideo(join(scene, `${abnormal}.mp4`), testVideoBytes(6, H, W), 6, [H, W], 'libx264');
  // Object 3 in frames 1..3, object 7 in frames 2..4; grey value = object id.
  await writeFile(join(annotations, `${abnormal}_tracks.txt`), '3.0,1.0,3.0\n7,2,4\n');
  for (let t = 1; t <= 4; t++) {
    const ids = new Uint8Array(H * W);
    if (t <= 3) boxMask(H, W, [1 + t, 2, 4 + t, 5]).forEach((bit, i) => { if (bit) ids[i] = 3; });
    if (t >= 2) boxMask(H, W, [15, 8, 18, 12]).forEach((bit, i) => { if (bit) ids[i] = 7; });
    await sharp(Buffer.from(ids), { raw: { width: W, height: H, channels: 1 } }).png().toFile(join(annotations, ubnormalMaskName(abnormal, t)));
  }
  await writeFile(join(folder, 'train.txt'), `${normal}\n`);
  await writeFile(join(folder, 'test.txt'), `${abnormal}\n${normal}.mp4\n`);
}

beforeAll(async () => {
  root = await temporaryFolder();
  await build(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (folder: string, test = join(folder, 'test.txt')) =>
  tinyPlan({ data: { dataset: 'ubnormal', root: folder, cache_dir: join(folder, 'cache'), splits: { train: join(folder, 'train.txt'), validation: null, test } } });

describe('UBnormal reader', () => {
  it('opens the videos the split lists name', async () => {
    const source = await readUbnormal(plan(root));
    expect(source.train.map((video) => [video.name, video.frameCount])).toEqual([[normal, 4]]);
    expect(source.test.map((video) => [video.name, video.frameCount, video.resolution])).toEqual([[abnormal, 6, [H, W]], [normal, 4, [H, W]]]);
    expect((await source.test[0]!.readFrame(5)).length).toBe(H * W * 3);
  });

  it('labels frames from the tracks and boxes each object by its id', async () => {
    const [video, quiet] = (await readUbnormal(plan(root), { splits: ['test'] })).test;
    const truth = video!.truth!;
    expect(truth.labels).toEqual([0, 1, 1, 1, 1, 0]);
    expect([...truth.masks!.keys()]).toEqual([1, 2, 3, 4]);
    expect(truth.masks!.get(2)![2 * W + 3]).toBe(1);
    expect(truth.regions!.get(2)).toEqual([{ trackId: 0, box: [3, 2, 6, 5] }, { trackId: 1, box: [15, 8, 18, 12] }]);
    expect(truth.regions!.get(4)).toEqual([{ trackId: 1, box: [15, 8, 18, 12] }]);
    expect(quiet!.truth).toMatchObject({ labels: [0, 0, 0, 0] });
    expect(quiet!.truth!.regions!.size).toBe(0);
  });

  it('parses track files and rejects malformed rows', () => {
    expect(parseUbnormalTracks('1,0,5\n\n2, 3, 4\n')).toEqual([{ objectId: 1, first: 0, last: 5 }, { objectId: 2, first: 3, last: 4 }]);
    expect(() => parseUbnormalTracks('1,5,2')).toThrow(expect.objectContaining({ code: 'BAD_TRACKS' }));
  });

  it('needs split lists and names missing videos, masks and bad tracks', async () => {
    await expect(readUbnormal(tinyPlan({ data: { dataset: 'ubnormal', root } }))).rejects.toMatchObject({ code: 'MISSING_FILE' });
    await writeFile(join(root, 'missing.txt'), 'abnormal_scene_2_scenario_1\n');
    await expect(readUbnormal(plan(root, join(root, 'missing.txt')), { splits: ['test'] }))
      .rejects.toMatchObject({ code: 'MISSING_FILE', path: join(root, 'Scene2', 'abnormal_scene_2_scenario_1.mp4') });
    const folder = await temporaryFolder();
    await build(folder);
    const annotations = join(folder, 'Scene1', `${abnormal}_annotations`);
    await rm(join(annotations, ubnormalMaskName(abnormal, 3)));
    const [video] = (await readUbnormal(plan(folder), { splits: ['test'] })).test;
    expect(() => video!.truth).toThrow(expect.objectContaining({ code: 'MASK_COUNT', path: join(annotations, ubnormalMaskName(abnormal, 3)) }));
    await writeFile(join(annotations, `${abnormal}_tracks.txt`), '3,1,9\n');
    await expect(readUbnormal(plan(folder), { splits: ['test'] })).rejects.toMatchObject({ code: 'BAD_TRACKS', path: join(annotations, `${abnormal}_tracks.txt`) });
    await rm(folder, { recursive: true, force: true });
  });
});
