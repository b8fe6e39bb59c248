// Split lists (`plan.data.splits.<split>`): text files with one video name per line, as UBnormal ships them
// (`abnormal_test_video_names.txt`). Blank lines and `#` comments are ignored; a trailing video extension is dropped.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
