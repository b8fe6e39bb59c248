// The two kinds of VideoSource every reader builds: a folder of frame images, and a video file decoded once by
// ffmpeg into a raw RGB cache file from which frames are read by offset.
import { createHash } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { VideoSource, VideoTruth } from '../types.ts';
import { DatasetError } from './dataset-error.ts';
import { mapLimited } from './files.ts';
import { TruthCache } from './truth.ts';
import { probeImageFile, readImageFile } from '../formats/image.ts';
import { decodeVideoToFile, probeVideo } from '../formats/video.ts';

/** Builds a test video's truth once its frame count and size are known; called lazily, at most once per cache miss. */
export type TruthLoader = (video: { frameCount: number; resolution: [number, number] }) => VideoTruth;

/** Where a source's truth comes from: null for training videos and unlabelled data. */
export interface TruthSource {
  cache: TruthCache;
  load: TruthLoader;
}

function frameIndexError(name: string, index: number, frameCount: number): DatasetError {
  return new DatasetError('FRAME_INDEX', `frame ${index} is outside 0..${frameCount - 1} of video ${name}`);
}

function withTruth(video: Omit<VideoSource, 'truth'>, key: string, truth: TruthSource | null): VideoSource {
  return {
    ...video,
    get truth(): VideoTruth | null {
      return truth === null ? null : truth.cache.get(key, () => truth.load(video));
    },
  };
}

/**
 * A video stored as one image per frame (`files` in frame order). Opening probes every file's header: a video whose
 * frames differ in size is an error naming the first frame that differs.
 */
export async function openImageSequence(name: string, files: string[], truth: TruthSource | null): Promise<VideoSource> {
  if (files.length === 0) throw new DatasetError('EMPTY_VIDEO', `video ${name} has no frames`);
  const sizes = await mapLimited(files, 8, (file) => probeImageFile(file));
  const resolution = sizes[0]!;
  sizes.forEach((size, index) => {
    if (size[0] !== resolution[0] || size[1] !== resolution[1]) {
      throw new DatasetError('MIXED_RESOLUTION', `frame is ${size[1]}x${size[0]}, the video's first frame is ${resolution[1]}x${resolution[0]}`, files[index]);
    }
  });
  const readFrame = async (index: number): Promise<Uint8Array> => {
    const file = files[index];
    if (file === undefined) throw frameIndexError(name, index, files.length);
    const image = await readImageFile(file);
    if (image.height !== resolution[0] || image.width !== resolution[1]) {
      throw new DatasetError('MIXED_RESOLUTION', `frame decodes to ${image.width}x${image.height}, expected ${resolution[1]}x${resolution[0]}`, file);
    }
    return image.data;
  };
  return withTruth({ name, frameCount: files.length, resolution, readFrame }, files[0]!, truth);
}

/**
 * A video file. Opening probes it (frame count, size) without decoding; the first readFrame decodes the whole video
 * once into `<cacheDir>/frames/<name>-<key>.rgb` ([T, H, W, 3] bytes; the key hashes the file's path, size and
 * modification time, so an edited video is decoded again), and every frame is then read from that file by offset.
 */
export async function openVideoFile(name: string, path: string, cacheDir: string, truth: TruthSource | null): Promise<VideoSource> {
  const probe = await probeVideo(path);
  const info = await stat(path);
  const key = createHash('sha256').update(`${path}\0${info.size}\0${info.mtimeMs}`).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, 'frames', `${basename(path).replace(/[^\w.-]/g, '_')}-${key}.rgb`);
  const [height, width] = probe.resolution;
  const frameBytes = height * width * 3;
  let decoded: Promise<void> | null = null;
  const ensureDecoded = (): Promise<void> => {
    decoded ??= (async () => {
      const size = await stat(cacheFile).then((cached) => cached.size, () => -1);
      if (size === probe.frameCount * frameBytes) return;
      await mkdir(join(cacheDir, 'frames'), { recursive: true });
      await decodeVideoToFile(path, probe, cacheFile);
    })().catch((error: unknown) => {
      decoded = null; // let a later call try again (e.g. after the disk was freed)
      throw error;
    });
    return decoded;
  };
  const readFrame = async (index: number): Promise<Uint8Array> => {
    if (!Number.isInteger(index) || index < 0 || index >= probe.frameCount) throw frameIndexError(name, index, probe.frameCount);
    await ensureDecoded();
    const handle = await open(cacheFile, 'r');
    try {
      const frame = new Uint8Array(frameBytes);
      const { bytesRead } = await handle.read(frame, 0, frameBytes, index * frameBytes);
      if (bytesRead !== frameBytes) throw new DatasetError('VIDEO_DECODE', `decoded-frame cache is cut short at frame ${index}`, cacheFile);
      return frame;
    } finally {
      await handle.close();
    }
  };
  return withTruth({ name, frameCount: probe.frameCount, resolution: probe.resolution, frameRate: probe.frameRate, readFrame }, path, truth);
}
