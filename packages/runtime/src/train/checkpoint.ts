// A compact checkpoint file: the bytes `VADCCKP1`, a little-endian uint32 header length, a JSON header (meta data
// and the tensor table), zero padding to a multiple of 4, then each tensor's float32 values. Written atomically:
// to `<path>.tmp-<pid>` first, then renamed over `<path>`, so a crash never leaves a half-written checkpoint.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NamedArray } from './optimizers.ts';

const MAGIC = 'VADCCKP1';

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
  const handle = await open(temporary, 'w');
  try {
    await handle.write(prefix);
    for (const t of content.tensors) {
      const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      await handle.write(bytes);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** Reads a checkpoint written by writeCheckpointFile; errors name the file when it is not one. */
export async function readCheckpointFile<Meta>(path: string): Promise<CheckpointFile<Meta>> {
  const bytes = await readFile(path);
  if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error(`${path} is not a vadc checkpoint`);
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  const header = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as {
    meta: Meta;
    tensors: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  };
  const dataStart = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const tensors = header.tensors.map((entry) => {
    // Copy into a fresh, aligned buffer (the file buffer's byteOffset need not be a multiple of 4).
    const start = dataStart + entry.offset;
    const data = new Float32Array(entry.length);
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + entry.length * 4));
    return { name: entry.name, shape: entry.shape, data };
  });
  return { meta: header.meta, tensors };
}
