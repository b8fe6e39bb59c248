// File writes of a run: every file a run leaves is written to a temporary name and renamed into place, so Ctrl-C
// or a crash never leaves a half-written metrics.json, scores.csv or checkpoint behind.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileWriteError } from '../integrity/write-error.ts';

// Numbers temporaries within this process: two writes of one file (or two `latest` links) in the same millisecond
// must not share a name. The `<pid>.<number>.tmp` shape is what removeOrphanTemporaries recognises after a crash.
let temporarySequence = 0;
function temporaryName(path: string): string {
  temporarySequence += 1;
  return `${path}.${process.pid}.${Date.now()}${temporarySequence}.tmp`;
}

/** Writes `data` to `path` atomically (temp file in the same folder, then rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryName(join(dirname(path), `.${basename(path)}`));
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new FileWriteError(path, error);
  }
}

/** Writes pretty JSON atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Points the symlink `link` at `target` (a relative name), replacing an older link atomically. */
export async function replaceSymlink(target: string, link: string): Promise<void> {
  const temporary = temporaryName(link);
  await rm(temporary, { force: true });
  await symlink(target, temporary);
  await rename(temporary, link);
}
