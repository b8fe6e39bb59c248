// UCSD Ped1 / Ped2 as released: `UCSDpedN/Train/TrainNNN/NNN.tif`, `Test/TestNNN/…`, frame GT in `Test/UCSDpedN.m`
// (MATLAB text, entry i = test video i, 1-based anomalous frame numbers), pixel GT in `Test/TestNNN_gt/NNN.bmp`
// where present (mask NNN belongs to frame NNN). Frames may be .tif originals or .jpg / .png / .bmp re-encodes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource } from '../types.ts';
import { DatasetError, parsing } from './dataset-error.ts';
import { datasetRoot, isDirectory, isFile, listFolder, listFrameFiles } from './files.ts';
import { openImageSequence } from './sources.ts';
import { TruthCache, checkLabels, maskFileTruth, pairMaskFiles } from './truth.ts';
import { addVideo, requireVideos, wants, type ReaderOptions } from './reader.ts';
import { namesInSplit, refuseSplitList } from './split-list.ts';
import { parseMatlabFrameLists } from '../formats/matlab-text.ts';
import { isImageFile } from '../formats/image.ts';

/** The `UCSDpedN` folder: the root itself, or `UCSDpedN` (or the official `UCSD_Anomaly_Dataset.v1p2/UCSDpedN`) in it. */
async function findDatasetFolder(root: string, folderName: string): Promise<string> {
  for (const candidate of [root, join(root, folderName), join(root, 'UCSD_Anomaly_Dataset.v1p2', folderName)]) {
    if ((await isDirectory(join(candidate, 'Train'))) || (await isDirectory(join(candidate, 'Test')))) return candidate;
  }
  throw new DatasetError('MISSING_FOLDER', `no ${folderName} dataset here (expected Train/ and Test/ folders, in it or in ${folderName}/)`, root);
}

async function openTestVideo(testFolder: string, name: string, gtFrames: number[] | undefined, gtFile: string, cache: TruthCache): Promise<VideoSource> {
  const files = await listFrameFiles(join(testFolder, name));
  if (gtFrames === undefined) throw new DatasetError('BAD_LABELS', `no gt_frame entry for ${name} (entry ${Number(name.slice(4))})`, gtFile);
  const labels = new Array<number>(files.length).fill(0);
  for (const frame of gtFrames) {
    if (!Number.isInteger(frame) || frame < 1 || frame > files.length) {
      throw new DatasetError('LABEL_LENGTH', `${name}: anomalous frame ${frame} is outside 1..${files.length}`, gtFile);
    }
    labels[frame - 1] = 1;
  }
  checkLabels(labels, files.length, gtFile);
  // Pixel GT: one mask per frame, matched by number (mask 001.bmp <-> frame 001.tif).
  const gtFolder = join(testFolder, `${name}_gt`);
  let maskFiles: string[] | null = null;
  if (await isDirectory(gtFolder)) {
    maskFiles = pairMaskFiles(gtFolder, (await listFolder(gtFolder)).files.filter(isImageFile), files);
  }
  return openImageSequence(name, files, { cache, load: maskFileTruth(labels, maskFiles) });
}

/** Reads UCSD Ped1 or Ped2 (`plan.data.dataset` says which). */
export async function readUcsd(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const folderName = plan.data.dataset === 'ucsd-ped1' ? 'UCSDped1' : 'UCSDped2';
  const folder = await findDatasetFolder(await datasetRoot(plan), folderName);
  const source: DatasetSource = { train: [], validation: [], test: [] };
  refuseSplitList(plan, 'validation', folderName, 'hold training videos out with validation.hold_out');
  if (wants(options, 'train')) {
    const trainFolder = join(folder, 'Train');
    const names = await namesInSplit(plan, 'train', (await listFolder(trainFolder)).folders.filter((name) => /^Train\d+$/.test(name)), trainFolder, options);
    for (const name of names) await addVideo(source.train, options, async () => openImageSequence(name, await listFrameFiles(join(trainFolder, name)), null));
    requireVideos(source.train, 'train', trainFolder);
  }
  if (wants(options, 'test')) {
    const testFolder = join(folder, 'Test');
    const gtFile = join(testFolder, `${folderName}.m`);
    if (!(await isFile(gtFile))) throw new DatasetError('MISSING_FILE', `missing frame ground truth ${folderName}.m`, gtFile);
    const text = await readFile(gtFile, 'utf8');
    const { entries } = parsing(gtFile, () => parseMatlabFrameLists(text));
    const names = await namesInSplit(plan, 'test', (await listFolder(testFolder)).folders.filter((name) => /^Test\d+$/.test(name)), testFolder, options);
    const cache = new TruthCache();
    for (const name of names) await addVideo(source.test, options, () => openTestVideo(testFolder, name, entries[Number(name.slice(4)) - 1], gtFile, cache));
    requireVideos(source.test, 'test', testFolder);
  }
  return source;
}
