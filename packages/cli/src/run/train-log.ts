// train.jsonl: one JSON line per optimizer step, appended as training goes (a crash loses at most the line being
// written; readers skip a torn last line), and one line `"type": "validation"` per validated epoch.
import { appendFile, readFile } from 'node:fs/promises';

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
  constructor(readonly path: string) {}

  add(record: TrainLogRecord | ValidationLogRecord): void {
    this.pending.push(JSON.stringify(record));
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    await appendFile(this.path, text);
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
