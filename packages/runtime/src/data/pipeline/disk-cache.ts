// Per-video arrays of fixed-size uint8 frames (resized frames, motion gradients) cached on disk, keyed by the
// video's content and the parameters that produced them, so a second run reads instead of recomputing.
// One file per (video, kind, parameters): frameCount * frameBytes bytes, frame i at offset i * frameBytes.
// Written to a temporary name and renamed into place, so an interrupted run never leaves a truncated entry; each
// entry ends with the integrity seal (integrity/sealed-file.ts), verified once per process before its first read,
// and an entry that fails it is computed again. Temporaries of killed writers are removed when the cache opens.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { removeOrphanTemporaries } from '../../integrity/orphan-temporaries.ts';
import { IntegrityError, openSealed, SEAL_BYTES, Sealer } from '../../integrity/sealed-file.ts';
import type { VideoSource } from '../types.ts';

/** Bumped when the bytes a cache entry holds would change for the same key (e.g. a new resize rule). */
const CACHE_VERSION = 2;

/** Counters for tests and benchmarks: frames produced (cache misses), entries found ready on disk, entries written. */
export interface DiskCacheStats {
  computedFrames: number;
  entryHits: number;
  entryWrites: number;
}

/**
 * Identity of a video's content: name, frame count, resolution and a SHA-256 of its first, middle and last frames
 * (decoded pixels, so a re-encoded dataset with other pixels gets new entries).
 */
export async function videoIdentity(video: VideoSource): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${video.name}\n${video.frameCount}\n${video.resolution.join('x')}\n`);
  const samples = [...new Set([0, Math.floor(video.frameCount / 2), video.frameCount - 1])].filter((index) => index >= 0);
  for (const index of samples) hash.update(await video.readFrame(index));
  return hash.digest('hex');
}

/** Whether the entry at `path` exists with `payloadBytes` bytes and an intact seal (a corrupt one is recomputed). */
async function entryIsWhole(path: string, payloadBytes: number): Promise<boolean> {
  if ((await stat(path).catch(() => null))?.size !== payloadBytes + SEAL_BYTES) return false;
  try {
    openSealed(new Uint8Array(await readFile(path)), path);
    return true;
  } catch (error) {
    if (error instanceof IntegrityError) return false;
    throw error;
  }
}

/** A folder of cached per-video frame arrays. */
export class DiskCache {
  readonly stats: DiskCacheStats = { computedFrames: 0, entryHits: 0, entryWrites: 0 };
  private readonly pending = new Map<string, Promise<string[]>>();
  private readonly handles = new Map<string, Promise<FileHandle>>();
  private cleaned: Promise<unknown> | null = null;

  constructor(readonly directory: string) {}

  /** The file name of an entry: a hash of the video identity, the kind of data and its parameters. */
  entryName(identity: string, kind: string, parameters: Record<string, unknown>): string {
    const key = JSON.stringify({ version: CACHE_VERSION, identity, kind, parameters });
    return `${kind}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.bin`;
  }

  /**
   * Makes sure the entries `names` exist, each with `frameCount` frames of `frameBytes[k]` bytes, producing missing
   * ones in one pass with `produce(index)` (frame by frame, in order, one array per entry; each frame is written as
   * produced, so memory stays one frame). Entries that already exist are not rewritten. Returns their paths.
   */
  async ensure(names: string[], frameCount: number, frameBytes: number[], produce: (index: number) => Promise<Uint8Array[]>): Promise<string[]> {
    const key = names.join('|');
    let task = this.pending.get(key);
    if (task === undefined) {
      task = this.build(names, frameCount, frameBytes, produce);
      this.pending.set(key, task);
      task.catch(() => this.pending.delete(key));
    }
    return task;
  }

  private async build(names: string[], frameCount: number, frameBytes: number[], produce: (index: number) => Promise<Uint8Array[]>): Promise<string[]> {
    const paths = names.map((name) => join(this.directory, name));
    this.cleaned ??= removeOrphanTemporaries(this.directory);
    await this.cleaned;
    const ready = await Promise.all(paths.map((path, entry) => entryIsWhole(path, frameCount * (frameBytes[entry] as number))));
    if (ready.every(Boolean)) {
      this.stats.entryHits += paths.length;
      return paths;
    }
    await mkdir(this.directory, { recursive: true });
    const temporaries = paths.map((path) => `${path}.${process.pid}.${Date.now()}.tmp`);
    const handles = await Promise.all(temporaries.map((path) => open(path, 'w')));
    const sealers = paths.map(() => new Sealer());
    const closeAll = () => Promise.all(handles.map((handle) => handle.close()));
    try {
      for (let index = 0; index < frameCount; index++) {
        const frames = await produce(index);
        await Promise.all(
          frames.map((frame, entry) => {
            const bytes = frameBytes[entry] as number;
            if (frame.length !== bytes) throw new RangeError(`cache frame ${index} has ${frame.length} bytes, expected ${bytes}`);
            (sealers[entry] as Sealer).update(frame);
            return (handles[entry] as FileHandle).write(frame, 0, bytes, index * bytes);
          }),
        );
        this.stats.computedFrames++;
      }
      await Promise.all(handles.map((handle, entry) =>
        handle.write((sealers[entry] as Sealer).trailer(), 0, SEAL_BYTES, frameCount * (frameBytes[entry] as number))));
    } catch (error) {
      await closeAll();
      await Promise.all(temporaries.map((path) => rm(path, { force: true })));
      throw error;
    }
    await closeAll();
    await Promise.all(temporaries.map((path, entry) => rename(path, paths[entry] as string)));
    this.stats.entryWrites += paths.length;
    return paths;
  }

  /** Reads frame `index` of a ready entry (a file path from `ensure`). */
  async read(path: string, index: number, frameBytes: number): Promise<Uint8Array> {
    let handle = this.handles.get(path);
    if (handle === undefined) {
      handle = open(path, 'r');
      this.handles.set(path, handle);
    }
    const out = new Uint8Array(frameBytes);
    const { bytesRead } = await (await handle).read(out, 0, frameBytes, index * frameBytes);
    if (bytesRead !== frameBytes) throw new RangeError(`cache entry ${path} is short at frame ${index}`);
    return out;
  }

  /** Closes the open file handles (entries stay on disk). */
  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map(async (handle) => (await handle).close()));
  }
}
