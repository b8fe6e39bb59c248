// CUHK Avenue as released: `training_videos/01.avi`, `testing_videos/01.avi`, and pixel GT in
// `ground_truth_demo/testing_label_mask/1_label.mat` (MATLAB v5, variable `volLabel`: a cell array holding one
// H x W logical mask per frame). Frame labels come from the masks (a frame is anomalous when its mask is not empty).
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoTruth } from '../types.ts';
import { DatasetError, parsing } from './dataset-error.ts';
import { cacheDirectory, datasetRoot, isDirectory, listFolder, requireDirectory, requireFile } from './files.ts';
import { openVideoFile } from './sources.ts';
import { TruthCache, checkMaskSize, labelsFromMasks, truthFromMasks } from './truth.ts';
import { filesInSplit, refuseSplitList } from './split-list.ts';
import { addVideo, requireVideos, wants, type ReaderOptions } from './reader.ts';
import { matToMask, readMat } from '../formats/mat.ts';

const VIDEO_EXTENSIONS = ['.avi', '.mp4', '.mov', '.mkv'];

/** Video files of a folder in natural order. */
export async function listVideoFiles(folder: string): Promise<string[]> {
  await requireDirectory(folder, 'videos');
  const { files } = await listFolder(folder);
  return files.filter((name) => VIDEO_EXTENSIONS.includes(extname(name).toLowerCase())).map((name) => join(folder, name));
}

/** Loads one test video's truth from its `N_label.mat`. */
export function avenueTruth(matFile: string, frameCount: number, resolution: [number, number]): VideoTruth {
  const variables = parsing(matFile, () => readMat(readFileSync(matFile)));
  const volume = variables.get('volLabel');
  if (volume === undefined) throw new DatasetError('MISSING_VARIABLE', `no volLabel variable (found: ${[...variables.keys()].join(', ') || 'none'})`, matFile);
  if (volume.kind !== 'cell') throw new DatasetError('MISSING_VARIABLE', `volLabel is a ${volume.kind} array, expected a cell array of masks`, matFile);
  if (volume.cells.length !== frameCount) {
    throw new DatasetError('MASK_COUNT', `volLabel holds ${volume.cells.length} masks for a video of ${frameCount} frames`, matFile);
  }
  const masks = new Map<number, Uint8Array>();
  volume.cells.forEach((cell, frame) => {
    const { height, width, mask } = parsing(matFile, () => matToMask(cell));
    checkMaskSize([height, width], resolution, `${matFile} (volLabel{${frame + 1}})`);
    masks.set(frame, mask);
  });
  return truthFromMasks(labelsFromMasks(masks, frameCount), masks, resolution);
}

/** Reads CUHK Avenue. */
export async function readAvenue(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const root = await datasetRoot(plan);
  const cacheDir = cacheDirectory(plan, root);
  const source: DatasetSource = { train: [], validation: [], test: [] };
  refuseSplitList(plan, 'validation', 'Avenue', 'hold training videos out with validation.hold_out');
  if (wants(options, 'train')) {
    const folder = join(root, 'training_videos');
    for (const file of await filesInSplit(plan, 'train', await listVideoFiles(folder), folder, options)) await addVideo(source.train, options, () => openVideoFile(basename(file, extname(file)), file, cacheDir, null));
    requireVideos(source.train, 'train', folder);
  }
  if (wants(options, 'test')) {
    const folder = join(root, 'testing_videos');
    const candidates = [join(root, 'ground_truth_demo', 'testing_label_mask'), join(root, 'testing_label_mask')];
    let labelFolder: string | undefined;
    for (const candidate of candidates) if (labelFolder === undefined && (await isDirectory(candidate))) labelFolder = candidate;
    if (labelFolder === undefined) throw new DatasetError('MISSING_FOLDER', 'missing ground truth folder ground_truth_demo/testing_label_mask', candidates[0]);
    const cache = new TruthCache(1); // one Avenue video's masks are hundreds of MB
    for (const file of await filesInSplit(plan, 'test', await listVideoFiles(folder), folder, options)) {
      const name = basename(file, extname(file));
      const matFile = join(labelFolder, `${Number(name)}_label.mat`);
      await addVideo(source.test, options, async () => {
        await requireFile(matFile, `ground truth of test video ${name}`);
        return openVideoFile(name, file, cacheDir, { cache, load: ({ frameCount, resolution }) => avenueTruth(matFile, frameCount, resolution) });
      });
    }
    requireVideos(source.test, 'test', folder);
  }
  return source;
}
