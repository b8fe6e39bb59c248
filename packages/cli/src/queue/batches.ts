// A batch is what one coordinator put on the queue: a sweep (one BullMQ flow) or a score batch (one job per input).
// Its record in Redis names its jobs and where their results go, so that `vadc queue status | cancel | attach <id>`
// work from any machine and after the coordinator that queued it is gone (Ctrl-C, a lost terminal).
import { hostname } from 'node:os';
import type { Queue } from 'bullmq';
import { redisOf } from './connection.ts';

/** Seconds a batch record lives: longer than finished jobs stay (a day), so `status` still names expired batches. */
const RECORD_SECONDS = 7 * 86_400;
const INDEX_KEY = 'vadc:batches';
const recordKey = (id: string) => `vadc:batch:${id}`;

/** A job the coordinator waits for, with the name it prints. */
export interface AwaitedJob {
  id: string;
  label: string;
}

/** Where a score batch writes each input's files (the coordinator's paths), by job id. */
export interface ScoreOutputs {
  /** Output folder of each job's files, by job id. */
  folders: Record<string, string>;
}

/** One batch on the queue. */
export interface BatchRecord {
  id: string;
  kind: 'sweep' | 'score';
  /** The recipe name (sweep) or the run folder (score). */
  name: string;
  created: string;
  /** The machine and process that queued it. */
  by: string;
  jobs: AwaitedJob[];
  /** Score batches: where each job's files go. */
  outputs?: ScoreOutputs;
  /** When `vadc queue cancel` (or Ctrl-C, cancel) stopped it. */
  cancelled?: string;
}

/** Stores a new batch's record (before its jobs are added, so a batch never has jobs without a record). */
export async function saveBatch(queue: Queue, batch: Omit<BatchRecord, 'created' | 'by'>): Promise<BatchRecord> {
  const record: BatchRecord = { ...batch, created: new Date().toISOString(), by: `${hostname()} pid ${process.pid}` };
  const client = await redisOf(queue);
  await client.set(recordKey(record.id), JSON.stringify(record), 'EX', RECORD_SECONDS);
  await client.zadd(INDEX_KEY, Date.now(), record.id);
  return record;
}

/** The record of batch `id`, or null when there is none (never queued, or expired). */
export async function readBatch(queue: Queue, id: string): Promise<BatchRecord | null> {
  const text = await (await redisOf(queue)).get(recordKey(id));
  return text === null ? null : (JSON.parse(text) as BatchRecord);
}

/** Every batch still recorded, newest first (expired records leave the index here). */
export async function listBatches(queue: Queue): Promise<BatchRecord[]> {
  const client = await redisOf(queue);
  const ids = await client.zrevrange(INDEX_KEY, 0, -1);
  const records: BatchRecord[] = [];
  for (const id of ids) {
    const record = await readBatch(queue, id);
    if (record === null) await client.zrem(INDEX_KEY, id);
    else records.push(record);
  }
  return records;
}

/** What cancelling a batch did. */
export interface CancelOutcome {
  removed: string[];
  /** Jobs a worker is running: they finish their current work (a training keeps its checkpoints), nothing after them starts. */
  running: string[];
  finished: string[];
}

/**
 * Cancels a batch: every job not yet finished and not running is removed (a flow's parent first, so no child's
 * completion starts it), and the record is marked cancelled. A running job cannot be taken from its worker's thread;
 * it finishes, and nothing that depends on it starts (its parent is gone).
 */
export async function cancelBatch(queue: Queue, batch: BatchRecord): Promise<CancelOutcome> {
  const outcome: CancelOutcome = { removed: [], running: [], finished: [] };
  // Parents (the sweep, then each evaluate) before the train jobs they wait for.
  const order = [...batch.jobs].sort((left, right) => rank(left.id) - rank(right.id));
  for (const job of order) {
    const state = await queue.getJobState(job.id);
    if (state === 'completed' || state === 'failed') outcome.finished.push(job.label);
    else if (state === 'active') outcome.running.push(job.label);
    else if (state !== 'unknown') {
      await queue.remove(job.id, { removeChildren: false });
      outcome.removed.push(job.label);
    }
  }
  const record: BatchRecord = { ...batch, cancelled: new Date().toISOString() };
  await (await redisOf(queue)).set(recordKey(batch.id), JSON.stringify(record), 'KEEPTTL');
  return outcome;
}

/** Removal order: the flow's parent, then evaluate jobs, then everything else. */
function rank(id: string): number {
  if (id.endsWith('-evaluate')) return 1;
  if (/-t\d+-train$/.test(id) || /^score-/.test(id)) return 2;
  return 0;
}

/** What a cancel did, in one line. */
export function describeCancel(id: string, outcome: CancelOutcome): string {
  const list = (labels: string[]) => (labels.length === 0 ? 'none' : labels.join(', '));
  return `cancelled batch ${id}: removed ${outcome.removed.length} job${outcome.removed.length === 1 ? '' : 's'} not yet finished (${list(outcome.removed)})`
    + (outcome.running.length > 0 ? `; running on a worker, finishing its current work with nothing started after it: ${list(outcome.running)}` : '')
    + (outcome.finished.length > 0 ? `; already finished: ${outcome.finished.length}` : '');
}
