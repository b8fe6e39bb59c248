// What every dataset reader shares: its signature, its options, and how it reports an empty split.
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource } from '../types.ts';
import { DatasetError } from './dataset-error.ts';

/** A split of a dataset. */
export type SplitName = 'train' | 'validation' | 'test';

/** Options every reader accepts. */
export interface ReaderOptions {
  /** Splits to open (default: all); the others come back empty, so training does not probe the test videos. */
  splits?: SplitName[];
  /** Folder that relative split-list files (`plan.data.splits`) are resolved against (default: the working folder). */
  baseDir?: string;
  /**
   * When given, a video that cannot be opened is reported here and left out instead of failing the whole split
   * (`vadc data inspect` lists every broken video at once); without it the first problem throws.
   */
  onProblem?: (problem: DatasetError) => void;
}

/** A dataset reader: finds a dataset's videos on disk (or generates them) as the runtime's DatasetSource. */
export type DatasetReader = (plan: Plan, options?: ReaderOptions) => Promise<DatasetSource>;

/** Whether `split` is asked for. */
export function wants(options: ReaderOptions | undefined, split: SplitName): boolean {
  return options?.splits === undefined || options.splits.includes(split);
}

/** Throws DatasetError EMPTY_SPLIT naming `path` when a wanted split found no videos. */
export function requireVideos(videos: VideoSource[], split: SplitName, path: string): VideoSource[] {
  if (videos.length === 0) throw new DatasetError('EMPTY_SPLIT', `the ${split} split has no videos`, path);
  return videos;
}

/** Opens one video; with `options.onProblem`, a DatasetError is reported there and the video left out (null). */
export async function openOrReport(options: ReaderOptions | undefined, open: () => Promise<VideoSource>): Promise<VideoSource | null> {
  if (options?.onProblem === undefined) return open();
  try {
    return await open();
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    options.onProblem(error);
    return null;
  }
}

/** Appends the video `open` yields to `videos` (see openOrReport). */
export async function addVideo(videos: VideoSource[], options: ReaderOptions | undefined, open: () => Promise<VideoSource>): Promise<void> {
  const video = await openOrReport(options, open);
  if (video !== null) videos.push(video);
}
