// The input of `vadc score` / `vadc calibrate --normal`: a video file or a folder of frames, as a VideoSource named
// after it (the name labels outputs only: test-time masks come from each frame's position, so a renamed copy of a
// test video scores as the run scored it).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../data/formats/image.ts';
import { naturalCompare } from '../data/readers/files.ts';
import { openImageSequence, openVideoFile } from '../data/readers/sources.ts';
import { type VideoSource } from '../data/types.ts';
import { UsageError } from '../run-io.ts';

/** Opens a video file or frame folder; `cacheDir` holds decoded video files. Usage errors name the path. */
export async function openInput(path: string, cacheDir: string): Promise<VideoSource> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new UsageError(`no such video file or frame folder: ${path}`);
  if (!info.isDirectory()) return openVideoFile(basename(path, extname(path)), path, cacheDir, null);
  const files = (await readdir(path)).filter((file) => IMAGE_EXTENSIONS.includes(extname(file).toLowerCase())).sort(naturalCompare);
  if (files.length === 0) throw new UsageError(`${path} holds no image files (${IMAGE_EXTENSIONS.join(' ')})`);
  return openImageSequence(basename(path), files.map((file) => join(path, file)), null);
}
