// Split lists (`plan.data.splits.<split>`): text files with one video name per line, as UBnormal ships them
// (`abnormal_test_video_names.txt`). Blank lines and `#` comments are ignored; a trailing video extension is dropped.
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { DatasetError } from './dataset-error.ts';
import type { ReaderOptions, SplitName } from './reader.ts';

/** Parses a split list's text into video names. Throws DatasetError BAD_SPLIT_LIST on duplicates. */
export function parseSplitList(text: string, path = ''): string[] {
  const names = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim().replace(/\.(mp4|avi|mov|mkv)$/i, ''))
    .filter((line) => line !== '');
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DatasetError('BAD_SPLIT_LIST', `video ${name} is listed twice`, path);
    seen.add(name);
  }
  return names;
}

/** The video names of `split` from the plan's split list file, or null when the plan declares none. */
export async function readSplitList(plan: Plan, split: SplitName, options?: ReaderOptions): Promise<string[] | null> {
  const file = plan.data.splits[split];
  if (file === null) return null;
  const path = resolve(options?.baseDir ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DatasetError('MISSING_FILE', `missing split list for the ${split} split`, path);
  }
  const names = parseSplitList(text, path);
  if (names.length === 0) throw new DatasetError('EMPTY_SPLIT', `split list of the ${split} split names no videos`, path);
  return names;
}

/**
 * The videos of `split` a reader opens: every video it found (`found`, by name) without a split list, else the
 * listed ones in the list's order, each of which must be among them (a name that is not is an error naming it).
 */
export async function namesInSplit(plan: Plan, split: SplitName, found: readonly string[], folder: string, options?: ReaderOptions): Promise<string[]> {
  const list = await readSplitList(plan, split, options);
  if (list === null) return [...found];
  const missing = list.find((name) => !found.includes(name));
  if (missing !== undefined) throw new DatasetError('MISSING_FOLDER', `video ${missing} of the ${split} split list is not here`, join(folder, missing));
  return list;
}

/** Refuses a split list for a split the dataset does not have (a list would be silently ignored otherwise). */
export function refuseSplitList(plan: Plan, split: SplitName, dataset: string, instead: string): void {
  const file = plan.data.splits[split];
  if (file !== null) throw new DatasetError('BAD_SPLIT_LIST', `${dataset} has no ${split} videos for data.splits.${split} to choose from (${instead})`, file);
}

/** namesInSplit for video files: the files whose names (without extension) are in the split, in the list's order. */
export async function filesInSplit(plan: Plan, split: SplitName, files: readonly string[], folder: string, options?: ReaderOptions): Promise<string[]> {
  const byName = new Map(files.map((file) => [basename(file, extname(file)), file]));
  return (await namesInSplit(plan, split, [...byName.keys()], folder, options)).map((name) => byName.get(name)!);
}
