// ShanghaiTech Campus as released: training videos `training/videos/01_001.avi`, test frames
// `testing/frames/01_0014/000.jpg`, frame labels `testing/test_frame_mask/01_0014.npy` (shape (T,), 0/1) and pixel
// masks `testing/test_pixel_mask/01_0014.npy` (shape (T, H, W), 0/1). Labels are read when the dataset opens (small);
// the pixel masks (about 400 MB per long video) only when the video's truth is asked for.
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource, VideoTruth } from '../types.ts';
import { DatasetError } from './dataset-error.ts';
import { cacheDirectory, datasetRoot, isFile, listFolder, listFrameFiles, requireDirectory } from './files.ts';
import { openImageSequence, openVideoFile } from './sources.ts';
import { TruthCache, checkLabels, truthFromMasks } from './truth.ts';
import { filesInSplit, namesInSplit, refuseSplitList } from './split-list.ts';
import { addVideo, requireVideos, wants, type ReaderOptions } from './reader.ts';
import { listVideoFiles } from './avenue.ts';
import { NpyError, parseNpy, type NpyArray } from '../formats/npy.ts';

/** Values of an .npy array as numbers, whatever their stored type (bool, uint8, int64, float). */
function npyValues(path: string): { shape: number[]; values: ArrayLike<number> } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DatasetError('MISSING_FILE', 'cannot read .npy file', path);
  }
  let array: NpyArray;
  try {
    array = parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyError) throw new DatasetError('BAD_NPY', `${error.message} (${error.code})`, path);
    throw error;
  }
  return { shape: array.shape, values: array.data };
}

function loadLabels(path: string, frameCount: number): number[] {
  const { shape, values } = npyValues(path);
  if (shape.length !== 1) throw new DatasetError('BAD_NPY', `frame labels must have shape (T,), found (${shape.join(', ')})`, path);
  return checkLabels(Array.from(values, (value) => (Number(value) !== 0 ? 1 : 0)), frameCount, path);
}

function loadTruth(labels: number[], pixelFile: string | null, resolution: [number, number]): VideoTruth {
  if (pixelFile === null) return { labels, resolution, masks: null, regions: null };
  const { shape, values } = npyValues(pixelFile);
  const [height, width] = resolution;
  if (shape.length !== 3) throw new DatasetError('BAD_NPY', `pixel masks must have shape (T, H, W), found (${shape.join(', ')})`, pixelFile);
  if (shape[0] !== labels.length) throw new DatasetError('MASK_COUNT', `${shape[0]} masks for a video of ${labels.length} frames`, pixelFile);
  if (shape[1] !== height || shape[2] !== width) throw new DatasetError('MASK_SIZE', `masks are ${shape[2]}x${shape[1]}, the video is ${width}x${height}`, pixelFile);
  const masks = new Map<number, Uint8Array>();
  const pixels = height * width;
  for (let frame = 0; frame < labels.length; frame++) {
    const mask = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) mask[i] = values[frame * pixels + i] !== 0 ? 1 : 0;
    masks.set(frame, mask);
  }
  return truthFromMasks(labels, masks, resolution);
}

async function openTestVideo(testing: string, name: string, cache: TruthCache): Promise<VideoSource> {
  const files = await listFrameFiles(join(testing, 'frames', name));
  const labelFile = join(testing, 'test_frame_mask', `${name}.npy`);
  if (!(await isFile(labelFile))) throw new DatasetError('MISSING_FILE', `missing frame labels of test video ${name}`, labelFile);
  const labels = loadLabels(labelFile, files.length);
  const pixelPath = join(testing, 'test_pixel_mask', `${name}.npy`);
  const pixelFile = (await isFile(pixelPath)) ? pixelPath : null;
  return openImageSequence(name, files, { cache, load: ({ resolution }) => loadTruth(labels, pixelFile, resolution) });
}

/** Reads ShanghaiTech Campus. */
export async function readShanghaitech(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const root = await datasetRoot(plan);
  const source: DatasetSource = { train: [], validation: [], test: [] };
  refuseSplitList(plan, 'validation', 'ShanghaiTech', 'hold training videos out with validation.hold_out');
  if (wants(options, 'train')) {
    const folder = join(root, 'training', 'videos');
    const cacheDir = cacheDirectory(plan, root);
    for (const file of await filesInSplit(plan, 'train', await listVideoFiles(folder), folder, options)) await addVideo(source.train, options, () => openVideoFile(basename(file, extname(file)), file, cacheDir, null));
    requireVideos(source.train, 'train', folder);
  }
  if (wants(options, 'test')) {
    const testing = join(root, 'testing');
    await requireDirectory(join(testing, 'frames'), 'test frames');
    const cache = new TruthCache(1); // one long video's pixel masks are hundreds of MB
    for (const name of await namesInSplit(plan, 'test', (await listFolder(join(testing, 'frames'))).folders, join(testing, 'frames'), options)) await addVideo(source.test, options, () => openTestVideo(testing, name, cache));
    requireVideos(source.test, 'test', join(testing, 'frames'));
  }
  return source;
}
