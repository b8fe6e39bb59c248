// The dataset fingerprint: a digest of what a run trained and tested on, so two runs (two teams, two machines, two
// folders) can say whether they used the same data. Cheap by default (every split's video names, frame counts,
// resolutions and labels, and every file's relative path and size under data.root: no file is read); `--deep` hashes
// the contents too (the files under data.root, or the decoded frames of a generated dataset).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { DatasetSource, VideoSource } from '../data/types.ts';
import type { CommandIO } from '../run-io.ts';
import type { DatasetFingerprintRecord, RunFolder } from './run-folder.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The fingerprint of an opened dataset (see the file comment for what it covers). */
export async function fingerprintDataset(source: DatasetSource, plan: Plan, options: { deep: boolean }): Promise<DatasetFingerprintRecord> {
  const splits: Record<string, string> = {};
  for (const split of ['train', 'validation', 'test'] as const) {
    if (source[split].length === 0) continue;
    const entries = [];
    for (const video of source[split]) entries.push({ ...describeVideo(video), ...(options.deep && plan.data.root === null ? { pixels: await framesDigest(video) } : {}) });
    splits[split] = sha256(JSON.stringify(entries));
  }
  const files = plan.data.root === null ? null : await filesDigest(plan.data.root, options.deep);
  const digest = sha256(JSON.stringify({ splits, files: files?.digest ?? null }));
  return { digest, deep: options.deep, splits, ...(files === null ? {} : { files: { count: files.count, bytes: files.bytes, digest: files.digest } }) };
}

function describeVideo(video: VideoSource): Record<string, unknown> {
  const labels = video.truth?.labels ?? null;
  return { name: video.name, frames: video.frameCount, resolution: video.resolution, labels: labels === null ? null : labels.join('') };
}

async function framesDigest(video: VideoSource): Promise<string> {
  const hash = createHash('sha256');
  for (let index = 0; index < video.frameCount; index += 1) hash.update(await video.readFrame(index));
  return hash.digest('hex');
}

/** Every file below `root` (sorted relative paths, sizes, and with `deep` their contents). */
async function filesDigest(root: string, deep: boolean): Promise<{ count: number; bytes: number; digest: string }> {
  const hash = createHash('sha256');
  let count = 0;
  let bytes = 0;
  // Symbolic links are followed as the dataset readers follow them (a linked video folder is part of the split); a
  // folder already on the path (a link loop) is walked once.
  const walk = async (folder: string, relative: string, ancestors: ReadonlySet<string>): Promise<void> => {
    const real = await realpath(folder);
    if (ancestors.has(real)) return;
    const inside = new Set([...ancestors, real]);
    const entries = (await readdir(folder, { withFileTypes: true })).sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const target = entry.isSymbolicLink() ? await stat(path).catch(() => null) : entry;
      if (target === null) continue; // a dangling link: the readers report it as BROKEN_LINK
      if (target.isDirectory()) await walk(path, name, inside);
      else if (target.isFile()) {
        const size = (await stat(path)).size;
        count += 1;
        bytes += size;
        hash.update(`${name}\0${size}\n`);
        if (deep) hash.update(await fileDigest(path));
      }
    }
  };
  await walk(root, '', new Set());
  return { count, bytes, digest: hash.digest('hex') };
}

function fileDigest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

/** One line for logs and compare: `3f2a9c1e0b7d (cheap)`. */
export function describeFingerprint(fingerprint: DatasetFingerprintRecord | null | undefined): string {
  if (fingerprint === null || fingerprint === undefined) return 'unknown (run made before fingerprints)';
  const files = fingerprint.files === undefined ? '' : `, ${fingerprint.files.count} files, ${fingerprint.files.bytes} bytes`;
  return `${fingerprint.digest.slice(0, 12)} (${fingerprint.deep ? 'deep: contents hashed' : 'names, sizes, frame counts, labels'}${files})`;
}

/** Puts `fingerprint` in the run's record (saved with the next saveRun); warns when it differs from the stored one. */
export function recordFingerprint(run: RunFolder, fingerprint: DatasetFingerprintRecord, io: CommandIO): void {
  const previous = run.record.datasetFingerprint;
  if (previous !== undefined && previous !== null && previous.deep === fingerprint.deep && previous.digest !== fingerprint.digest) {
    io.stderr(`warning: the dataset differs from the one this run saw before (${describeFingerprint(previous)} -> ${describeFingerprint(fingerprint)})\n`);
  }
  run.record.datasetFingerprint = fingerprint;
  io.stderr(`data: fingerprint ${describeFingerprint(fingerprint)}\n`);
}
