// File-system helpers shared by the readers: folder listings that fail loudly, natural sort, the cache folder.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plan } from '@vadc/dsl';
import { DatasetError } from './dataset-error.ts';
import { isImageFile } from '../formats/image.ts';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order of names: `2.jpg` before `10.jpg`, `Test2` before `Test10`. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Whether `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}

/** Whether `path` is an existing file. */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

/** Throws DatasetError MISSING_FOLDER unless `path` is a directory. */
export async function requireDirectory(path: string, what: string): Promise<void> {
  if (!(await isDirectory(path))) throw new DatasetError('MISSING_FOLDER', `missing folder (${what})`, path);
}

/** Throws DatasetError MISSING_FILE unless `path` is a file. */
export async function requireFile(path: string, what: string): Promise<void> {
  if (!(await isFile(path))) throw new DatasetError('MISSING_FILE', `missing file (${what})`, path);
}

/**
 * Entries of a folder in natural order, split into sub-folders and files (hidden entries left out). Symbolic links
 * are followed (a dataset assembled from links is common), so a linked video folder counts like a real one; a link
 * that leads nowhere is a DatasetError BROKEN_LINK naming it, never a silently shorter split.
 */
export async function listFolder(path: string): Promise<{ folders: string[]; files: string[] }> {
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    throw new DatasetError('MISSING_FOLDER', 'missing or unreadable folder', path);
  }
  await refuseNonUtf8Names(path, entries.map((entry) => entry.name));
  const folders: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    let kind: 'folder' | 'file' | 'other' = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
    if (entry.isSymbolicLink()) {
      // stat follows the whole chain; a loop of links fails with ELOOP like a dangling one.
      const target = await stat(join(path, entry.name)).catch((error: NodeJS.ErrnoException) => error);
      if (target instanceof Error) throw new DatasetError('BROKEN_LINK', `symbolic link leads nowhere (${target.code ?? target.message})`, join(path, entry.name));
      kind = target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
    }
    if (kind === 'folder') folders.push(entry.name);
    if (kind === 'file') files.push(entry.name);
  }
  return { folders: folders.sort(naturalCompare), files: files.sort(naturalCompare) };
}

/**
 * Node decodes file names as UTF-8 and replaces bytes that are not with U+FFFD, so a name written in another encoding
 * (Latin-1 from an old archive) would be listed under a name that opens nothing. Such a name is a DatasetError
 * BAD_NAME showing its bytes, never a video silently dropped or a misleading ENOENT later.
 */
async function refuseNonUtf8Names(path: string, names: readonly string[]): Promise<void> {
  if (!names.some((name) => name.includes('\uFFFD'))) return;
  for (const raw of await readdir(path, { encoding: 'buffer' })) {
    if (Buffer.from(raw.toString('utf8'), 'utf8').equals(raw)) continue;
    const shown = [...raw].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('');
    throw new DatasetError('BAD_NAME', `the name "${shown}" is not UTF-8, so it cannot be opened by name here: rename it in UTF-8 (e.g. convmv -f latin1 -t utf8 -r --notest)`, join(path, shown));
  }
}

/**
 * The image files of a frame folder in natural order, full paths. All frames must share one extension, so a stray
 * `Thumbs.db` is ignored but a folder mixing `.tif` originals with `.jpg` re-encodes is an error, not a double count.
 */
export async function listFrameFiles(folder: string): Promise<string[]> {
  const { files } = await listFolder(folder);
  const images = files.filter(isImageFile);
  if (images.length === 0) throw new DatasetError('EMPTY_VIDEO', 'no frame images in folder', folder);
  const extensions = new Set(images.map((name) => name.slice(name.lastIndexOf('.')).toLowerCase()));
  if (extensions.size > 1) throw new DatasetError('EMPTY_VIDEO', `frames of several types in one folder (${[...extensions].join(', ')})`, folder);
  return images.map((name) => join(folder, name));
}

/** The folder for decoded-frame caches: `plan.data.cache_dir`, else `<root>/.vadc-cache`. */
export function cacheDirectory(plan: Plan, root: string): string {
  return resolve(plan.data.cache_dir ?? join(root, '.vadc-cache'));
}

/** The dataset root of a plan, or DatasetError MISSING_ROOT. */
export async function datasetRoot(plan: Plan): Promise<string> {
  const root = plan.data.root;
  if (root === null) throw new DatasetError('MISSING_ROOT', `dataset ${plan.data.dataset} needs data.root`);
  if (!(await isDirectory(root))) throw new DatasetError('MISSING_ROOT', 'dataset root folder does not exist', root);
  return resolve(root);
}

/** Maps `items` through `work` with at most `limit` promises in flight, keeping order. */
export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
