// The files `vadc metrics` may read. Its input JSON names .npy files by path, and such a JSON may come from anyone:
// it must not make vadc open /etc/shadow, a device like /dev/zero, or a file outside the folders the user meant.
// So a referenced file must resolve (symbolic links followed) inside the JSON's folder or a folder given with
// `--allow-path`, be a regular file, and be at most a bounded size; "missing" and "not allowed" give the same text,
// so the error reveals nothing about files outside those folders.
import { open, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { UsageError } from '../run-io.ts';

/** Largest input JSON `vadc metrics` reads. */
export const MAX_INPUT_JSON_BYTES = 512 * 1024 ** 2;

/** Largest .npy file an input may name (a Buffer's practical limit; real maps of a test video are far smaller). */
export const MAX_NPY_BYTES = 2 * 1024 ** 3 - 1;

/** Folders referenced files may lie in: the input's own folder and the `--allow-path` ones, symbolic links resolved. */
export async function allowedFolders(inputFolder: string, allowPaths: readonly string[], cwd: string): Promise<string[]> {
  const folders: string[] = [];
  for (const folder of [inputFolder, ...allowPaths.map((path) => resolve(cwd, path))]) {
    const real = await realpath(folder).catch(() => null);
    if (real === null) throw new UsageError(`--allow-path ${folder}: no such folder`);
    folders.push(real);
  }
  return folders;
}

const inside = (path: string, folder: string): boolean => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/**
 * Reads a regular file of at most `maxBytes`; `shown` is how errors name it. With `folders`, the file's real path
 * must lie inside one of them. Throws UsageError; a file that is missing and one that is not allowed read alike.
 */
export async function readBoundedFile(path: string, shown: string, maxBytes: number, folders: readonly string[] | null): Promise<Uint8Array> {
  const unavailable = () => new UsageError(folders === null ? `${shown}: no such file`
    : `${shown}: no such file here (files are read inside the input's folder and --allow-path folders only)`);
  const real = await realpath(path).catch(() => null);
  if (real === null || (folders !== null && !folders.some((folder) => inside(real, folder)))) throw unavailable();
  const handle = await open(real, 'r').catch(() => null);
  if (handle === null) throw unavailable();
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`${shown}: not a regular file`);
    if (info.size > maxBytes) throw new UsageError(`${shown}: ${info.size} bytes, more than the ${maxBytes} this input may have`);
    const bytes = new Uint8Array(info.size);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesRead } = await handle.read(bytes, offset, bytes.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    if (offset !== bytes.length) throw new UsageError(`${shown}: changed size while it was read`);
    return bytes;
  } finally {
    await handle.close();
  }
}
