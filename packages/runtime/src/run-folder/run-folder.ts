// The folder of one run: runs/<name>/<id>/ with run.json (status, hash, versions, timings) and everything the run
// writes; runs/<name>/latest points at the newest. Reading and listing live here; run-state.ts is the one writer
// of run.json (created at every state change, atomically, so a crashed or interrupted run is recognisable).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan } from '@vadc/dsl';
import type { MachineInfo } from './machine.ts';
import type { RunLease } from './run-lease.ts';
import type { EngineChoice } from '../engine/engine.ts';

/** Where a run stands (run-state.ts: the transitions). */
export type RunStatus = 'created' | 'training' | 'trained' | 'scoring' | 'finished' | 'interrupted' | 'failed';

/** run.json: what a run folder says about itself. */
export interface RunRecord {
  name: string;
  id: string;
  /** The experiment hash of the resolved recipe (see `hashRule`). */
  hash: string;
  /** Which rule made `hash` (HASH_RULE of @vadc/dsl): a run is resumed or scored only under the rule that made it. */
  hashRule: number;
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
  /** When the training ran to its end (null or absent while it has not). */
  trained?: string | null;
  /** Mean training throughput (frames/s) of the stages this run trained, once measured. */
  trainFramesPerSecond?: number | null;
  /**
   * Digest of the dataset the run used (file names, sizes, frame counts, labels of each split), so two runs can say
   * whether they saw the same data. Absent in runs made before it existed.
   */
  datasetFingerprint?: DatasetFingerprintRecord | null;
  /** Which epoch's weights the run scores with (plan.validation.selection); absent without validation. */
  selection?: SelectionRecord | null;
  /** The engines that trained and last scored, and why (runtime.engine resolved); absent in runs made before it. */
  engine?: RunEngineRecord;
}

/** What `runtime.engine` (or --engine) resolved to when the run trained and when it was last scored. */
export interface RunEngineRecord {
  train?: EngineChoice;
  score?: EngineChoice;
}

/** The epoch a run keeps: the last, or the validated one with the best validation metric. */
export interface SelectionRecord {
  mode: 'last' | 'best';
  metric: string;
  stage: string;
  /** 0-based epoch within the stage. */
  epoch: number;
  /** The validation metric at that epoch (null when it could not be computed). */
  value: number | null;
  /** The checkpoint holding those weights, relative to the run folder. */
  checkpoint: string;
}

/** The dataset fingerprint as run.json stores it. */
export interface DatasetFingerprintRecord {
  /** Hex SHA-256 over every split's entries. */
  digest: string;
  /** Whether file contents were hashed too (`--deep`), not only names, sizes, frame counts and labels. */
  deep: boolean;
  /** Digest per split name (train, test, validation...). */
  splits: Record<string, string>;
  /** The files under data.root (absent for generated data): how many, their total size, and their digest. */
  files?: { count: number; bytes: number; digest: string };
}

/** A run folder on disk with its record, and the lease while this process owns the folder. */
export interface RunFolder {
  directory: string;
  record: RunRecord;
  lease?: RunLease;
}

/** The checkpoint file of a run: the last finished epoch, and after training the trained model. */
export const checkpointPath = (run: RunFolder): string => join(run.directory, 'checkpoints', 'model.ckpt');

/** The file of the best validated epoch's weights, beside model.ckpt. */
export const BEST_CHECKPOINT = join('checkpoints', 'best.ckpt');

/** The checkpoint holding the weights a run scores with: best.ckpt under `selection: best` once written, else model.ckpt. */
export function selectedCheckpointPath(run: RunFolder, plan: Plan): string {
  const best = join(run.directory, BEST_CHECKPOINT);
  return plan.validation?.selection === 'best' && run.record.selection?.mode === 'best' && existsSync(best) ? best : join(run.directory, 'checkpoints', 'model.ckpt');
}

/**
 * A sortable, filesystem-safe id that no other start shares: the date to the second and 6 random hex digits,
 * 2026-11-28T15-06-02-3fa9c1 (two sweeps or runs started in the same second on any machines get different ids).
 */
export function runIdFromDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/:/g, '-')}-${randomBytes(3).toString('hex')}`;
}

/** The file a scored run's metrics are written to (score-evaluate.ts) and read from. */
export const METRICS_FILE = 'metrics.json';

/** A run folder's metrics.json, or null while the run has none (not scored yet) or it is unreadable. */
export async function readRunMetrics(directory: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(join(directory, METRICS_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
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
