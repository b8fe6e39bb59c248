// UBnormal (Acsintoae et al., CVPR 2022) as released: `Scene<N>/<video>.mp4` with N = the third `_` field of the
// name (`abnormal_scene_1_scenario_1`), and for abnormal videos `Scene<N>/<video>_annotations/` holding
// `<video>_tracks.txt` (rows `object_id,first_frame,last_frame`, 0-based, inclusive; `<video>_new_tracks.txt`
// replaces it when present, as in the official scripts) and one mask per annotated frame,
// `<video>_<frame:04d>_gt.png`, whose grey value is the object id (0 = background). The splits are the official
// video lists, given in the recipe (`data.splits`). Frame labels come from the tracks (as the official
// `write_frame_level_ground_truth.py`); a track's region in a frame is the bounding box of the largest connected
// component of its id in that frame's mask (the official `create_tracks_for_tbdc_rbdc.py` takes the largest contour).
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectedComponents } from '@vadc/metrics';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource, VideoTruth } from '../types.ts';
import { DatasetError } from './dataset-error.ts';
import { cacheDirectory, datasetRoot, isDirectory, isFile, listFolder } from './files.ts';
import { openVideoFile } from './sources.ts';
import { TruthCache, checkMaskSize } from './truth.ts';
import { addVideo, requireVideos, wants, type ReaderOptions, type SplitName } from './reader.ts';
import { readSplitList } from './split-list.ts';
import { readMaskFileSync } from '../formats/image.ts';

/** One annotated object of a UBnormal video. */
export interface UbnormalTrack {
  objectId: number;
  first: number;
  last: number;
}

/** Parses a `_tracks.txt` file (`id,first,last` per line, numbers possibly written as floats). */
export function parseUbnormalTracks(text: string, path = ''): UbnormalTrack[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => {
      const values = line.split(/[\s,]+/).map(Number);
      if (values.length < 3 || values.slice(0, 3).some((value) => !Number.isInteger(value) || value < 0) || values[1]! > values[2]!) {
        throw new DatasetError('BAD_TRACKS', `line ${index + 1}: expected "object_id,first_frame,last_frame", found "${line}"`, path);
      }
      return { objectId: values[0]!, first: values[1]!, last: values[2]! };
    });
}

/** The annotation mask file of `frame` (0-based). */
export function ubnormalMaskName(video: string, frame: number): string {
  return `${video}_${String(frame).padStart(4, '0')}_gt.png`;
}

function loadTruth(folder: string, video: string, tracks: UbnormalTrack[], frameCount: number, resolution: [number, number]): VideoTruth {
  const [height, width] = resolution;
  const labels = new Array<number>(frameCount).fill(0);
  const masks = new Map<number, Uint8Array>();
  const regions: NonNullable<VideoTruth['regions']> = new Map();
  const ids = new Map<number, Uint8Array>(); // frame -> object ids per pixel
  const sorted = [...tracks].sort((a, b) => a.objectId - b.objectId);
  sorted.forEach((track, trackId) => {
    for (let frame = track.first; frame <= track.last; frame++) {
      const file = join(folder, ubnormalMaskName(video, frame));
      let pixels = ids.get(frame);
      if (pixels === undefined) {
        if (!isFileSync(file)) throw new DatasetError('MASK_COUNT', `missing mask of frame ${frame} (object ${track.objectId})`, file);
        const image = readMaskFileSync(file);
        checkMaskSize([image.height, image.width], resolution, file);
        pixels = new Uint8Array(height * width);
        for (let i = 0; i < pixels.length; i++) pixels[i] = image.data[i * 3]!;
        ids.set(frame, pixels);
        masks.set(frame, pixels.map((value) => (value !== 0 ? 1 : 0)));
      }
      const objectMask = pixels.map((value) => (value === track.objectId ? 1 : 0));
      const { components } = connectedComponents(objectMask, height, width);
      if (components.length === 0) throw new DatasetError('BAD_TRACKS', `object ${track.objectId} is not in the mask of frame ${frame}`, file);
      const largest = components.reduce((best, c) => ((c.box[2] - c.box[0] + 1) * (c.box[3] - c.box[1] + 1) > (best.box[2] - best.box[0] + 1) * (best.box[3] - best.box[1] + 1) ? c : best));
      labels[frame] = 1;
      const list = regions.get(frame) ?? [];
      list.push({ trackId, box: [...largest.box] as [number, number, number, number] });
      regions.set(frame, list);
    }
  });
  return { labels, resolution, masks, regions };
}

function isFileSync(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function openVideo(root: string, name: string, cacheDir: string, cache: TruthCache): Promise<VideoSource> {
  const scene = name.split('_')[2];
  const sceneFolder = join(root, `Scene${scene}`);
  const file = join(sceneFolder, `${name}.mp4`);
  if (!(await isFile(file))) throw new DatasetError('MISSING_FILE', `missing video ${name}.mp4`, file);
  const annotations = join(sceneFolder, `${name}_annotations`);
  if (name.startsWith('normal_') && !(await isDirectory(annotations))) {
    return openVideoFile(name, file, cacheDir, { cache, load: ({ frameCount, resolution }) => ({ labels: new Array<number>(frameCount).fill(0), resolution, masks: new Map(), regions: new Map() }) });
  }
  let tracksFile = join(annotations, `${name}_new_tracks.txt`);
  if (!(await isFile(tracksFile))) tracksFile = join(annotations, `${name}_tracks.txt`);
  if (!(await isFile(tracksFile))) throw new DatasetError('MISSING_FILE', `missing tracks file of abnormal video ${name}`, tracksFile);
  const tracks = parseUbnormalTracks(await readFile(tracksFile, 'utf8'), tracksFile);
  const video = await openVideoFile(name, file, cacheDir, { cache, load: ({ frameCount, resolution }) => loadTruth(annotations, name, tracks, frameCount, resolution) });
  const beyond = tracks.find((track) => track.last >= video.frameCount);
  if (beyond) throw new DatasetError('BAD_TRACKS', `object ${beyond.objectId} ends at frame ${beyond.last}, the video has ${video.frameCount} frames`, tracksFile);
  const masks = (await listFolder(annotations)).files.filter((entry) => entry.endsWith('_gt.png'));
  if (masks.length === 0 && tracks.length > 0) throw new DatasetError('MASK_COUNT', 'no *_gt.png masks for the tracks', annotations);
  return video;
}

/** Reads UBnormal; train and test need split lists (`data.splits`), validation is read when one is given. */
export async function readUbnormal(plan: Plan, options?: ReaderOptions): Promise<DatasetSource> {
  const root = await datasetRoot(plan);
  const cacheDir = cacheDirectory(plan, root);
  const source: DatasetSource = { train: [], validation: [], test: [] };
  const cache = new TruthCache(2);
  for (const split of ['train', 'validation', 'test'] as SplitName[]) {
    if (!wants(options, split)) continue;
    const names = await readSplitList(plan, split, options);
    if (names === null) {
      if (split === 'validation') continue;
      throw new DatasetError('MISSING_FILE', `UBnormal needs data.splits.${split}: a file listing the ${split} videos, one name per line`);
    }
    for (const name of names) await addVideo(source[split], options, () => openVideo(root, name, cacheDir, cache));
    requireVideos(source[split], split, plan.data.splits[split]!);
  }
  return source;
}
