// train.jsonl: one JSON line per optimizer step, and one line `"type": "validation"` per validated epoch, appended
// as training goes. It is exact after any crash: the lines are flushed before every checkpoint is written and on
// SIGINT / SIGTERM, and a resumed run first cuts the file back to the checkpoint's position (trimTrainLog), so steps
// after the checkpoint, which the resumed run trains again, are never logged twice, and steps before it are never
// missing.
import { appendFileSync, existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import type { TrainingProgress } from '../train/state.ts';
import { writeFileAtomic } from './files.ts';

/** One logged training step. */
export interface TrainLogRecord {
  stage: string;
  epoch: number;
  step: number;
  loss: number;
  lr: number;
  samples_per_second: number;
  time: string;
}

/** One validation of the held-out split (plan.validation), after epoch `epoch` (0-based) of stage `stage`. */
export interface ValidationLogRecord {
  type: 'validation';
  stage: string;
  stage_index: number;
  epoch: number;
  /** Optimizer steps of the stage so far (where the epoch ended). */
  step: number;
  micro_auc: number | null;
  macro_auc: number | null;
  pixel_auc: number | null;
  /** The plan's validation.metric and its value here. */
  metric: string;
  value: number | null;
  seconds: number;
  time: string;
}

/** Appends records to a train.jsonl file, buffered so a step costs no file write of its own. */
export class TrainLog {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  constructor(readonly path: string) {}

  add(record: TrainLogRecord | ValidationLogRecord): void {
    this.pending.push(JSON.stringify(record));
  }

  /** Appends the buffered lines; flushes are chained, so lines reach the file in the order they were added. */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.writing = this.writing.then(() => appendFile(this.path, text));
    return this.writing;
  }

  /** Appends the buffered lines synchronously (a signal handler cannot wait for a promise before exiting). */
  flushSync(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.path, `${this.pending.join('\n')}\n`);
    this.pending = [];
  }
}

/** Reads train.jsonl, skipping a torn last line. */
export async function readTrainLog(path: string): Promise<TrainLogRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const records: TrainLogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as TrainLogRecord);
    } catch {
      // a torn line from an interrupted write
    }
  }
  return records;
}

/** What trimTrainLog needs of a line: its stage, and a step (step lines) or an epoch (`type: validation` lines). */
interface PositionedLine {
  type?: string;
  stage?: string;
  epoch?: number;
  step?: number;
}

/**
 * Whether a logged line comes from training the checkpoint already holds. Step lines carry the stage's step count
 * after the step (1-based), validation lines the 0-based epoch they validated; `progress` null means no checkpoint,
 * so nothing trained is kept.
 */
export function loggedBeforeCheckpoint(line: PositionedLine, stageNames: readonly string[], progress: TrainingProgress | null): boolean {
  if (progress === null) return false;
  const stageIndex = stageNames.indexOf(line.stage ?? '');
  if (stageIndex < 0 || stageIndex > progress.stageIndex) return false;
  if (stageIndex < progress.stageIndex) return true;
  if (line.type === 'validation') return typeof line.epoch === 'number' && line.epoch < progress.epochsDone;
  return typeof line.step === 'number' && line.step <= progress.step;
}

/**
 * Cuts train.jsonl back to the checkpoint a resumed run starts from (atomically): lines after it, and torn lines,
 * go. Returns how many lines were removed.
 */
export async function trimTrainLog(path: string, stageNames: readonly string[], progress: TrainingProgress | null): Promise<number> {
  if (!existsSync(path)) return 0;
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => {
    try {
      return loggedBeforeCheckpoint(JSON.parse(line) as PositionedLine, stageNames, progress);
    } catch {
      return false;
    }
  });
  if (kept.length === lines.length) return 0;
  await writeFileAtomic(path, kept.length === 0 ? '' : `${kept.join('\n')}\n`);
  return lines.length - kept.length;
}
