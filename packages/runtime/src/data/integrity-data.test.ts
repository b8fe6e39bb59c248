// Missing or partial data is never silently a smaller dataset: a symlinked test video folder is read like a real
// one (it used to be skipped), a dangling link is an error naming it, a cut .avi is an error naming it (it used to
// give its readable frames as a whole video), and a test video without the masks that eval.metrics needs is a
// problem before training and in `vadc data inspect` (the run used to finish with null RBDC / TBDC / pixel AUC).
import { cp, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricName } from '@vadc/dsl';
import { tinyPlan } from '../test-plan.ts';
import { checkTestTruth } from './check-truth.ts';
import { encodeVideo, probeVideo } from './formats/video.ts';
import { inspectDataset } from './inspect.ts';
import { readUcsd } from './readers/ucsd.ts';
import { boxMask, temporaryFolder, testVideoBytes, writeFrames, writeMask } from './readers/test-fixtures.ts';

const [H, W] = [12, 16];
const pad = (t: number) => String(t + 1).padStart(3, '0');
let root = '';

beforeAll(async () => {
  root = await temporaryFolder();
  const ped = join(root, 'store', 'UCSDped2');
  await writeFrames(join(ped, 'Train', 'Train001'), 4, H, W, (t) => `${pad(t)}.png`);
  for (const name of ['Test001', 'Test002']) {
    await writeFrames(join(ped, 'Test', name), 4, H, W, (t) => `${pad(t)}.png`);
    for (let t = 0; t < 4; t++) await writeMask(join(ped, 'Test', `${name}_gt`, `${pad(t)}.bmp`), boxMask(H, W, t === 2 ? [2, 2, 5, 5] : null), H, W);
  }
  await writeFile(join(ped, 'Test', 'UCSDped2.m'), 'TestVideoFile = {};\nTestVideoFile{end+1}.gt_frame = [3];\nTestVideoFile{end+1}.gt_frame = [3];\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = (path: string, metrics: MetricName[] = ['micro_auc', 'rbdc', 'tbdc', 'pixel_auc']) =>
  tinyPlan({ data: { dataset: 'ucsd-ped2', root: path }, eval: { metrics } });

/** A copy of the dataset made by `edit`. */
async function variant(name: string, edit: (ped: string) => Promise<void>): Promise<string> {
  const folder = join(root, name);
  await cp(join(root, 'store'), folder, { recursive: true });
  await edit(join(folder, 'UCSDped2'));
  return folder;
}

describe('data integrity', () => {
  it('reads a symlinked test video folder like a real one, and names a dangling link', async () => {
    const linked = await variant('linked', async (ped) => {
      await cp(join(ped, 'Test', 'Test002'), join(root, 'elsewhere-Test002'), { recursive: true });
      await rm(join(ped, 'Test', 'Test002'), { recursive: true });
      await symlink(join(root, 'elsewhere-Test002'), join(ped, 'Test', 'Test002'));
    });
    expect((await readUcsd(plan(linked))).test.map((video) => video.name)).toEqual(['Test001', 'Test002']);
    const dangling = await variant('dangling', async (ped) => {
      await rm(join(ped, 'Test', 'Test002'), { recursive: true });
      await symlink(join(root, 'nowhere'), join(ped, 'Test', 'Test002'));
    });
    await expect(readUcsd(plan(dangling))).rejects.toMatchObject({ code: 'BROKEN_LINK', path: join(dangling, 'UCSDped2', 'Test', 'Test002') });
  });

  it('reports a missing _gt folder when eval.metrics needs masks, before training and in data inspect', async () => {
    const missing = await variant('missing-gt', (ped) => rm(join(ped, 'Test', 'Test002_gt'), { recursive: true }));
    const source = await readUcsd(plan(missing));
    expect(() => checkTestTruth(plan(missing), source.test)).toThrow(/Test002 has no GT regions .* and pixel masks.*rbdc, tbdc, pixel_auc/);
    expect(() => checkTestTruth(plan(missing, ['micro_auc', 'macro_auc']), source.test)).not.toThrow();
    const report = await inspectDataset(plan(missing));
    expect(report.ok).toBe(false);
    expect(report.splits.find((split) => split.split === 'test')!.problems.map((problem) => problem.code)).toEqual(['MISSING_TRUTH']);
  });

  it('finds a corrupt test mask before training', async () => {
    const corrupt = await variant('corrupt-mask', (ped) => writeFile(join(ped, 'Test', 'Test001_gt', '002.bmp'), 'BM not really'));
    const source = await readUcsd(plan(corrupt));
    expect(() => checkTestTruth(plan(corrupt), source.test)).toThrow(/002\.bmp/);
  });

  it('refuses an .avi cut short, naming it', async () => {
    const path = join(root, 'clip.avi');
    await encodeVideo(path, testVideoBytes(24, 48, 64), 24, [48, 64]);
    expect((await probeVideo(path)).frameCount).toBe(24);
    await truncate(path, Math.floor((await stat(path)).size * 0.6));
    await expect(probeVideo(path)).rejects.toMatchObject({ code: 'TRUNCATED_VIDEO', path });
  });
});
