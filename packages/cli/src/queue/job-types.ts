// What travels through the queue. Jobs carry the resolved Plan(s) with their hashes and absolute paths on the shared
// storage, never the coordinator's environment; results are small (metrics, scores as CSV text, run folder names),
// while checkpoints and run folders stay on the shared output folder.
import type { EngineName, SweepRun } from '@vadc/dsl';
import { type SweepEntry, type SweepOptions, type SweepTraining } from '@vadc/runtime';

/** The sweep options a worker needs (the coordinator's SweepOptions, with its sweep id). */
export type QueueSweepOptions = SweepOptions & { sweepId: string };

/** Train (or re-use, or resume) the model of one group of combinations sharing a training hash. */
export interface TrainJobData {
  kind: 'train';
  group: SweepRun[];
  trainingHash: string;
  runId: string;
  options: QueueSweepOptions;
}

/** The result of a train job: the run folder relative to runs/<name>, and how the model was obtained. */
export interface TrainJobResult {
  run: string;
  source: SweepTraining['source'];
  /** Seconds the worker spent inside the job (the rest of a job's time is the queue's). */
  seconds: number;
}

/** Evaluate a group's combinations from the model its child train job left (the scoring-only cells). */
export interface EvaluateJobData {
  kind: 'evaluate';
  group: SweepRun[];
  trainingHash: string;
  training: number;
  options: QueueSweepOptions;
}

/** The result of an evaluate job: sweep.json entries of the group. */
export interface EvaluateJobResult {
  entries: SweepEntry[];
  variants: Record<string, string>;
  seconds: number;
}

/** The parent of a sweep's jobs: done when every evaluation is. */
export interface SweepJobData {
  kind: 'sweep';
  name: string;
  sweepId: string;
}

/** Score one video file or frame folder with a trained run. */
export interface ScoreJobData {
  kind: 'score';
  /** The run folder (absolute, on the shared storage). */
  run: string;
  /** The hash of the run's plan.json that the coordinator read: a worker refuses a run folder that differs. */
  planHash: string;
  input: string;
  backend: string | null;
  /** --engine of the command; null: the run's runtime.engine, resolved on the worker as a local `vadc score` resolves it. */
  engine?: EngineName | null;
  /** --threshold and --fps of the command; null: the run's calibration (else no decisions, 25 frames/s), as a local score. */
  threshold?: number | null;
  fps?: number | null;
}

/** The result of a score job: the video's name and the files `vadc score` writes for it (run/scored-files.ts), as text. */
export interface ScoreJobResult {
  name: string;
  frames: number;
  files: Record<string, string>;
  seconds: number;
}

/** Any vadc job. */
export type VadcJobData = TrainJobData | EvaluateJobData | SweepJobData | ScoreJobData;
