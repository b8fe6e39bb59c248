// A compact checkpoint file: the bytes `VADCCKP2`, a little-endian uint32 header length, a JSON header (meta data
// and the tensor table), zero padding to a multiple of 4, each tensor's float32 values, then the integrity seal
// (length + SHA-256, integrity/sealed-file.ts). Written atomically: to `<path>.tmp-<pid>` first, then renamed over
// `<path>`, so a crash never leaves a half-written checkpoint.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IntegrityError, openSealed, Sealer } from '../integrity/sealed-file.ts';
import { FileWriteError } from '../integrity/write-error.ts';
import type { NamedArray } from './optimizers.ts';

const MAGIC = 'VADCCKP2';

/** What a checkpoint file holds. */
export interface CheckpointFile<Meta> {
  meta: Meta;
  tensors: NamedArray[];
}

/** Writes a checkpoint atomically (temp file, fsync, rename). */
export async function writeCheckpointFile<Meta>(path: string, content: CheckpointFile<Meta>): Promise<void> {
  let offset = 0;
  const table = content.tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length * 4;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ meta: content.meta, tensors: table }), 'utf8');
  const padding = (4 - ((MAGIC.length + 4 + header.length) % 4)) % 4;
  const prefix = Buffer.alloc(MAGIC.length + 4 + header.length + padding);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, MAGIC.length);
  header.copy(prefix, MAGIC.length + 4);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  // A failed write (a full disk) leaves no partial temporary behind and names the file it could not write.
  try {
    const handle = await open(temporary, 'w');
    const sealer = new Sealer();
    try {
      sealer.update(prefix);
      await handle.write(prefix);
      for (const t of content.tensors) {
        const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        sealer.update(bytes);
        await handle.write(bytes);
      }
      await handle.write(sealer.trailer());
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new FileWriteError(path, error);
  }
}

/** Reads a checkpoint written by writeCheckpointFile; a file that is not one, or not whole, is an error naming it. */
export async function readCheckpointFile<Meta>(path: string): Promise<CheckpointFile<Meta>> {
  const file = await readFile(path);
  const magic = file.subarray(0, MAGIC.length).toString('latin1');
  if (magic !== MAGIC) throw new Error(`${path} is not a vadc checkpoint`);
  const bytes = Buffer.from(openSealed(file, path).payload);
  const bad = (why: string) => new IntegrityError('LENGTH_MISMATCH', path, `is not a whole checkpoint (${why})`);
  if (bytes.length < MAGIC.length + 4) throw bad(`${bytes.length} bytes`);
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) throw bad(`its header needs ${headerEnd} bytes, the file has ${bytes.length}`);
  let header: { meta: Meta; tensors: Array<{ name: string; shape: number[]; offset: number; length: number }> };
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as typeof header;
  } catch {
    throw bad('unreadable header');
  }
  const dataStart = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const declared = header.tensors.reduce((end, entry) => Math.max(end, dataStart + entry.offset + entry.length * 4), dataStart);
  // Exact length: the seal proves the bytes are the ones written; this proves the writer's table matches them.
  if (declared !== bytes.length) throw bad(`its tensor table declares ${declared} bytes, the file holds ${bytes.length}`);
  const tensors = header.tensors.map((entry) => {
    // Copy into a fresh, aligned buffer (the file buffer's byteOffset need not be a multiple of 4).
    const start = dataStart + entry.offset;
    const data = new Float32Array(entry.length);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + entry.length * 4));
    return { name: entry.name, shape: entry.shape, data };
  });
  return { meta: header.meta, tensors };
}
