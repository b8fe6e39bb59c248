// The folder of one run: runs/<name>/<id>/ with run.json (status, hash, versions, timings) and everything the run
// writes; runs/<name>/latest points at the newest. run.json is rewritten atomically at every state change, so a
// crashed or interrupted run is recognisable and resumable.
import { mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceSymlink, writeJsonAtomic } from './files.ts';
import type { MachineInfo } from './machine.ts';

/** Where a run stands. */
export type RunStatus = 'running' | 'interrupted' | 'failed' | 'finished';

/** run.json: what a run folder says about itself. */
export interface RunRecord {
  name: string;
  id: string;
  hash: string;
  status: RunStatus;
  created: string;
  updated: string;
  seed: number;
  backend: string | null;
  machine: MachineInfo;
  /** Seconds spent per step (prepare, train:<stage>, score, evaluate, report). */
  timings: Record<string, number>;
  /** Error message of a failed run. */
  error: string | null;
  /** Mean training throughput (frames/s) of the stages this run trained, once measured. */
  trainFramesPerSecond?: number | null;
  /**
   * Digest of the dataset the run used (file names, sizes, frame counts, labels of each split), so two runs can say
   * whether they saw the same data. Absent in runs made before it existed.
   */
  datasetFingerprint?: DatasetFingerprintRecord | null;
}

/** The dataset fingerprint as run.json stores it. */
export interface DatasetFingerprintRecord {
  /** Hex SHA-256 over every split's entries. */
  digest: string;
  /** Whether file contents were hashed too (`--deep`), not only names, sizes, frame counts and labels. */
  deep: boolean;
  /** Digest per split name (train, test, validation...). */
  splits: Record<string, string>;
}

/** A run folder on disk with its record. */
export interface RunFolder {
  directory: string;
  record: RunRecord;
}

/** The checkpoint file of a run: the last finished epoch, and after training the trained model. */
export const checkpointPath = (run: RunFolder): string => join(run.directory, 'checkpoints', 'model.ckpt');

/** A sortable, filesystem-safe id from a date: 2026-11-28T15-06-02. */
export function runIdFromDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** Reads run.json of `directory`, or null when it is not a run folder. */
export async function readRun(directory: string): Promise<RunFolder | null> {
  try {
    const record = JSON.parse(await readFile(join(directory, 'run.json'), 'utf8')) as RunRecord;
    return { directory, record };
  } catch {
    return null;
  }
}

/** All runs of recipe `name` under `outRoot`, oldest first. */
export async function listRuns(outRoot: string, name: string): Promise<RunFolder[]> {
  const base = join(outRoot, name);
  let entries: string[];
  try {
    entries = (await readdir(base, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
  const runs = await Promise.all(entries.sort().map((entry) => readRun(join(base, entry))));
  return runs.filter((run): run is RunFolder => run !== null);
}

/** The run `runs/<name>/latest` points at, if any. */
export async function latestRun(outRoot: string, name: string): Promise<RunFolder | null> {
  try {
    const target = await readlink(join(outRoot, name, 'latest'));
    return await readRun(join(outRoot, name, target));
  } catch {
    return null;
  }
}

/** Creates a new run folder and points `latest` at it. */
export async function createRun(outRoot: string, record: Omit<RunRecord, 'created' | 'updated' | 'status' | 'timings' | 'error'>): Promise<RunFolder> {
  const directory = join(outRoot, record.name, record.id);
  await mkdir(directory, { recursive: false }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') await mkdir(directory, { recursive: true });
    else throw new Error(`run folder ${directory} already exists`);
  });
  const now = new Date().toISOString();
  const folder: RunFolder = { directory, record: { ...record, created: now, updated: now, status: 'running', timings: {}, error: null } };
  await saveRun(folder);
  await replaceSymlink(record.id, join(outRoot, record.name, 'latest'));
  return folder;
}

/** Rewrites run.json after a change to the record. */
export async function saveRun(folder: RunFolder): Promise<void> {
  folder.record.updated = new Date().toISOString();
  await writeJsonAtomic(join(folder.directory, 'run.json'), folder.record);
}
