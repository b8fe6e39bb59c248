// Ground truth of test videos, loaded lazily. Pixel masks at native resolution are large (an Avenue test video is
// about 1,400 x 360 x 640 bytes), so a reader never loads them all when it opens a dataset: `VideoSource.truth` is a
// getter that loads one video's labels, masks and regions on first use and keeps the last few videos in a small
// cache shared by the dataset. Region GT comes from the masks (connected components linked into tracks by overlap,
// @vadc/metrics) unless the dataset gives tracks.
import { tracksFromMasks } from '@vadc/metrics';
import type { VideoTruth } from '../types.ts';
import { basename, extname, join } from 'node:path';
import { binaryMask, readMaskFileSync } from '../formats/image.ts';
import { DatasetError } from './dataset-error.ts';

/** Keeps the truth of the last `capacity` videos that were asked for. */
export class TruthCache {
  private readonly entries = new Map<string, VideoTruth>();
  constructor(private readonly capacity = 2) {}

  /** The cached truth for `key`, loading it with `load` when absent. */
  get(key: string, load: () => VideoTruth): VideoTruth {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key); // re-insert: most recent last
      this.entries.set(key, cached);
      return cached;
    }
    const truth = load();
    this.entries.set(key, truth);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return truth;
  }
}

/** Checks that there is one 0/1 label per frame. Throws DatasetError LABEL_LENGTH / BAD_LABELS naming `path`. */
export function checkLabels(labels: number[], frameCount: number, path: string): number[] {
  if (labels.length !== frameCount) {
    throw new DatasetError('LABEL_LENGTH', `${labels.length} frame labels for a video of ${frameCount} frames`, path);
  }
  const bad = labels.findIndex((label) => label !== 0 && label !== 1);
  if (bad >= 0) throw new DatasetError('BAD_LABELS', `label of frame ${bad + 1} is ${labels[bad]}, expected 0 or 1`, path);
  return labels;
}

/** Frame labels from masks: 1 where the frame's mask has any foreground pixel. */
export function labelsFromMasks(masks: Map<number, Uint8Array>, frameCount: number): number[] {
  const labels = new Array<number>(frameCount).fill(0);
  for (const [frame, mask] of masks) if (frame < frameCount && mask.some((value) => value !== 0)) labels[frame] = 1;
  return labels;
}

/** GT regions with track ids from per-frame masks (frames without a mask count as empty). */
export function regionsFromMasks(masks: Map<number, Uint8Array>, frameCount: number, resolution: [number, number]): NonNullable<VideoTruth['regions']> {
  const [height, width] = resolution;
  const empty = new Uint8Array(height * width);
  function* ordered(): Generator<Uint8Array> {
    for (let frame = 0; frame < frameCount; frame++) yield masks.get(frame) ?? empty;
  }
  const { frames } = tracksFromMasks(ordered(), height, width);
  const regions: NonNullable<VideoTruth['regions']> = new Map();
  frames.forEach((list, frame) => {
    if (list.length > 0) regions.set(frame, list.map((region) => ({ trackId: region.trackId, box: [...region.box] as [number, number, number, number] })));
  });
  return regions;
}

/** Checks that a mask has the video's size. Throws DatasetError MASK_SIZE naming `path`. */
export function checkMaskSize(size: [number, number], resolution: [number, number], path: string): void {
  if (size[0] !== resolution[0] || size[1] !== resolution[1]) {
    throw new DatasetError('MASK_SIZE', `mask is ${size[1]}x${size[0]}, the video is ${resolution[1]}x${resolution[0]}`, path);
  }
}

/** A complete truth from labels and masks, regions derived from the masks. */
export function truthFromMasks(labels: number[], masks: Map<number, Uint8Array> | null, resolution: [number, number]): VideoTruth {
  return { labels, resolution, masks, regions: masks === null ? null : regionsFromMasks(masks, labels.length, resolution) };
}

const fileStem = (path: string): string => basename(path, extname(path));

/**
 * The mask file of each frame: `maskNames` (files in `folder`) paired with `frames` by file stem (mask `007.bmp`
 * belongs to frame `007.jpg`). Every frame needs one: a count mismatch or a missing stem is DatasetError MASK_COUNT.
 */
export function pairMaskFiles(folder: string, maskNames: string[], frames: string[]): string[] {
  if (maskNames.length !== frames.length) throw new DatasetError('MASK_COUNT', `${maskNames.length} masks for ${frames.length} frames`, folder);
  const byStem = new Map(maskNames.map((name) => [fileStem(name), join(folder, name)]));
  return frames.map((frame) => {
    const mask = byStem.get(fileStem(frame));
    if (mask === undefined) throw new DatasetError('MASK_COUNT', `no mask for frame ${basename(frame)}`, folder);
    return mask;
  });
}

/** A truth loader for labels plus one mask file per frame (or none): masks are read when the truth is first used. */
export function maskFileTruth(labels: number[], maskFiles: string[] | null): (video: { resolution: [number, number] }) => VideoTruth {
  return ({ resolution }) => {
    if (maskFiles === null) return { labels, resolution, masks: null, regions: null };
    const masks = new Map<number, Uint8Array>();
    maskFiles.forEach((file, frame) => {
      const image = readMaskFileSync(file);
      checkMaskSize([image.height, image.width], resolution, file);
      masks.set(frame, binaryMask(image));
    });
    return truthFromMasks(labels, masks, resolution);
  };
}
