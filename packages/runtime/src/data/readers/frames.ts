// The generic frame-folder layout (the one the official AED-MAE code reads): `train/<video>/<n>.<ext>`,
// `test/<video>/<n>.<ext>`, `labels/<video>.txt` (one 0/1 label per line; numpy's `savetxt` floats such as
// `1.000000000000000000e+00` are accepted), optional `masks/<video>/<n>.png` (every frame of a masked video has a
// mask; mask `<n>` belongs to frame `<n>`). Frames are taken in natural order of their names (`2.jpg` before `10.jpg`).
// A `validation/` folder, laid out like `test/`, is read when present. Split lists (`data.splits`) select videos.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource } from '../types.ts';
import { DatasetError } from './dataset-error.ts';
import { datasetRoot, isDirectory, isFile, listFolder, listFrameFiles, requireDirectory } from './files.ts';
import { openImageSequence } from './sources.ts';
import { TruthCache, checkLabels, maskFileTruth, pairMaskFiles } from './truth.ts';
import { addVideo, requireVideos, wants, type ReaderOptions, type SplitName } from './reader.ts';
import { namesInSplit } from './split-list.ts';

/** Parses a label file: one number per line (0 or 1; blank lines ignored). Throws DatasetError BAD_LABELS. */
export function parseLabelText(text: string, path = ''): number[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => {
      const value = Number(line);
      if (value !== 0 && value !== 1) throw new DatasetError('BAD_LABELS', `line ${index + 1}: "${line}" is not 0 or 1`, path);
      return value;
    });
}

async function maskFilesOf(root: string, video: string, frames: string[]): Promise<string[] | null> {
  const folder = join(root, 'masks', video);
  if (!(await isDirectory(folder))) return null;
  const names = (await listFolder(folder)).files.filter((name) => extname(name).toLowerCase() === '.png' || extname(name).toLowerCase() === '.bmp');
  return pairMaskFiles(folder, names, frames);
}

async function openLabelledVideo(root: string, folder: string, video: string, cache: TruthCache): Promise<VideoSource> {
  const frames = await listFrameFiles(join(folder, video));
  const labelFile = join(root, 'labels', `${video}.txt`);
  if (!(await isFile(labelFile))) throw new DatasetError('MISSING_FILE', `missing labels of video ${video}`, labelFile);
  const labels = checkLabels(parseLabelText(await readFile(labelFile, 'utf8'), labelFile), frames.length, labelFile);
  const maskFiles = await maskFilesOf(root, video, frames);
  return openImageSequence(video, frames, { cache, load: maskFileTruth(labels, maskFiles) });
}

/** Reads the generic `frames` layout. */
export async function readFrames(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const root = await datasetRoot(plan);
  const source: DatasetSource = { train: [], validation: [], test: [] };
  const cache = new TruthCache(2);
  for (const split of ['train', 'validation', 'test'] as SplitName[]) {
    if (!wants(options, split)) continue;
    const folder = join(root, split);
    if (split === 'validation' && !(await isDirectory(folder))) continue;
    await requireDirectory(folder, `${split} split`);
    const names = await namesInSplit(plan, split, (await listFolder(folder)).folders, folder, options);
    for (const name of names) {
      await addVideo(source[split], options, async () =>
        split === 'train' ? openImageSequence(name, await listFrameFiles(join(folder, name)), null) : openLabelledVideo(root, folder, name, cache),
      );
    }
    requireVideos(source[split], split, folder);
  }
  return source;
}
