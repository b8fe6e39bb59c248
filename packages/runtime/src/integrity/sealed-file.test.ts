// Files vadc trusts are verified before use: a checkpoint cut to 60% of its bytes (which used to load with
// zero-filled weights), a flipped byte, or an extended file is an IntegrityError naming the file; an orphan
// temporary of a dead writer is removed while a live one stays.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFile, writeCheckpointFile } from '../train/checkpoint.ts';
import { removeOrphanTemporaries } from './orphan-temporaries.ts';
import { IntegrityError, openSealed, sealBytes } from './sealed-file.ts';

const tensors = [
  { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: 'b', shape: [4], data: Float32Array.from([7, 8, 9, 10]) },
];

async function checkpoint(): Promise<{ folder: string; path: string; bytes: Buffer }> {
  const folder = await mkdtemp(join(tmpdir(), 'vadc-seal-'));
  const path = join(folder, 'model.ckpt');
  await writeCheckpointFile(path, { meta: { step: 3 }, tensors });
  return { folder, path, bytes: await readFile(path) };
}

describe('sealed files', () => {
  it('round-trips a checkpoint and refuses it cut to 60%, with a flipped byte, or extended', async () => {
    const { path, bytes } = await checkpoint();
    expect((await readCheckpointFile<{ step: number }>(path)).tensors[1]!.data).toEqual(tensors[1]!.data);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(readCheckpointFile(path)).rejects.toThrow(IntegrityError);
    await expect(readCheckpointFile(path)).rejects.toThrow(path);
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 60) ^ 1, flipped.length - 60);
    await writeFile(path, flipped);
    await expect(readCheckpointFile(path)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', path });
    await writeFile(path, Buffer.concat([bytes, Buffer.alloc(8)]));
    await expect(readCheckpointFile(path)).rejects.toThrow(IntegrityError);
  });

  it('refuses a checkpoint without its seal, even one whose tensor table matches its length', async () => {
    const { path, bytes } = await checkpoint();
    // The bytes before the seal are a self-consistent checkpoint; without the seal nothing proves they are whole.
    await writeFile(path, bytes.subarray(0, bytes.length - 48));
    await expect(readCheckpointFile(path)).rejects.toMatchObject({ code: 'UNSEALED' });
  });

  it('verifies sealed bytes and refuses unsealed ones', () => {
    const sealed = sealBytes(new TextEncoder().encode('payload'));
    expect(new TextDecoder().decode(openSealed(sealed, 'x').payload)).toBe('payload');
    expect(() => openSealed(sealed.subarray(0, 10), 'x.bin')).toThrow(/x\.bin: has no integrity trailer/);
    expect(() => openSealed(sealed.subarray(0, 5), 'x')).toThrow(IntegrityError);
  });

  it('removes temporaries of dead writers, keeps those of live ones', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'vadc-orphans-'));
    const dead = 2 ** 22 + 12345; // above the default pid_max of 4194304: no such process
    await writeFile(join(folder, `motion-ab.bin.${dead}.1700000000000.tmp`), 'x');
    await writeFile(join(folder, `model.ckpt.tmp-${dead}`), 'x');
    await writeFile(join(folder, `frames-cd.bin.${process.pid}.1700000000000.tmp`), 'x');
    await writeFile(join(folder, 'motion-ef.bin'), 'x');
    expect((await removeOrphanTemporaries(folder)).sort()).toEqual([`model.ckpt.tmp-${dead}`, `motion-ab.bin.${dead}.1700000000000.tmp`]);
    expect((await readdir(folder)).sort()).toEqual([`frames-cd.bin.${process.pid}.1700000000000.tmp`, 'motion-ef.bin']);
  });
});

describe('disk cache entries', () => {
  it('removes orphan temporaries when the cache opens, seals entries and recomputes a corrupt one', async () => {
    const { DiskCache } = await import('../data/pipeline/disk-cache.ts');
    const folder = await mkdtemp(join(tmpdir(), 'vadc-cache-'));
    const orphan = `motion-00.bin.${2 ** 22 + 777}.1700000000000.tmp`;
    await writeFile(join(folder, orphan), Buffer.alloc(1000));
    const produce = async (index: number) => [Uint8Array.from([index, index + 1, index + 2])];
    const cache = new DiskCache(folder);
    const [path] = await cache.ensure(['frames-a.bin'], 4, [3], produce);
    expect(await readdir(folder)).toEqual(['frames-a.bin']);
    expect(openSealed(new Uint8Array(await readFile(path!)), path!).payload).toEqual(Uint8Array.from([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5]));
    const bytes = await readFile(path!);
    bytes.writeUInt8(bytes.readUInt8(4) ^ 0xff, 4);
    await writeFile(path!, bytes);
    const again = new DiskCache(folder);
    await again.ensure(['frames-a.bin'], 4, [3], produce);
    expect(again.stats).toMatchObject({ entryHits: 0, entryWrites: 1 });
    expect(Array.from(await again.read(path!, 1, 3))).toEqual([1, 2, 3]);
    await again.close();
  });
});
